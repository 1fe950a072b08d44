package io.github.stalekeys.audit;

import io.github.stalekeys.policy.BackoutGrace;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one remediation execution did to a user, kept as a tag on that user so it travels with the user,
 * survives log retention, and lets the backout restore exactly those keys. Readable by anyone who can list the
 * user's tags, e.g. {@code disabled=AKIA1/AKIA2 at=2026-11-28T09:15:00Z restored=AKIA1
 * restoredAt=2026-11-29T08:00:00Z graceUntil=2026-12-29T08:00:00Z mac=...}.
 *
 * <p>One tag per execution ({@code StaleKeyRemediation:<execution id>}), so concurrent executions never
 * overwrite each other's record. The {@code mac} is an HMAC (a KMS key only the remediation may use to
 * generate) over the user id, the tag key and the rest of the value: see {@link #sealedContent(String)}.
 */
public record AuditRecord(
        String executionId,
        List<String> disabledKeyIds,
        Instant disabledAt,
        List<String> restoredKeyIds,
        Optional<Instant> restoredAt,
        Optional<Instant> graceUntil) {

    public static final String TAG_PREFIX = "StaleKeyRemediation:";
    /** IAM's limit on a tag value. */
    public static final int MAX_TAG_VALUE = 256;

    private static final String SEAL_FORMAT = "StaleKeyRemediation audit record v1";
    private static final Pattern VALUE = Pattern.compile("disabled=(?<disabled>[A-Z0-9]+(?:/[A-Z0-9]+)*) at=(?<at>\\S+)"
            + "(?: restored=(?<restored>[A-Z0-9]+(?:/[A-Z0-9]+)*) restoredAt=(?<restoredAt>\\S+))?"
            + "(?: graceUntil=(?<graceUntil>\\S+))?"
            + "(?: mac=(?<mac>[A-Za-z0-9+/=]{1,100}))?");

    public AuditRecord {
        Objects.requireNonNull(executionId, "executionId");
        disabledKeyIds = List.copyOf(disabledKeyIds);
        disabledAt = disabledAt.truncatedTo(ChronoUnit.SECONDS); // what a reader of the tag needs
        restoredKeyIds = List.copyOf(restoredKeyIds);
        restoredAt = restoredAt.map(at -> at.truncatedTo(ChronoUnit.SECONDS));
        graceUntil = graceUntil.map(at -> at.truncatedTo(ChronoUnit.SECONDS));
    }

    public static AuditRecord disabled(String executionId, List<String> keyIds, Instant at) {
        return new AuditRecord(executionId, keyIds, at, List.of(), Optional.empty(), Optional.empty());
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
        if (!restoredKeyIds.isEmpty()) {
            value += " restored=" + String.join("/", restoredKeyIds) + " restoredAt=" + restoredAt.orElseThrow();
        }
        if (graceUntil.isPresent()) {
            value += " graceUntil=" + graceUntil.get();
        }
        return value;
    }

    /**
     * What the seal covers: the record bound to its user (by id, which a re-created user of the same name does
     * not share) and to its execution, so a record cannot be copied to another user or another tag.
     */
    public String sealedContent(String userId) {
        return SEAL_FORMAT + "\nuser=" + userId + "\ntag=" + tagKey() + "\n" + content();
    }

    /** Keys this execution disabled that no backout has restored yet. */
    public List<String> outstanding() {
        List<String> outstanding = new ArrayList<>(disabledKeyIds);
        outstanding.removeAll(restoredKeyIds);
        return outstanding;
    }

    /**
     * This record, with {@code keyIds} (those of its own keys) marked restored at {@code at} and spared until
     * {@code graceUntil} (empty: no grace). Written in one tag write, so a restored key is never without its grace.
     */
    public AuditRecord withRestored(List<String> keyIds, Instant at, Optional<Instant> graceUntil) {
        Set<String> restored = new LinkedHashSet<>(restoredKeyIds);
        keyIds.stream().filter(disabledKeyIds::contains).forEach(restored::add);
        if (restored.size() == restoredKeyIds.size()) {
            return this;
        }
        return new AuditRecord(
                executionId, disabledKeyIds, disabledAt, List.copyOf(restored), Optional.of(at), graceUntil);
    }

    /** The graces this record grants (its restored keys, when it names a grace). */
    public List<BackoutGrace.Grant> graceGrants() {
        if (graceUntil.isEmpty() || restoredAt.isEmpty()) {
            return List.of();
        }
        return restoredKeyIds.stream()
                .map(keyId -> new BackoutGrace.Grant(keyId, restoredAt.get(), graceUntil.get()))
                .toList();
    }

    /** A tag read back: a record with its seal (if any), or the reason it cannot be read. */
    public sealed interface Read {
        String tagKey();
    }

    public record Readable(AuditRecord record, Optional<String> mac) implements Read {
        @Override
        public String tagKey() {
            return record.tagKey();
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
        Matcher matcher = VALUE.matcher(value);
        if (!matcher.matches()) {
            return Optional.of(new Unreadable(key, "its value is not an audit record"));
        }
        try {
            AuditRecord record = new AuditRecord(
                    executionId,
                    Arrays.asList(matcher.group("disabled").split("/")),
                    Instant.parse(matcher.group("at")),
                    matcher.group("restored") == null
                            ? List.of()
                            : Arrays.asList(matcher.group("restored").split("/")),
                    Optional.ofNullable(matcher.group("restoredAt")).map(Instant::parse),
                    Optional.ofNullable(matcher.group("graceUntil")).map(Instant::parse));
            return Optional.of(new Readable(record, Optional.ofNullable(matcher.group("mac"))));
        } catch (DateTimeParseException e) {
            return Optional.of(new Unreadable(key, "it has an unreadable date"));
        }
    }
}
