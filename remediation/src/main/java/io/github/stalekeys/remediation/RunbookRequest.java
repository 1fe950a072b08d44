package io.github.stalekeys.remediation;

import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.KeyAgeLimits;
import io.github.stalekeys.policy.MaxKeyAge;
import java.util.List;
import java.util.Optional;

/** What a runbook asks of the function, validated. */
sealed interface RunbookRequest {

    /** The current Automation execution, recorded with every change. */
    String automationExecutionId();

    /**
     * The remediation: disable the user's keys that are stale now.
     *
     * @param maxNeverUsedKeyAge the limit for keys never used (from their creation); {@code maxKeyAge} by default
     */
    record DisableStaleKeys(
            String userId,
            MaxKeyAge maxKeyAge,
            boolean dryRun,
            Exemptions exemptions,
            String automationExecutionId,
            MaxKeyAge maxNeverUsedKeyAge)
            implements RunbookRequest {

        KeyAgeLimits limits() {
            return new KeyAgeLimits(maxKeyAge, maxNeverUsedKeyAge);
        }
    }

    /**
     * The backout: re-enable keys of {@code userName}: those listed, or those one remediation execution
     * disabled, or (neither given) every key any remediation disabled and no backout restored yet; the restored
     * keys are spared for {@code graceDays} (0: not at all).
     */
    record RestoreKeys(
            String userName,
            List<String> accessKeyIds,
            Optional<String> remediationExecutionId,
            int graceDays,
            String automationExecutionId)
            implements RunbookRequest {

        public RestoreKeys {
            accessKeyIds = List.copyOf(accessKeyIds);
        }
    }
}
