package io.github.stalekeys.keychange;

import io.github.stalekeys.policy.BackoutGrace;
import io.github.stalekeys.policy.KeyAssessment;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.RemediationPlan;
import io.github.stalekeys.policy.SkippedKey;
import io.github.stalekeys.policy.StaleKeyPolicy;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What one remediation execution does to one user, decided from a snapshot alone: the keys to disable (active
 * and stale now, not in a backout's grace), the others with the reason, the record to write before the first
 * key changes, and the settled tags to remove first. Applying it re-checks each key with {@link #recheck} right
 * before it changes it, because other executions may act on the same user meanwhile.
 */
public record DisablePlan(
        List<KeyAssessment> toDisable,
        List<SkippedKey> skipped,
        AuditRecord record,
        List<AuditLedger.Sealed<?>> prune) {

    public DisablePlan {
        toDisable = List.copyOf(toDisable);
        skipped = List.copyOf(skipped);
        Objects.requireNonNull(record, "record");
        prune = List.copyOf(prune);
    }

    /** The plan of execution {@code executionId} for {@code snapshot}, judged by {@code policy} at {@code clock}'s now. */
    public static DisablePlan of(UserSnapshot snapshot, StaleKeyPolicy policy, String executionId, Clock clock) {
        RemediationPlan judged = new BackoutGrace(snapshot.ledger().graceGrants(), clock)
                .apply(RemediationPlan.of(policy, snapshot.keys()));
        List<String> keyIds =
                judged.toDisable().stream().map(key -> key.key().accessKeyId()).toList();
        return new DisablePlan(
                judged.toDisable(),
                judged.skipped(),
                AuditRecord.disabled(executionId, keyIds, clock.instant()),
                keyIds.isEmpty() ? List.of() : snapshot.ledger().settled(snapshot.statuses(), clock.instant()));
    }

    /**
     * Whether {@code key} may still be disabled, from its status and the user's records read again right before
     * the change: empty if so, else why it is left alone (someone changed its status, or a backout restored it
     * with a grace, since the plan was made).
     */
    public static Optional<String> recheck(
            KeyAssessment key, Optional<KeyStatus> statusNow, AuditLedger ledgerNow, Clock clock) {
        String keyId = key.key().accessKeyId();
        if (statusNow.isEmpty()) {
            return Optional.of("was deleted meanwhile: nothing to disable");
        }
        if (statusNow.get() != KeyStatus.ACTIVE) {
            return Optional.of("was set " + statusNow.get().name().toLowerCase(Locale.ROOT)
                    + " meanwhile by another execution or someone else: left as it is");
        }
        return new BackoutGrace(ledgerNow.graceGrants(), clock)
                .sparing(key.key())
                .map(grant -> "was restored by a backout meanwhile (grace until " + grant.until() + "): left alone");
    }
}
