package io.github.stalekeys.keychange;

import io.github.stalekeys.policy.BackoutGrace;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What one backout execution restored of what one remediation execution disabled, kept as a tag of its own
 * ({@code StaleKeyRemediation:<remediation execution>/restored/<backout execution> =
 * restored=AKIA1@2026-11-29T08:00:00Z+30d mac=...}): each restored key with its restore time and its grace in
 * whole days. The backout writes it <em>before</em> it sets a key Active, so a key Active again is never without
 * its grace, and no other execution ever writes it: two backouts of one record cannot lose each other's grace.
 */
public record RestorationRecord(
        String remediationExecutionId, String backoutExecutionId, List<AuditRecord.Restoration> restorations) {

    static final String SEPARATOR = "/restored/";
    static final String SEAL_FORMAT = "StaleKeyRemediation restoration record v1";

    public RestorationRecord {
        Objects.requireNonNull(remediationExecutionId, "remediationExecutionId");
        Objects.requireNonNull(backoutExecutionId, "backoutExecutionId");
        restorations = List.copyOf(restorations);
        if (restorations.isEmpty()) {
            throw new IllegalArgumentException("a restoration record restores at least one key");
        }
    }

    /** {@code keyIds} of {@code remediation}, restored by {@code backoutExecutionId} at {@code at}. */
    public static RestorationRecord of(
            AuditRecord remediation, String backoutExecutionId, List<String> keyIds, Instant at, int graceDays) {
        return new RestorationRecord(
                remediation.executionId(),
                backoutExecutionId,
                keyIds.stream()
                        .map(keyId -> new AuditRecord.Restoration(keyId, at, graceDays))
                        .toList());
    }

    public String tagKey() {
        return AuditRecord.TAG_PREFIX + remediationExecutionId + SEPARATOR + backoutExecutionId;
    }

    public String content() {
        return "restored=" + AuditRecord.Restoration.contentOf(restorations);
    }

    /** What the seal covers: as for {@link AuditRecord#sealedContent}, under a format of its own. */
    public String sealedContent(String userId) {
        return AuditRecord.sealed(SEAL_FORMAT, userId, tagKey(), content());
    }

    public List<String> restoredKeyIds() {
        return restorations.stream().map(AuditRecord.Restoration::accessKeyId).toList();
    }

    /** Whether this restores keys of the remediation execution {@code executionId} (ids compared as IAM does tag keys). */
    public boolean restores(AuditRecord remediation) {
        return remediationExecutionId.equalsIgnoreCase(remediation.executionId());
    }

    /** The graces it grants. */
    public List<BackoutGrace.Grant> graceGrants() {
        return restorations.stream().flatMap(r -> r.grant().stream()).toList();
    }

    /** The latest end of a grace it grants, if any. */
    public Optional<Instant> lastGraceEnd() {
        return restorations.stream().flatMap(r -> r.graceUntil().stream()).max(Comparator.naturalOrder());
    }

    /** This record with only those of its keys in {@code keyIds}; empty when none is left. */
    public Optional<RestorationRecord> narrowedTo(List<String> keyIds) {
        List<AuditRecord.Restoration> kept = restorations.stream()
                .filter(r -> keyIds.contains(r.accessKeyId()))
                .toList();
        return kept.isEmpty()
                ? Optional.empty()
                : Optional.of(new RestorationRecord(remediationExecutionId, backoutExecutionId, kept));
    }
}
