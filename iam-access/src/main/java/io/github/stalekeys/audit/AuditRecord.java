package io.github.stalekeys.audit;

import io.github.stalekeys.policy.BackoutGrace;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What one remediation execution did to a user, kept as a tag on that user so it travels with the user,
 * survives log retention, and lets the backout restore exactly those keys. Readable by anyone who can list the
 * user's tags, e.g. {@code disabled=AKIA1/AKIA2 at=2026-11-28T09:15:00Z
 * restored=AKIA1@2026-11-29T08:00:00Z+30d/AKIA2@2026-12-02T10:30:00Z+0d mac=...}: each restored key with
 * its own restore time and grace in whole days (its grace ends that many days after its restore), because two
 * backouts may restore the two keys of one record at different times with different graces.
 *
 * <p>One tag per execution ({@code StaleKeyRemediation:<execution id>}), so concurrent executions never
 * overwrite each other's record. The {@code mac} is an HMAC (a KMS key only the remediation may use to
 * generate) over the user id, the tag key and the rest of the value: see {@link #sealedContent(String)}.
 *
 * <p>Records of the earlier format ({@code restored=AKIA1/AKIA2 restoredAt=... graceUntil=...}: one restore
 * time and grace for all its restored keys) are still read, their seal checked over the text as written, and
 * rewritten in this format when a backout restores another of their keys.
 */
public record AuditRecord(
        String executionId, List<String> disabledKeyIds, Instant disabledAt, List<Restoration> restorations) {

    public static final String TAG_PREFIX = "StaleKeyRemediation:";
    /** IAM's limit on a tag value. */
    public static final int MAX_TAG_VALUE = 256;

    /**
     * Unchanged from the earlier format on purpose: a record without restored keys reads the same in both, and
     * one with restored keys matches only one of the two grammars, so the sealed text always has one meaning.
     */
    private static final String SEAL_FORMAT = "StaleKeyRemediation audit record v1";

    private static final String KEY_IDS = "[A-Z0-9]+(?:/[A-Z0-9]+)*";
    private static final String RESTORATION = "[A-Z0-9]+@[^\\s/@+]+\\+[0-9]{1,3}d";
    private static final String MAC = "(?: mac=(?<mac>[A-Za-z0-9+/=]{1,100}))?";
    private static final Pattern VALUE = Pattern.compile("(?<content>disabled=(?<disabled>" + KEY_IDS
            + ") at=(?<at>\\S+)(?: restored=(?<restored>" + RESTORATION + "(?:/" + RESTORATION + ")*))?)" + MAC);
    private static final Pattern RESTORED_KEY =
            Pattern.compile("(?<key>[A-Z0-9]+)@(?<at>[^\\s/@+]+)\\+(?<days>[0-9]{1,3})d");
    /** The earlier format: one restore time and one grace end shared by all the restored keys. */
    private static final Pattern SHARED_GRACE_VALUE = Pattern.compile("(?<content>disabled=(?<disabled>" + KEY_IDS
            + ") at=(?<at>\\S+) restored=(?<restored>" + KEY_IDS
            + ") restoredAt=(?<restoredAt>\\S+)(?: graceUntil=(?<graceUntil>\\S+))?)" + MAC);

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

        private String content() {
            return accessKeyId + "@" + at + "+" + graceDays + "d";
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
            value += " restored="
                    + restorations.stream().map(Restoration::content).collect(Collectors.joining("/"));
        }
        return value;
    }

    /**
     * What the seal covers: the record bound to its user (by id, which a re-created user of the same name does
     * not share) and to its execution, so a record cannot be copied to another user or another tag.
     */
    public String sealedContent(String userId) {
        return sealed(userId, tagKey(), content());
    }

    private static String sealed(String userId, String tagKey, String content) {
        return SEAL_FORMAT + "\nuser=" + userId + "\ntag=" + tagKey + "\n" + content;
    }

    /** The keys a backout restored, in the order they were restored. */
    public List<String> restoredKeyIds() {
        return restorations.stream().map(Restoration::accessKeyId).toList();
    }

    /** Keys this execution disabled that no backout has restored yet. */
    public List<String> outstanding() {
        List<String> outstanding = new ArrayList<>(disabledKeyIds);
        outstanding.removeAll(restoredKeyIds());
        return outstanding;
    }

    /** The latest end of a grace this record grants, if it grants any. */
    public Optional<Instant> lastGraceEnd() {
        return restorations.stream()
                .flatMap(restoration -> restoration.graceUntil().stream())
                .max(Comparator.naturalOrder());
    }

    /**
     * This record, with those of {@code keyIds} it disabled and no backout restored yet marked restored at
     * {@code at} with a grace of {@code graceDays}; the keys restored before keep their own time and grace.
     * Written in one tag write, so a restored key is never without its grace.
     */
    public AuditRecord withRestored(List<String> keyIds, Instant at, int graceDays) {
        Set<String> already = new LinkedHashSet<>(restoredKeyIds());
        List<Restoration> restored = new ArrayList<>(restorations);
        keyIds.stream()
                .filter(disabledKeyIds::contains)
                .distinct()
                .filter(already::add)
                .forEach(keyId -> restored.add(new Restoration(keyId, at, graceDays)));
        if (restored.size() == restorations.size()) {
            return this;
        }
        return new AuditRecord(executionId, disabledKeyIds, disabledAt, restored);
    }

    /** The graces this record grants: one per restored key restored with a grace. */
    public List<BackoutGrace.Grant> graceGrants() {
        return restorations.stream()
                .flatMap(restoration -> restoration.graceUntil().stream()
                        .map(until -> new BackoutGrace.Grant(restoration.accessKeyId(), restoration.at(), until)))
                .toList();
    }

    /** A tag read back: a record with its seal (if any), or the reason it cannot be read. */
    public sealed interface Read {
        String tagKey();
    }

    /**
     * A record read back, with the text its seal covers as it was written (records of the earlier format are
     * checked over their own text, not over this format's rendering of them).
     */
    public record Readable(AuditRecord record, String content, Optional<String> mac) implements Read {

        public Readable(AuditRecord record, Optional<String> mac) {
            this(record, record.content(), mac);
        }

        @Override
        public String tagKey() {
            return record.tagKey();
        }

        /** What the seal of this tag must cover: see {@link AuditRecord#sealedContent(String)}. */
        public String sealedContent(String userId) {
            return sealed(userId, tagKey(), content);
        }
    }

    /** A tag with our prefix whose value is not a record; the value is never repeated (it may be hostile). */
    public record Unreadable(String tagKey, String problem) implements Read {}

    /** The record a user tag holds, if the tag is one of ours (by its key). */
    public static Optional<Read> fromTag(String key, String value) {
        if (!key.startsWith(TAG_PREFIX)) {
            return Optional.empty();
        }
        String executionId = key.substring(TAG_PREFIX.length());
        Matcher current = VALUE.matcher(value);
        Matcher sharedGrace = SHARED_GRACE_VALUE.matcher(value);
        try {
            if (current.matches()) {
                return Optional.of(readable(executionId, current, restorations(current.group("restored"))));
            }
            if (sharedGrace.matches()) {
                return Optional.of(readable(executionId, sharedGrace, sharedRestorations(sharedGrace)));
            }
            return Optional.of(new Unreadable(key, "its value is not an audit record"));
        } catch (DateTimeParseException e) {
            return Optional.of(new Unreadable(key, "it has an unreadable date"));
        } catch (IllegalArgumentException e) {
            return Optional.of(
                    new Unreadable(key, "its grace is not a whole number of days in 0.." + BackoutGrace.MAX_DAYS));
        }
    }

    private static Readable readable(String executionId, Matcher matcher, List<Restoration> restorations) {
        AuditRecord record = new AuditRecord(
                executionId,
                Arrays.asList(matcher.group("disabled").split("/")),
                Instant.parse(matcher.group("at")),
                restorations);
        return new Readable(record, matcher.group("content"), Optional.ofNullable(matcher.group("mac")));
    }

    private static List<Restoration> restorations(String restored) {
        if (restored == null) {
            return List.of();
        }
        List<Restoration> restorations = new ArrayList<>();
        for (String token : restored.split("/")) {
            Matcher matcher = RESTORED_KEY.matcher(token);
            if (!matcher.matches()) {
                throw new IllegalStateException("the value's pattern admitted " + token);
            }
            restorations.add(new Restoration(
                    matcher.group("key"), Instant.parse(matcher.group("at")), Integer.parseInt(matcher.group("days"))));
        }
        return restorations;
    }

    /** The earlier format's restored keys: each with the record's one restore time and grace end. */
    private static List<Restoration> sharedRestorations(Matcher matcher) {
        Instant at = Instant.parse(matcher.group("restoredAt")).truncatedTo(ChronoUnit.SECONDS);
        int graceDays = 0;
        if (matcher.group("graceUntil") != null) {
            Duration grace = Duration.between(at, Instant.parse(matcher.group("graceUntil")));
            if (grace.isNegative()
                    || grace.compareTo(Duration.ofDays(BackoutGrace.MAX_DAYS)) > 0
                    || grace.toSeconds() % Duration.ofDays(1).toSeconds() != 0) {
                throw new IllegalArgumentException("a grace of " + grace + " is not a whole number of days");
            }
            graceDays = (int) grace.toDays();
        }
        int days = graceDays;
        return Arrays.stream(matcher.group("restored").split("/"))
                .map(keyId -> new Restoration(keyId, at, days))
                .toList();
    }
}
