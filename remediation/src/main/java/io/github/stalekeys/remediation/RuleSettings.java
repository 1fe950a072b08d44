package io.github.stalekeys.remediation;

import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.MaxKeyAge;
import java.util.Objects;

/**
 * What the deployed Config rule says, read from the live rule at each remediation: whoever can start a runbook or
 * invoke the function may ask for a higher threshold or more exemptions, never for less than this.
 *
 * @param ruleName   the rule they were read from
 * @param maxKeyAge  the rule's threshold: the lowest the remediation ever applies
 * @param exemptions the rule's exemptions: always added to any the payload names
 */
record RuleSettings(String ruleName, MaxKeyAge maxKeyAge, Exemptions exemptions) {

    RuleSettings {
        Objects.requireNonNull(ruleName, "ruleName");
        Objects.requireNonNull(maxKeyAge, "maxKeyAge");
        Objects.requireNonNull(exemptions, "exemptions");
    }
}
