package io.github.stalekeys.remediation;

import io.github.stalekeys.audit.AuditTrail;
import io.github.stalekeys.keychange.AuditLedger;
import io.github.stalekeys.keychange.AuditRecord;
import io.github.stalekeys.keychange.DisablePlan;
import io.github.stalekeys.keychange.UserSnapshot;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyAssessment;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.SkippedKey;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.LimitExceededException;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * The apply step of the remediation, in the order that is safe when other executions act on the same user: remove
 * the settled tags that are still as they were read; write the sealed record naming the keys to disable; then for
 * each key read its status and the user's records again and disable it only if it is still Active and no backout
 * has restored it since; last, narrow the record to the keys really disabled.
 *
 * <p>At IAM's quota of 50 tags a user the keys are still disabled (a stale key left active is the risk this product
 * exists to remove), and the sealed record is handed back in the error and the log, to be attached once a tag is free.
 */
final class KeyDisabling {

    /** What was done: the keys disabled, and those the re-check left alone, with the reason. */
    record Applied(List<String> disabled, List<SkippedKey> leftAlone) {}

    private final IamClient iam;
    private final UserReads reads;
    private final AuditTrail trail;
    private final Clock clock;
    private final StructuredLogger log;

    KeyDisabling(IamClient iam, UserReads reads, AuditTrail trail, Clock clock, StructuredLogger log) {
        this.iam = Objects.requireNonNull(iam, "iam");
        this.reads = Objects.requireNonNull(reads, "reads");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = Objects.requireNonNull(log, "log");
    }

    Applied apply(UserSnapshot snapshot, DisablePlan plan, String executionId) {
        IamUser user = snapshot.user();
        prune(user, plan.prune(), executionId);
        AuditRecord record = plan.record();
        String sealed = trail.sealedValue(user, record);
        boolean stored = store(user, record, sealed, executionId);
        // Our own record, as just written, needs no second VerifyMac when the records are read again.
        AuditLedger verified = withOwn(snapshot.ledger(), record, sealed);
        List<String> disabled = new ArrayList<>();
        List<SkippedKey> leftAlone = new ArrayList<>();
        try {
            for (KeyAssessment key : plan.toDisable()) {
                String keyId = key.key().accessKeyId();
                Map<String, KeyStatus> statuses = reads.statusesNow(user);
                verified = reads.ledgerNow(user, verified);
                Optional<String> why =
                        DisablePlan.recheck(key, Optional.ofNullable(statuses.get(keyId)), verified, clock);
                if (why.isPresent()) {
                    leftAlone.add(new SkippedKey(keyId, why.get()));
                    log.info(
                            "access key left alone",
                            "userName",
                            user.userName(),
                            "accessKeyId",
                            keyId,
                            "reason",
                            why.get(),
                            "automationExecutionId",
                            executionId);
                    continue;
                }
                iam.updateAccessKey(update ->
                        update.userName(user.userName()).accessKeyId(keyId).status(StatusType.INACTIVE));
                disabled.add(keyId);
                log.info(
                        "access key disabled",
                        "userName",
                        user.userName(),
                        "userId",
                        user.userId(),
                        "accessKeyId",
                        keyId,
                        "idleDays",
                        key.idleDays(),
                        "neverUsed",
                        key.key().neverUsed(),
                        "automationExecutionId",
                        executionId);
            }
        } catch (RuntimeException failure) {
            if (stored) {
                correctAfterFailure(user, record, disabled, failure);
            } else if (!disabled.isEmpty()) {
                // The only copy of the record is the one handed back: it must name what was really disabled.
                throw notStored(user, record, sealed, disabled, failure);
            }
            throw failure;
        }
        if (!stored) {
            if (disabled.isEmpty()) {
                return new Applied(disabled, leftAlone);
            }
            throw notStored(user, record, sealed, disabled, null);
        }
        if (disabled.size() < record.disabledKeyIds().size()) {
            try {
                narrow(user, record, disabled);
            } catch (RuntimeException failure) {
                log.error(
                        "the audit record could not be narrowed and names keys not disabled: a backout would"
                                + " re-enable them; correct the tag by hand",
                        "userName",
                        user.userName(),
                        "tagKey",
                        record.tagKey(),
                        "disabledAccessKeyIds",
                        disabled,
                        "error",
                        failure.getClass().getSimpleName());
                throw failure;
            }
        }
        return new Applied(disabled, leftAlone);
    }

    /** At the quota: the sealed record of what was really disabled, for the operator to attach. */
    private AuditRecordNotStoredException notStored(
            IamUser user, AuditRecord record, String sealed, List<String> disabled, RuntimeException cause) {
        AuditRecord narrowed = record.narrowedTo(disabled);
        String value = narrowed.equals(record) ? sealed : trail.sealedValue(user, narrowed);
        return new AuditRecordNotStoredException(
                "Disabled " + String.join(", ", disabled) + " of " + user.userName()
                        + ", but the audit record could not be attached: the user is at IAM's quota of 50 tags."
                        + (cause == null
                                ? ""
                                : " Then disabling stopped (" + cause.getClass().getSimpleName() + ").")
                        + " Free a tag, then tag the user with " + narrowed.tagKey() + " = " + value,
                narrowed.tagKey(),
                value,
                cause);
    }

    /** Removes the settled tags the plan names, those still byte for byte as read: any other was rewritten since. */
    private void prune(IamUser user, List<AuditLedger.Sealed<?>> settled, String executionId) {
        if (settled.isEmpty()) {
            return;
        }
        Map<String, String> now = reads.tagsNow(user);
        List<AuditLedger.Sealed<?>> unchanged = settled.stream()
                .filter(tag -> tag.tagValue().equals(now.get(tag.tagKey())))
                .toList();
        trail.remove(user, unchanged.stream().map(AuditLedger.Sealed::tagKey).toList());
        unchanged.forEach(tag -> log.info(
                "settled audit record removed",
                "userName",
                user.userName(),
                "tagKey",
                tag.tagKey(),
                "record",
                tag.tagValue(),
                "automationExecutionId",
                executionId));
    }

    private boolean store(IamUser user, AuditRecord record, String sealed, String executionId) {
        try {
            trail.store(user, Map.of(record.tagKey(), sealed));
            return true;
        } catch (LimitExceededException atQuota) {
            log.error(
                    "audit record not stored: the user is at IAM's quota of tags; attach it once a tag is free",
                    "userName",
                    user.userName(),
                    "tagKey",
                    record.tagKey(),
                    "tagValue",
                    sealed,
                    "automationExecutionId",
                    executionId);
            return false;
        }
    }

    private static AuditLedger withOwn(AuditLedger ledger, AuditRecord record, String sealed) {
        List<AuditLedger.Sealed<AuditRecord>> remediations = new ArrayList<>(ledger.remediations());
        remediations.add(new AuditLedger.Sealed<>(record, record.tagKey(), sealed));
        return new AuditLedger(remediations, ledger.restorations(), ledger.rejected());
    }

    /** The record names exactly the keys disabled (removed when none was): only this execution writes it. */
    private void narrow(IamUser user, AuditRecord record, List<String> disabled) {
        if (disabled.isEmpty()) {
            trail.remove(user, List.of(record.tagKey()));
        } else {
            trail.write(user, record.narrowedTo(disabled));
        }
    }

    /** Keeps the record true to what happened before the failure is reported. */
    private void correctAfterFailure(
            IamUser user, AuditRecord record, List<String> disabled, RuntimeException failure) {
        try {
            narrow(user, record, disabled);
            log.error(
                    "disabling stopped: audit record corrected",
                    "userName",
                    user.userName(),
                    "disabledAccessKeyIds",
                    disabled,
                    "error",
                    failure.getClass().getSimpleName());
        } catch (RuntimeException correctionFailed) {
            failure.addSuppressed(correctionFailed); // the first failure is the one to report
            log.error(
                    "disabling stopped; the audit record could not be corrected and may name keys still active",
                    "userName",
                    user.userName(),
                    "disabledAccessKeyIds",
                    disabled,
                    "error",
                    failure.getClass().getSimpleName());
        }
    }
}
