package io.github.stalekeys.remediation;

import io.github.stalekeys.audit.AuditTrail;
import io.github.stalekeys.iam.IamKeyInventory.TaggedUser;
import io.github.stalekeys.keychange.AuditLedger;
import io.github.stalekeys.keychange.RestorationRecord;
import io.github.stalekeys.keychange.RestorePlan;
import io.github.stalekeys.keychange.UserSnapshot;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.KeyOwner;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.remediation.RestoreResult.RestoredKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyLastUsed;
import software.amazon.awssdk.services.iam.model.LimitExceededException;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * The backout, in three steps: read the user (its records, its keys, the last use of each key a record holds
 * outstanding), plan from that snapshot alone ({@link RestorePlan}: exactly the keys a remediation disabled and
 * nobody touched since), and apply: the restoration records with their grace are written <em>before</em> any key is
 * set Active, so a remediation that sees the key Active again also sees its grace; then each key is set Active,
 * read back, and the records narrowed to the keys that really are Active. A key that cannot be restored does not
 * stop the others; the invocation then fails naming it, and the keys that were restored are still announced.
 */
final class KeyRestoration {

    private final IamClient iam;
    private final UserDirectory directory;
    private final UserReads reads;
    private final AuditTrail trail;
    private final ServedRule rule;
    private final Clock clock;
    private final StructuredLogger log;

    KeyRestoration(
            IamClient iam,
            UserDirectory directory,
            UserReads reads,
            AuditTrail trail,
            ServedRule rule,
            Clock clock,
            StructuredLogger log) {
        this.iam = Objects.requireNonNull(iam, "iam");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.reads = Objects.requireNonNull(reads, "reads");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = Objects.requireNonNull(log, "log");
    }

    RestoreResult restore(RunbookRequest.RestoreKeys request) {
        String executionId = request.automationExecutionId();
        TaggedUser found = directory
                .byName(request.userName())
                .orElseThrow(() -> new InvalidSettingException(
                        "userName", InvalidSettingException.echo(request.userName()) + " names no existing IAM user"));
        IamUser user = found.user();
        UserReads.ForBackout read = reads.forBackout(found, executionId);
        UserSnapshot snapshot = read.snapshot();
        AuditLedger ledger = snapshot.ledger();
        Map<String, Optional<AccessKeyLastUsed>> lastUses = read.lastUses();
        RestorePlan plan = RestorePlan.of(
                snapshot,
                new RestorePlan.Selection(request.userName(), request.accessKeyIds(), request.remediationExecutionId()),
                executionId,
                request.graceDays(),
                clock.instant());
        Optional<KeyOwner> owner = owner(found.tags(), executionId);

        Map<String, String> failures = new LinkedHashMap<>(plan.failures());
        List<RestoredKey> restored = List.of();
        RuntimeException stopped = null;
        if (!plan.toRestore().isEmpty()) {
            writeGraceFirst(user, plan);
            List<String> reactivated = new ArrayList<>();
            try {
                for (String keyId : plan.toRestore()) {
                    iam.updateAccessKey(update ->
                            update.userName(user.userName()).accessKeyId(keyId).status(StatusType.ACTIVE));
                    reactivated.add(keyId);
                }
            } catch (RuntimeException failure) {
                stopped = failure;
                plan.toRestore().stream()
                        .filter(keyId -> !reactivated.contains(keyId))
                        .forEach(keyId -> failures.put(
                                keyId,
                                "could not be set Active (" + failure.getClass().getSimpleName() + ")"));
            }
            // The record keeps every key IAM accepted to set Active, even one a read right after does not show Active
            // yet (IAM is eventually consistent): a key Active again must never be left without its grace.
            correct(user, plan, reactivated, executionId, stopped);
            restored = verified(user, reactivated, lastUses, failures);
        }
        plan.kept()
                .forEach(key -> log.info(
                        "access key left as it is",
                        "userName",
                        user.userName(),
                        "accessKeyId",
                        key.accessKeyId(),
                        "reason",
                        key.reason(),
                        "automationExecutionId",
                        executionId));
        List<String> restoredIds =
                restored.stream().map(RestoredKey::accessKeyId).toList();
        String message = BackoutMessage.of(user, restoredIds, plan, ledger.rejected(), failures);
        RestoreResult result = new RestoreResult(
                RunbookRequestParser.RESTORE_KEYS,
                user.userName(),
                restoredIds,
                restored,
                plan.kept(),
                restoredIds.isEmpty()
                        ? null
                        : plan.graceUntil().map(Instant::toString).orElse(null),
                message,
                owner.flatMap(KeyOwner::value).orElse(null),
                owner.map(KeyOwner::status).orElse("UNKNOWN"));
        if (!failures.isEmpty()) {
            throw new RestoreIncompleteException(result, stopped);
        }
        return result;
    }

    /** The grace first: a key is never Active again without it on record. */
    private void writeGraceFirst(IamUser user, RestorePlan plan) {
        try {
            trail.write(user, plan.records());
        } catch (LimitExceededException atQuota) {
            throw new IllegalStateException("IAM user " + user.userName()
                    + " is at IAM's quota of 50 tags, so the backout cannot record the grace of the"
                    + " keys it would restore: free a tag, then run the backout again. Nothing was changed");
        }
    }

    /** The owner for the notices, from the rule's owner tag; empty when the rule cannot be read (no reason to stop). */
    private Optional<KeyOwner> owner(Map<String, String> tags, String executionId) {
        try {
            return Optional.of(KeyOwner.of(rule.settings().ownerTagKey(), tags));
        } catch (RuleSettingsUnavailableException unreadable) {
            log.warn(
                    "owner not known: the rule's settings cannot be read; the backout goes on",
                    "error",
                    unreadable.getMessage(),
                    "automationExecutionId",
                    executionId);
            return Optional.empty();
        }
    }

    /** Reads the keys back: each must now be Active; reports its last use (read just before the restore). */
    private List<RestoredKey> verified(
            IamUser user,
            List<String> reactivated,
            Map<String, Optional<AccessKeyLastUsed>> lastUses,
            Map<String, String> failures) {
        if (reactivated.isEmpty()) {
            return List.of();
        }
        Map<String, KeyStatus> statuses = reads.statusesNow(user);
        List<RestoredKey> restored = new ArrayList<>();
        for (String keyId : reactivated) {
            KeyStatus status = statuses.get(keyId);
            if (status != KeyStatus.ACTIVE) {
                failures.put(
                        keyId,
                        "reads back " + (status == null ? "gone" : status) + " right after the restore, not Active"
                                + " (IAM may not have caught up: if it stays so, set it Active by hand; its grace is on"
                                + " record)");
                continue;
            }
            Optional<AccessKeyLastUsed> lastUsed = lastUses.getOrDefault(keyId, Optional.empty());
            restored.add(new RestoredKey(
                    keyId,
                    "Active",
                    lastUsed.map(AccessKeyLastUsed::lastUsedDate)
                            .map(Instant::toString)
                            .orElse(null),
                    lastUsed.map(AccessKeyLastUsed::serviceName).orElse(null),
                    lastUsed.map(AccessKeyLastUsed::region).orElse(null)));
            log.info(
                    "access key restored",
                    "userName",
                    user.userName(),
                    "userId",
                    user.userId(),
                    "accessKeyId",
                    keyId,
                    "lastUsedDate",
                    restored.get(restored.size() - 1).lastUsedDate());
        }
        return restored;
    }

    /**
     * Narrows the restoration records to the keys IAM accepted to set Active, so a key it refused stays
     * outstanding for the next backout; only this execution writes these tags, so nothing else can be lost.
     */
    private void correct(
            IamUser user, RestorePlan plan, List<String> reactivated, String executionId, RuntimeException stopped) {
        List<RestorationRecord> kept = plan.recordsFor(reactivated);
        List<String> emptied = plan.records().stream()
                .map(RestorationRecord::tagKey)
                .filter(tagKey ->
                        kept.stream().noneMatch(record -> record.tagKey().equals(tagKey)))
                .toList();
        List<RestorationRecord> narrowed =
                kept.stream().filter(record -> !plan.records().contains(record)).toList();
        try {
            trail.write(user, narrowed);
            trail.remove(user, emptied);
        } catch (RuntimeException correctionFailed) {
            if (stopped == null) {
                throw correctionFailed;
            }
            stopped.addSuppressed(correctionFailed);
        }
        kept.forEach(record -> log.info(
                "restoration recorded",
                "userName",
                user.userName(),
                "tagKey",
                record.tagKey(),
                "record",
                record.content(),
                "automationExecutionId",
                executionId));
    }
}
