package io.github.stalekeys.keychange;

import io.github.stalekeys.policy.BackoutGrace;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What one remediation execution disabled on a user, kept as a tag on that user so it travels with the user,
 * survives log retention, and lets the backout restore exactly those keys, e.g. {@code
 * StaleKeyRemediation:<execution id> = disabled=AKIA1/AKIA2 at=2026-11-28T09:15:00Z mac=...}.
 *
 * <p>One tag per execution, written only by that execution: concurrent runs never write each other's tags, so
 * none can lose another's update (IAM has no compare-and-set on tags). A backout records what it restored in
 * tags of its own ({@link RestorationRecord}). The {@code mac} is an HMAC (a KMS key only the remediation may use
 * to generate) over the user id, the tag key and the rest of the value: see {@link #sealedContent(String)}.
 *
 * <p>Records written before backouts had their own tags carry the restorations in the record itself ({@code
 * restored=AKIA1@2026-11-29T08:00:00Z+30d}, or the older {@code restored=AKIA1/AKIA2 restoredAt=...
 * graceUntil=...}): they are still read, and their seal is checked over the text as written ({@link AuditTags}).
 *
 * @param restorations restorations written into the record itself by earlier versions; none in new records
 */
public record AuditRecord(
        String executionId, List<String> disabledKeyIds, Instant disabledAt, List<Restoration> restorations) {

    public static final String TAG_PREFIX = "StaleKeyRemediation:";
    /** IAM's limit on a tag value. */
    public static final int MAX_TAG_VALUE = 256;

    /**
     * Unchanged from the earliest format on purpose: a record without restored keys reads the same in all of
     * them, and one with restored keys matches only one grammar, so the sealed text always has one meaning.
     */
    static final String SEAL_FORMAT = "StaleKeyRemediation audit record v1";

    /**
     * A backout set {@code accessKeyId} back to Active at {@code at}; the rule and the remediation spare it for
     * {@code graceDays} whole days after that unless it is used (0: no grace).
     */
    public record Restoration(String accessKeyId, Instant at, int graceDays) {

        public Restoration {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            at = at.truncatedTo(ChronoUnit.SECONDS);
            if (graceDays < 0 || graceDays > BackoutGrace.MAX_DAYS) {
                throw new IllegalArgumentException(
                        "graceDays must be in 0.." + BackoutGrace.MAX_DAYS + ", got " + graceDays);
            }
        }

        /** When its grace ends, if it has one. */
        public Optional<Instant> graceUntil() {
            return graceDays == 0 ? Optional.empty() : Optional.of(at.plus(Duration.ofDays(graceDays)));
        }

        /** The grace it grants, if any. */
        Optional<BackoutGrace.Grant> grant() {
            return graceUntil().map(until -> new BackoutGrace.Grant(accessKeyId, at, until));
        }

        String content() {
            return accessKeyId + "@" + at + "+" + graceDays + "d";
        }

        static String contentOf(List<Restoration> restorations) {
            return restorations.stream().map(Restoration::content).collect(Collectors.joining("/"));
        }
    }

    public AuditRecord {
        Objects.requireNonNull(executionId, "executionId");
        disabledKeyIds = List.copyOf(disabledKeyIds);
        disabledAt = disabledAt.truncatedTo(ChronoUnit.SECONDS); // what a reader of the tag needs
        restorations = List.copyOf(restorations);
    }

    public static AuditRecord disabled(String executionId, List<String> keyIds, Instant at) {
        return new AuditRecord(executionId, keyIds, at, List.of());
    }

    public static String tagKeyOf(String executionId) {
        return TAG_PREFIX + executionId;
    }

    public String tagKey() {
        return tagKeyOf(executionId);
    }

    /** The tag value without its seal: what a person reads. */
    public String content() {
        String value = "disabled=" + String.join("/", disabledKeyIds) + " at=" + disabledAt;
        if (!restorations.isEmpty()) {
            value += " restored=" + Restoration.contentOf(restorations);
        }
        return value;
    }

    /**
     * What the seal covers: the record bound to its user (by id, which a re-created user of the same name does
     * not share) and to its tag, so a record cannot be copied to another user or another tag.
     */
    public String sealedContent(String userId) {
        return sealed(SEAL_FORMAT, userId, tagKey(), content());
    }

    static String sealed(String format, String userId, String tagKey, String content) {
        return format + "\nuser=" + userId + "\ntag=" + tagKey + "\n" + content;
    }

    /** This record naming only those of its keys in {@code keyIds}: what a run that stopped early really did. */
    public AuditRecord narrowedTo(List<String> keyIds) {
        return new AuditRecord(
                executionId,
                disabledKeyIds.stream().filter(keyIds::contains).toList(),
                disabledAt,
                restorations.stream()
                        .filter(restoration -> keyIds.contains(restoration.accessKeyId()))
                        .toList());
    }

    /** The keys restored in the record itself (earlier versions), in the order they were restored. */
    public List<String> restoredKeyIds() {
        return restorations.stream().map(Restoration::accessKeyId).toList();
    }

    /** The graces restorations in the record itself grant. */
    public List<BackoutGrace.Grant> graceGrants() {
        return restorations.stream().flatMap(r -> r.grant().stream()).toList();
    }
}
