package io.github.stalekeys.remediation;

import io.github.stalekeys.policy.SkippedKey;
import java.util.List;

/**
 * The backout's answer to the runbook, as JSON.
 *
 * @param keptKeys   keys the backout was asked for (or found outstanding) but left alone, with the reason:
 *                   active already, or used since the remediation disabled them (someone re-enabled them)
 * @param graceUntil  ISO-8601 end of the restored keys' grace, or null for none
 * @param owner       the keys' owner by the rule's owner tag, or null when not known
 * @param ownerStatus {@code TAGGED}, {@code TAG_ABSENT}, {@code NOT_CONFIGURED}, or {@code UNKNOWN} when the rule's
 *                    settings could not be read (the backout does not depend on them)
 */
public record RestoreResult(
        String action,
        String userName,
        List<String> restoredKeyIds,
        List<RestoredKey> restoredKeys,
        List<SkippedKey> keptKeys,
        String graceUntil,
        String message,
        String owner,
        String ownerStatus) {

    /**
     * A key set back to {@code Active}, as verified afterwards, with its last-use record as the control's
     * backout plan asks ({@code get-access-key-last-used}).
     *
     * @param lastUsedDate ISO-8601, or null when the key was never used
     */
    public record RestoredKey(
            String accessKeyId, String status, String lastUsedDate, String serviceName, String region) {}
}
