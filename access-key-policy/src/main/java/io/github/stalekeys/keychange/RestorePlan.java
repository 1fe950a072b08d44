package io.github.stalekeys.keychange;

import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.SkippedKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one backout execution does to one user, decided from a snapshot alone: set back to Active exactly the
 * keys a remediation disabled (from its sealed records) and nobody touched since; leave the others, with the
 * reason; and the restoration records to write <em>before</em> the first key changes, so no key is ever Active
 * again without its grace on record.
 *
 * @param failures keys asked for that cannot be restored (deleted since), with the reason
 */
public record RestorePlan(
        List<String> toRestore,
        List<SkippedKey> kept,
        Map<String, String> failures,
        List<RestorationRecord> records,
        Optional<Instant> graceUntil) {

    public RestorePlan {
        toRestore = List.copyOf(toRestore);
        kept = List.copyOf(kept);
        failures = Collections.unmodifiableMap(new LinkedHashMap<>(failures)); // in the order the keys were asked for
        records = List.copyOf(records);
    }

    /** What the backout was asked for: keys by id, or those of one remediation execution, or (neither) all. */
    public record Selection(String userName, List<String> accessKeyIds, Optional<String> remediationExecutionId) {

        public Selection {
            accessKeyIds = List.copyOf(accessKeyIds);
        }
    }

    /**
     * The plan of backout {@code executionId}, restoring at {@code now} with a grace of {@code graceDays}.
     *
     * @throws InvalidSettingException when the selection names a key or an execution no record holds outstanding
     */
    public static RestorePlan of(
            UserSnapshot snapshot, Selection selection, String executionId, int graceDays, Instant now) {
        Instant at = now.truncatedTo(ChronoUnit.SECONDS); // as the record keeps it
        AuditLedger ledger = snapshot.ledger();
        List<String> toRestore = new ArrayList<>();
        List<SkippedKey> kept = new ArrayList<>();
        Map<String, String> failures = new LinkedHashMap<>();
        for (String keyId : targets(selection, ledger)) {
            Optional<AccessKeyActivity> key = snapshot.key(keyId);
            if (key.isEmpty()) {
                failures.put(
                        keyId,
                        "does not exist (deleted since it was disabled, or not a key of "
                                + snapshot.user().userName() + ")");
            } else if (key.get().status() == KeyStatus.ACTIVE) {
                kept.add(new SkippedKey(
                        keyId, "is active already: re-enabled since the remediation disabled it; left as it is"));
            } else {
                Instant disabledAt = ledger.disabledAt(keyId).orElseThrow();
                Optional<Instant> usedAfter = key.get().lastUsed().filter(used -> used.isAfter(disabledAt));
                if (usedAfter.isPresent()) {
                    kept.add(new SkippedKey(
                            keyId,
                            "was used after the remediation disabled it (last used " + usedAfter.get()
                                    + "): someone re-enabled it since, so its status now is theirs; not restored"));
                } else {
                    toRestore.add(keyId);
                }
            }
        }
        return new RestorePlan(
                toRestore,
                kept,
                failures,
                records(ledger, selection, toRestore, executionId, graceDays, at),
                graceDays == 0 ? Optional.empty() : Optional.of(at.plus(Duration.ofDays(graceDays))));
    }

    /** The restoration records as they must read once only {@code restored} of the keys are Active again. */
    public List<RestorationRecord> recordsFor(List<String> restored) {
        return records.stream()
                .flatMap(record -> record.narrowedTo(restored).stream())
                .toList();
    }

    /**
     * One restoration record per remediation record it marks: the one the selection names, else for each key the
     * latest record holding it outstanding.
     */
    private static List<RestorationRecord> records(
            AuditLedger ledger,
            Selection selection,
            List<String> keyIds,
            String executionId,
            int graceDays,
            Instant at) {
        Map<AuditRecord, List<String>> byRecord = new LinkedHashMap<>();
        for (String keyId : keyIds) {
            AuditRecord record = selection
                    .remediationExecutionId()
                    .flatMap(id -> ledger.records().stream()
                            .filter(candidate -> candidate.executionId().equalsIgnoreCase(id))
                            .findFirst())
                    .or(() -> ledger.latestHolding(keyId))
                    .orElseThrow();
            byRecord.computeIfAbsent(record, any -> new ArrayList<>()).add(keyId);
        }
        List<RestorationRecord> records = new ArrayList<>();
        byRecord.forEach((record, keys) -> records.add(RestorationRecord.of(record, executionId, keys, at, graceDays)));
        return records;
    }

    private static List<String> targets(Selection selection, AuditLedger ledger) {
        if (!selection.accessKeyIds().isEmpty()) {
            // Only what a remediation disabled: never a key someone disabled on purpose (an incident responder).
            // A key restored once and disabled again since was disabled by someone else: it is not outstanding.
            List<String> outstanding = ledger.outstandingKeys();
            List<String> unrecorded = selection.accessKeyIds().stream()
                    .filter(keyId -> !outstanding.contains(keyId))
                    .toList();
            if (!unrecorded.isEmpty()) {
                throw new InvalidSettingException(
                        "accessKeyIds",
                        "names " + String.join(", ", unrecorded)
                                + ", which no remediation disabled on " + selection.userName()
                                + " or which was restored since"
                                + " (no audit record of the remediation holds it outstanding): the backout restores only"
                                + " keys the remediation disabled; nothing was changed");
            }
            return selection.accessKeyIds().stream().distinct().toList();
        }
        if (selection.remediationExecutionId().isPresent()) {
            String executionId = selection.remediationExecutionId().get();
            return ledger.records().stream()
                    .filter(record -> record.executionId().equalsIgnoreCase(executionId))
                    .findFirst()
                    .map(ledger::outstanding)
                    .orElseThrow(() -> new InvalidSettingException(
                            "remediationExecutionId",
                            "'" + executionId + "' has no audit record of the remediation on user "
                                    + selection.userName() + ": it disabled no key there"));
        }
        return ledger.outstandingKeys();
    }
}
