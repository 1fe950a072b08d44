package io.github.stalekeys.remediation;

import io.github.stalekeys.policy.SkippedKey;
import java.util.List;

/**
 * The remediation's answer to the runbook, as JSON; the runbook's outputs are read from it.
 *
 * @param userName    null when the user no longer exists
 * @param owner       the keys' owner by the rule's owner tag, or null when not known
 * @param ownerStatus {@code TAGGED}, {@code TAG_ABSENT} or {@code NOT_CONFIGURED}; null when the user no longer exists
 */
public record RemediationResult(
        String action,
        String userId,
        String userName,
        boolean dryRun,
        Outcome outcome,
        List<StaleKey> staleKeys,
        List<String> disabledKeyIds,
        List<SkippedKey> skippedKeys,
        String message,
        String owner,
        String ownerStatus) {

    /** What the remediation found and did, as a whole. */
    public enum Outcome {
        DISABLED,
        NOTHING_STALE,
        USER_NOT_FOUND,
        EXEMPT,
        DRY_RUN
    }

    /** A key found stale now: disabled, or in a dry run, the one that would be. */
    public record StaleKey(String accessKeyId, long idleDays, boolean neverUsed) {}
}
