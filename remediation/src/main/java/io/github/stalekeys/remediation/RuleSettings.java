package io.github.stalekeys.remediation;

import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.KeyAgeLimits;
import java.util.Objects;

/**
 * What the deployed Config rule says, read from the live rule at each remediation: whoever can start a runbook or
 * invoke the function may ask for a higher threshold or more exemptions, never for less than this.
 *
 * @param ruleName   the rule they were read from
 * @param limits     the rule's limits (used and never-used keys): the lowest the remediation ever applies
 * @param exemptions the rule's exemptions: always added to any the payload names
 */
record RuleSettings(String ruleName, KeyAgeLimits limits, Exemptions exemptions) {

    RuleSettings {
        Objects.requireNonNull(ruleName, "ruleName");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(exemptions, "exemptions");
    }
}
