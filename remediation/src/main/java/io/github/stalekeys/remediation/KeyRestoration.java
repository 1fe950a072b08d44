package io.github.stalekeys.remediation;

import io.github.stalekeys.iam.IamKeyInventory;
import io.github.stalekeys.iam.IamKeyInventory.TaggedUser;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.remediation.RestoreResult.RestoredKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
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
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * The backout: sets back to {@code Active} exactly the keys a remediation disabled (from its audit record),
 * all of them, those of one execution, or those an operator lists among them; verifies each is active,
 * reports its last use, and marks the audit record.
 * A key that cannot be restored does not stop the others; the invocation then fails naming it.
 */
final class KeyRestoration {

    private final IamClient iam;
    private final UserDirectory directory;
    private final IamKeyInventory inventory;
    private final Clock clock;
    private final StructuredLogger log;

    KeyRestoration(IamClient iam, UserDirectory directory, Clock clock, StructuredLogger log) {
        this.iam = Objects.requireNonNull(iam, "iam");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.inventory = new IamKeyInventory(iam);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.log = Objects.requireNonNull(log, "log");
    }

    RestoreResult restore(RunbookRequest.RestoreKeys request) {
        TaggedUser found = directory
                .byName(request.userName())
                .orElseThrow(() -> new InvalidSettingException(
                        "userName", "'" + request.userName() + "' names no existing IAM user"));
        IamUser user = found.user();
        List<AuditRecord> records = found.tags().entrySet().stream()
                .flatMap(tag -> AuditRecord.fromTag(tag.getKey(), tag.getValue()).stream())
                .toList();
        List<String> targets = targets(request, records);

        Map<String, String> failures = new LinkedHashMap<>();
        List<String> reactivated = new ArrayList<>();
        List<RestoredKey> restored;
        try {
            for (String keyId : targets) {
                try {
                    iam.updateAccessKey(update ->
                            update.userName(user.userName()).accessKeyId(keyId).status(StatusType.ACTIVE));
                    reactivated.add(keyId);
                } catch (NoSuchEntityException gone) {
                    failures.put(
                            keyId,
                            "does not exist (deleted since it was disabled, or not a key of " + user.userName() + ")");
                }
            }
            restored = verified(user, reactivated, failures);
        } catch (RuntimeException unexpected) {
            // Whatever stopped us, the record must say which keys are Active again before the failure is reported.
            recordRestoredDespite(unexpected, user, records, reactivated, request.automationExecutionId());
            throw unexpected;
        }
        List<String> restoredIds =
                restored.stream().map(RestoredKey::accessKeyId).toList();
        markRestored(user, records, restoredIds, request.automationExecutionId());

        String message = restoredIds.isEmpty() && failures.isEmpty()
                ? "Nothing to restore: no key of " + user.userName() + " is awaiting a backout"
                : "Restored " + (restoredIds.isEmpty() ? "no key" : String.join(", ", restoredIds)) + " of "
                        + user.userName();
        if (!failures.isEmpty()) {
            throw new RestoreIncompleteException(message + "; could not restore: "
                    + failures.entrySet().stream()
                            .map(failure -> failure.getKey() + " " + failure.getValue())
                            .collect(Collectors.joining("; ")));
        }
        return new RestoreResult(RunbookRequestParser.RESTORE_KEYS, user.userName(), restoredIds, restored, message);
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
                                + " (no audit record holds it outstanding): the backout restores only keys the remediation"
                                + " disabled; nothing was changed");
            }
            return request.accessKeyIds();
        }
        if (request.remediationExecutionId().isPresent()) {
            String executionId = request.remediationExecutionId().get();
            return records.stream()
                    .filter(record -> record.executionId().equals(executionId))
                    .findFirst()
                    .map(AuditRecord::outstanding)
                    .orElseThrow(() -> new InvalidSettingException(
                            "remediationExecutionId",
                            "'" + executionId + "' has no audit record on user " + request.userName()
                                    + ": it disabled no key there"));
        }
        LinkedHashSet<String> outstanding = new LinkedHashSet<>();
        records.forEach(record -> outstanding.addAll(record.outstanding()));
        return List.copyOf(outstanding);
    }

    /** Reads the keys back: each must now be Active; reports its last use. */
    private List<RestoredKey> verified(IamUser user, List<String> reactivated, Map<String, String> failures) {
        if (reactivated.isEmpty()) {
            return List.of();
        }
        Map<String, String> statuses =
                iam.listAccessKeysPaginator(list -> list.userName(user.userName())).accessKeyMetadata().stream()
                        .collect(Collectors.toMap(AccessKeyMetadata::accessKeyId, AccessKeyMetadata::statusAsString));
        List<RestoredKey> restored = new ArrayList<>();
        for (String keyId : reactivated) {
            String status = statuses.get(keyId);
            if (!"Active".equals(status)) {
                failures.put(keyId, "is " + status + " after the restore, not Active");
                continue;
            }
            Optional<AccessKeyLastUsed> lastUsed = inventory.lastUsed(keyId);
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

    private void recordRestoredDespite(
            RuntimeException failure,
            IamUser user,
            List<AuditRecord> records,
            List<String> reactivated,
            String executionId) {
        try {
            markRestored(user, records, reactivated, executionId);
        } catch (RuntimeException alsoFailed) {
            failure.addSuppressed(alsoFailed);
        }
    }

    private void markRestored(IamUser user, List<AuditRecord> records, List<String> restoredIds, String executionId) {
        Instant now = clock.instant();
        for (AuditRecord record : records) {
            AuditRecord updated = record.withRestored(restoredIds, now);
            if (!updated.equals(record)) {
                iam.tagUser(tag -> tag.userName(user.userName())
                        .tags(t -> t.key(updated.tagKey()).value(updated.tagValue())));
                log.info(
                        "audit record updated",
                        "userName",
                        user.userName(),
                        "remediationExecutionId",
                        record.executionId(),
                        "restoredAccessKeyIds",
                        updated.restoredKeyIds(),
                        "automationExecutionId",
                        executionId);
            }
        }
    }
}
