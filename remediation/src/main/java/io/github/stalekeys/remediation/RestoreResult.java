package io.github.stalekeys.remediation;

import java.util.List;

/** The backout's answer to the runbook, as JSON. */
public record RestoreResult(
        String action, String userName, List<String> restoredKeyIds, List<RestoredKey> restoredKeys, String message) {

    /**
     * A key set back to {@code Active}, as verified afterwards, with its last-use record as the control's
     * backout plan asks ({@code get-access-key-last-used}).
     *
     * @param lastUsedDate ISO-8601, or null when the key was never used
     */
    public record RestoredKey(
            String accessKeyId, String status, String lastUsedDate, String serviceName, String region) {}
}
