package io.github.stalekeys.remediation;

import io.github.stalekeys.audit.AuditRecord;
import io.github.stalekeys.audit.AuditTrail;
import io.github.stalekeys.iam.IamKeyInventory;
import io.github.stalekeys.iam.IamKeyInventory.TaggedUser;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.SkippedKey;
import io.github.stalekeys.remediation.RestoreResult.RestoredKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyLastUsed;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * The backout: sets back to {@code Active} exactly the keys a remediation disabled (from its sealed audit
 * record) and nobody touched since: all of them, those of one execution, or those an operator lists among
 * them. A key active again, or used after the record (someone re-enabled it, then perhaps disabled it on
 * purpose), is no longer the remediation's to restore: it is reported and left as it is. Each restored key is
 * verified active, reported with its last use, and marked restored with its grace in the same tag write.
 * A key that cannot be restored does not stop the others; the invocation then fails naming it.
 */
final class KeyRestoration {

    private final IamClient iam;
    private final UserDirectory directory;
    private final IamKeyInventory inventory;
    private final AuditTrail trail;
    private final Clock clock;
    private final StructuredLogger log;

    KeyRestoration(
            IamClient iam,
            UserDirectory directory,
            IamKeyInventory inventory,
            AuditTrail trail,
            Clock clock,
            StructuredLogger log) {
        this.iam = Objects.requireNonNull(iam, "iam");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.trail = Objects.requireNonNull(trail, "trail");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = Objects.requireNonNull(log, "log");
    }

    RestoreResult restore(RunbookRequest.RestoreKeys request) {
        TaggedUser found = directory
                .byName(request.userName())
                .orElseThrow(() -> new InvalidSettingException(
                        "userName", InvalidSettingException.echo(request.userName()) + " names no existing IAM user"));
        IamUser user = found.user();
        AuditTrail.Records records = trail.read(user, found.tags());
        records.rejected()
                .forEach(rejected -> log.warn(
                        "audit tag not trusted: nothing restored from it",
                        "userName",
                        user.userName(),
                        "tagKey",
                        rejected.tagKey(),
                        "reason",
                        rejected.reason(),
                        "automationExecutionId",
                        request.automationExecutionId()));
        List<AuditRecord> trusted = records.trusted();
        List<String> targets = targets(request, trusted);

        Map<String, String> failures = new LinkedHashMap<>();
        List<SkippedKey> kept = new ArrayList<>();
        List<String> reactivated = new ArrayList<>();
        Map<String, Optional<AccessKeyLastUsed>> lastUses = new LinkedHashMap<>();
        List<RestoredKey> restored;
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS); // as the record keeps it
        int graceDays = request.graceDays();
        Optional<Instant> graceUntil =
                graceDays == 0 ? Optional.empty() : Optional.of(now.plus(Duration.ofDays(graceDays)));
        try {
            Map<String, String> statuses = targets.isEmpty() ? Map.of() : statuses(user);
            for (String keyId : targets) {
                String status = statuses.get(keyId);
                if (status == null) {
                    failures.put(
                            keyId,
                            "does not exist (deleted since it was disabled, or not a key of " + user.userName() + ")");
                    continue;
                }
                if ("Active".equals(status)) {
                    kept.add(new SkippedKey(
                            keyId, "is active already: re-enabled since the remediation disabled it; left as it is"));
                    continue;
                }
                Optional<AccessKeyLastUsed> lastUsed = inventory.lastUsed(keyId);
                Instant disabledAt = disabledAt(trusted, keyId);
                Optional<Instant> usedAfter =
                        lastUsed.map(AccessKeyLastUsed::lastUsedDate).filter(used -> used.isAfter(disabledAt));
                if (usedAfter.isPresent()) {
                    kept.add(new SkippedKey(
                            keyId,
                            "was used after the remediation disabled it (last used " + usedAfter.get()
                                    + "): someone re-enabled it since, so its status now is theirs; not restored"));
                    continue;
                }
                iam.updateAccessKey(update ->
                        update.userName(user.userName()).accessKeyId(keyId).status(StatusType.ACTIVE));
                reactivated.add(keyId);
                lastUses.put(keyId, lastUsed);
            }
            restored = verified(user, reactivated, lastUses, failures);
        } catch (RuntimeException unexpected) {
            // Whatever stopped us, the record must say which keys are Active again before the failure is reported.
            try {
                markRestored(user, trusted, reactivated, now, graceDays, request.automationExecutionId());
            } catch (RuntimeException alsoFailed) {
                unexpected.addSuppressed(alsoFailed);
            }
            throw unexpected;
        }
        List<String> restoredIds =
                restored.stream().map(RestoredKey::accessKeyId).toList();
        markRestored(user, trusted, restoredIds, now, graceDays, request.automationExecutionId());
        kept.forEach(key -> log.info(
                "access key left as it is",
                "userName",
                user.userName(),
                "accessKeyId",
                key.accessKeyId(),
                "reason",
                key.reason(),
                "automationExecutionId",
                request.automationExecutionId()));

        String message = message(user, restoredIds, graceUntil, kept, records.rejected(), failures);
        if (!failures.isEmpty()) {
            throw new RestoreIncompleteException(message);
        }
        return new RestoreResult(
                RunbookRequestParser.RESTORE_KEYS,
                user.userName(),
                restoredIds,
                restored,
                kept,
                restoredIds.isEmpty() ? null : graceUntil.map(Instant::toString).orElse(null),
                message);
    }

    private static String message(
            IamUser user,
            List<String> restoredIds,
            Optional<Instant> graceUntil,
            List<SkippedKey> kept,
            List<AuditTrail.Rejected> rejected,
            Map<String, String> failures) {
        StringBuilder message = new StringBuilder();
        if (restoredIds.isEmpty() && kept.isEmpty() && failures.isEmpty()) {
            message.append("Nothing to restore: no key of ")
                    .append(user.userName())
                    .append(" is awaiting a backout");
        } else {
            message.append("Restored ")
                    .append(restoredIds.isEmpty() ? "no key" : String.join(", ", restoredIds))
                    .append(" of ")
                    .append(user.userName());
            if (!restoredIds.isEmpty()) {
                message.append(graceUntil
                        .map(until -> "; not reported or disabled for disuse before " + until + " unless used")
                        .orElse("; no grace"));
            }
        }
        kept.forEach(key ->
                message.append("; ").append(key.accessKeyId()).append(' ').append(key.reason()));
        rejected.forEach(tag -> message.append("; ignored audit tag ")
                .append(tag.tagKey())
                .append(" (")
                .append(tag.reason())
                .append(')'));
        if (!failures.isEmpty()) {
            message.append("; could not restore: ")
                    .append(failures.entrySet().stream()
                            .map(failure -> failure.getKey() + " " + failure.getValue())
                            .collect(Collectors.joining("; ")));
        }
        return message.toString();
    }

    private static List<String> targets(RunbookRequest.RestoreKeys request, List<AuditRecord> records) {
        if (!request.accessKeyIds().isEmpty()) {
            // Only what a remediation disabled: never a key someone disabled on purpose (an incident responder).
            // A key restored once and disabled again since was disabled by someone else: it is not outstanding.
            List<String> unrecorded = request.accessKeyIds().stream()
                    .filter(keyId -> records.stream()
                            .noneMatch(record -> record.outstanding().contains(keyId)))
                    .toList();
            if (!unrecorded.isEmpty()) {
                throw new InvalidSettingException(
                        "accessKeyIds",
                        "names " + String.join(", ", unrecorded)
                                + ", which no remediation disabled on " + request.userName()
                                + " or which was restored since"
                                + " (no audit record of the remediation holds it outstanding): the backout restores only"
                                + " keys the remediation disabled; nothing was changed");
            }
            return request.accessKeyIds();
        }
        if (request.remediationExecutionId().isPresent()) {
            String executionId = request.remediationExecutionId().get();
            return records.stream()
                    .filter(record -> record.executionId().equalsIgnoreCase(executionId))
                    .findFirst()
                    .map(AuditRecord::outstanding)
                    .orElseThrow(() -> new InvalidSettingException(
                            "remediationExecutionId",
                            "'" + executionId + "' has no audit record of the remediation on user " + request.userName()
                                    + ": it disabled no key there"));
        }
        LinkedHashSet<String> outstanding = new LinkedHashSet<>();
        records.forEach(record -> outstanding.addAll(record.outstanding()));
        return List.copyOf(outstanding);
    }

    /** When the remediation last disabled the key (the latest record holding it outstanding). */
    private static Instant disabledAt(List<AuditRecord> records, String keyId) {
        return records.stream()
                .filter(record -> record.outstanding().contains(keyId))
                .map(AuditRecord::disabledAt)
                .max(Comparator.naturalOrder())
                .orElseThrow();
    }

    private Map<String, String> statuses(IamUser user) {
        return iam.listAccessKeysPaginator(list -> list.userName(user.userName())).accessKeyMetadata().stream()
                .collect(Collectors.toMap(AccessKeyMetadata::accessKeyId, AccessKeyMetadata::statusAsString));
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
        Map<String, String> statuses = statuses(user);
        List<RestoredKey> restored = new ArrayList<>();
        for (String keyId : reactivated) {
            String status = statuses.get(keyId);
            if (!"Active".equals(status)) {
                failures.put(keyId, "is " + status + " after the restore, not Active");
                continue;
            }
            Optional<AccessKeyLastUsed> lastUsed = lastUses.getOrDefault(keyId, Optional.empty());
            restored.add(new RestoredKey(
                    keyId,
                    status,
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

    private void markRestored(
            IamUser user,
            List<AuditRecord> records,
            List<String> restoredIds,
            Instant at,
            int graceDays,
            String executionId) {
        for (AuditRecord record : records) {
            AuditRecord updated = trail.markRestored(user, record, restoredIds, at, graceDays);
            if (!updated.equals(record)) {
                log.info(
                        "audit record updated",
                        "userName",
                        user.userName(),
                        "remediationExecutionId",
                        record.executionId(),
                        "restoredAccessKeyIds",
                        updated.restoredKeyIds(),
                        "graceUntil",
                        graceDays == 0
                                ? null
                                : at.plus(Duration.ofDays(graceDays)).toString(),
                        "record",
                        updated.content(),
                        "automationExecutionId",
                        executionId);
            }
        }
    }
}
