package io.github.stalekeys.remediation;

import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.KeyAgeLimits;
import io.github.stalekeys.policy.MaxKeyAge;
import java.util.Objects;
import java.util.Optional;

/**
 * What the deployed Config rule says, read from the live rule at each remediation: whoever can start a runbook or
 * invoke the function may ask for a higher threshold or more exemptions, never for less than this.
 *
 * @param ruleName   the rule they were read from
 * @param limits     the rule's limits (used and never-used keys): the lowest the remediation ever applies
 * @param exemptions the rule's exemptions: always added to any the payload names
 * @param ownerTagKey the tag naming a user's key owner, for the change notices
 */
record RuleSettings(String ruleName, KeyAgeLimits limits, Exemptions exemptions, Optional<String> ownerTagKey) {

    RuleSettings {
        Objects.requireNonNull(ruleName, "ruleName");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(exemptions, "exemptions");
        Objects.requireNonNull(ownerTagKey, "ownerTagKey");
    }

    /** {@code requested}, each limit raised to the deployed rule's: a payload may ask for more time, never less. */
    KeyAgeLimits floorFor(KeyAgeLimits requested) {
        return new KeyAgeLimits(
                atLeast(requested.used(), limits.used()), atLeast(requested.neverUsed(), limits.neverUsed()));
    }

    private static MaxKeyAge atLeast(MaxKeyAge requested, MaxKeyAge floor) {
        return requested.days() >= floor.days() ? requested : floor;
    }
}
