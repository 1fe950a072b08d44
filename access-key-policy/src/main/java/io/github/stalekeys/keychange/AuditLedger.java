package io.github.stalekeys.keychange;

import io.github.stalekeys.policy.BackoutGrace;
import io.github.stalekeys.policy.KeyStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The remediation's tags on one user as read at one moment: the records whose seal verified, each with the tag
 * value as read (to tell later whether it is still byte for byte the same), and the tags of ours that are not
 * trusted, with the reason.
 */
public record AuditLedger(
        List<Sealed<AuditRecord>> remediations, List<Sealed<RestorationRecord>> restorations, List<Rejected> rejected) {

    /**
     * How long a record may take to become true: it is written before its keys are disabled, so a young record
     * whose keys are still Active may belong to a run that is disabling them right now. No execution outlives
     * Lambda's 15-minute limit on a function's timeout; an hour leaves room for clocks that disagree.
     */
    public static final Duration IN_FLIGHT = Duration.ofHours(1);

    public static final AuditLedger EMPTY = new AuditLedger(List.of(), List.of(), List.of());

    /** A trusted record and the tag value it was read from. */
    public record Sealed<T>(T record, String tagKey, String tagValue) {}

    /** A tag with our prefix that is not trusted, and why; its value is never repeated. */
    public record Rejected(String tagKey, String reason) {}

    public AuditLedger {
        remediations = List.copyOf(remediations);
        restorations = List.copyOf(restorations);
        rejected = List.copyOf(rejected);
    }

    /** The trusted remediation records. */
    public List<AuditRecord> records() {
        return remediations.stream().map(Sealed::record).toList();
    }

    /** Whether any tag (trusted or not) already holds a record under this execution id. */
    public boolean holdsExecution(String executionId) {
        String key = AuditRecord.tagKeyOf(executionId);
        return Stream.concat(
                        remediations.stream().map(Sealed::tagKey),
                        rejected.stream().map(Rejected::tagKey))
                .anyMatch(tagKey -> tagKey.equalsIgnoreCase(key));
    }

    /** The keys {@code record} disabled that no backout has restored since (in the record or in a tag of its own). */
    public List<String> outstanding(AuditRecord record) {
        List<String> outstanding = new ArrayList<>(record.disabledKeyIds());
        outstanding.removeAll(record.restoredKeyIds());
        restorations.stream()
                .map(Sealed::record)
                .filter(restoration -> restoration.restores(record))
                .forEach(restoration -> outstanding.removeAll(restoration.restoredKeyIds()));
        return outstanding;
    }

    /** Every key some record holds outstanding, in the order of the records. */
    public List<String> outstandingKeys() {
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        records().forEach(record -> keys.addAll(outstanding(record)));
        return List.copyOf(keys);
    }

    /** When a remediation last disabled the key (the latest record holding it outstanding). */
    public Optional<Instant> disabledAt(String keyId) {
        return records().stream()
                .filter(record -> outstanding(record).contains(keyId))
                .map(AuditRecord::disabledAt)
                .max(Comparator.naturalOrder());
    }

    /**
     * The record a backout marks when it restores the key: the latest one holding it outstanding (two
     * remediations may hold one key outstanding; marking the latest leaves an older one, perhaps of a run still
     * disabling it, on record, so a key that run disables after all stays restorable).
     */
    public Optional<AuditRecord> latestHolding(String keyId) {
        AuditRecord latest = null;
        for (AuditRecord record : records()) {
            if (outstanding(record).contains(keyId)
                    && (latest == null || !record.disabledAt().isBefore(latest.disabledAt()))) {
                latest = record;
            }
        }
        return Optional.ofNullable(latest);
    }

    /** Every grace a trusted record grants: restorations in records of earlier versions, and restoration tags. */
    public List<BackoutGrace.Grant> graceGrants() {
        return Stream.concat(
                        records().stream().flatMap(record -> record.graceGrants().stream()),
                        restorations.stream().flatMap(tag -> tag.record().graceGrants().stream()))
                .toList();
    }

    /** The value a tag had when this was read, if it was one of the trusted ones. */
    public Optional<String> valueOf(String tagKey) {
        return Stream.concat(remediations.stream(), restorations.stream())
                .filter(tag -> tag.tagKey().equals(tagKey))
                .map(Sealed::tagValue)
                .findFirst();
    }

    /**
     * The tags with nothing left to do, removed so records do not pile up to IAM's quota of 50 tags a user: a
     * record older than {@link #IN_FLIGHT} whose every outstanding key is gone or Active again (restored, or
     * re-enabled by someone: no longer ours to restore), with the restoration tags of it, once no grace of
     * theirs runs; and a restoration tag whose record is gone, once its grace has ended.
     */
    public List<Sealed<?>> settled(Map<String, KeyStatus> statuses, Instant now) {
        List<Sealed<?>> settled = new ArrayList<>();
        for (Sealed<AuditRecord> tag : remediations) {
            AuditRecord record = tag.record();
            List<Sealed<RestorationRecord>> own = restorations.stream()
                    .filter(restoration -> restoration.record().restores(record))
                    .toList();
            boolean keysBack = outstanding(record).stream()
                    .allMatch(keyId -> statuses.getOrDefault(keyId, KeyStatus.ACTIVE) == KeyStatus.ACTIVE);
            boolean graceOver = Stream.concat(
                            record.graceGrants().stream(),
                            own.stream().flatMap(restoration -> restoration.record().graceGrants().stream()))
                    .allMatch(grant -> !now.isBefore(grant.until()));
            boolean old = !now.isBefore(record.disabledAt().plus(IN_FLIGHT));
            if (keysBack && graceOver && old) {
                settled.add(tag);
                settled.addAll(own);
            }
        }
        for (Sealed<RestorationRecord> tag : restorations) {
            boolean orphan =
                    remediations.stream().noneMatch(record -> tag.record().restores(record.record()));
            boolean graceOver = tag.record()
                    .lastGraceEnd()
                    .map(until -> !now.isBefore(until))
                    .orElse(true);
            if (orphan && graceOver) {
                settled.add(tag);
            }
        }
        return settled;
    }
}
