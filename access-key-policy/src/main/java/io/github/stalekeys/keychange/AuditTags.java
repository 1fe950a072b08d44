package io.github.stalekeys.keychange;

import io.github.stalekeys.policy.BackoutGrace;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the remediation's tags back: a tag whose key has the prefix {@value AuditRecord#TAG_PREFIX} is a
 * remediation record, a restoration record ({@code .../restored/<backout execution>}), or unreadable. Whether it
 * can be trusted is the seal's to say; this only says what it claims and which text its seal must cover.
 */
public final class AuditTags {

    private static final String KEY_IDS = "[A-Z0-9]+(?:/[A-Z0-9]+)*";
    private static final String RESTORATION = "[A-Z0-9]+@[^\\s/@+]+\\+[0-9]{1,3}d";
    private static final String RESTORATIONS = RESTORATION + "(?:/" + RESTORATION + ")*";
    private static final String MAC = "(?: mac=(?<mac>[A-Za-z0-9+/=]{1,100}))?";
    private static final Pattern VALUE = Pattern.compile("(?<content>disabled=(?<disabled>" + KEY_IDS
            + ") at=(?<at>\\S+)(?: restored=(?<restored>" + RESTORATIONS + "))?)" + MAC);
    private static final Pattern RESTORED_KEY =
            Pattern.compile("(?<key>[A-Z0-9]+)@(?<at>[^\\s/@+]+)\\+(?<days>[0-9]{1,3})d");
    /** The earliest format: one restore time and one grace end shared by all the restored keys. */
    private static final Pattern SHARED_GRACE_VALUE = Pattern.compile("(?<content>disabled=(?<disabled>" + KEY_IDS
            + ") at=(?<at>\\S+) restored=(?<restored>" + KEY_IDS
            + ") restoredAt=(?<restoredAt>\\S+)(?: graceUntil=(?<graceUntil>\\S+))?)" + MAC);

    private static final Pattern RESTORATION_VALUE =
            Pattern.compile("(?<content>restored=(?<restored>" + RESTORATIONS + "))" + MAC);

    private AuditTags() {}

    /** A tag of ours read back: a record with its seal (if any), or the reason it cannot be read. */
    public sealed interface Read {
        String tagKey();

        /** The seal the tag carries, if any. */
        default Optional<String> mac() {
            return Optional.empty();
        }

        /** The text its seal must cover, for the user with id {@code userId}. */
        default String sealedContent(String userId) {
            throw new UnsupportedOperationException("an unreadable tag has no sealed content");
        }
    }

    /** A remediation record, with the text its seal covers as it was written (earlier formats keep theirs). */
    public record Remediation(AuditRecord record, String content, Optional<String> mac) implements Read {

        public Remediation(AuditRecord record, Optional<String> mac) {
            this(record, record.content(), mac);
        }

        @Override
        public String tagKey() {
            return record.tagKey();
        }

        @Override
        public String sealedContent(String userId) {
            return AuditRecord.sealed(AuditRecord.SEAL_FORMAT, userId, tagKey(), content);
        }
    }

    /** A backout's restoration record. */
    public record Restorations(RestorationRecord record, Optional<String> mac) implements Read {

        @Override
        public String tagKey() {
            return record.tagKey();
        }

        @Override
        public String sealedContent(String userId) {
            return record.sealedContent(userId);
        }
    }

    /** A tag with our prefix whose value is not a record; the value is never repeated (it may be hostile). */
    public record Unreadable(String tagKey, String problem) implements Read {}

    /** What a user tag holds, if the tag is one of ours (by its key). */
    public static Optional<Read> read(String key, String value) {
        if (!key.startsWith(AuditRecord.TAG_PREFIX)) {
            return Optional.empty();
        }
        String executionId = key.substring(AuditRecord.TAG_PREFIX.length());
        try {
            int separator = executionId.indexOf(RestorationRecord.SEPARATOR);
            if (separator >= 0) {
                return Optional.of(restorations(
                        key,
                        executionId.substring(0, separator),
                        executionId.substring(separator + RestorationRecord.SEPARATOR.length()),
                        value));
            }
            Matcher current = VALUE.matcher(value);
            if (current.matches()) {
                return Optional.of(remediation(executionId, current, restorations(current.group("restored"))));
            }
            Matcher sharedGrace = SHARED_GRACE_VALUE.matcher(value);
            if (sharedGrace.matches()) {
                return Optional.of(remediation(executionId, sharedGrace, sharedRestorations(sharedGrace)));
            }
            return Optional.of(new Unreadable(key, "its value is not an audit record"));
        } catch (DateTimeParseException e) {
            return Optional.of(new Unreadable(key, "it has an unreadable date"));
        } catch (IllegalArgumentException e) {
            return Optional.of(
                    new Unreadable(key, "its grace is not a whole number of days in 0.." + BackoutGrace.MAX_DAYS));
        }
    }

    private static Read restorations(String key, String remediationId, String backoutId, String value) {
        Matcher matcher = RESTORATION_VALUE.matcher(value);
        if (remediationId.isEmpty() || backoutId.isEmpty() || !matcher.matches()) {
            return new Unreadable(key, "its value is not a restoration record");
        }
        RestorationRecord record =
                new RestorationRecord(remediationId, backoutId, restorations(matcher.group("restored")));
        if (!record.content().equals(matcher.group("content"))) {
            // One meaning per sealed text: a time written another way (no seconds, an offset) is not ours.
            return new Unreadable(key, "its value is not a restoration record");
        }
        return new Restorations(record, Optional.ofNullable(matcher.group("mac")));
    }

    private static Remediation remediation(
            String executionId, Matcher matcher, List<AuditRecord.Restoration> restorations) {
        AuditRecord record = new AuditRecord(
                executionId,
                Arrays.asList(matcher.group("disabled").split("/")),
                Instant.parse(matcher.group("at")),
                restorations);
        return new Remediation(record, matcher.group("content"), Optional.ofNullable(matcher.group("mac")));
    }

    private static List<AuditRecord.Restoration> restorations(String restored) {
        if (restored == null) {
            return List.of();
        }
        List<AuditRecord.Restoration> restorations = new ArrayList<>();
        for (String token : restored.split("/")) {
            Matcher matcher = RESTORED_KEY.matcher(token);
            if (!matcher.matches()) {
                throw new IllegalStateException("the value's pattern admitted " + token);
            }
            restorations.add(new AuditRecord.Restoration(
                    matcher.group("key"), Instant.parse(matcher.group("at")), Integer.parseInt(matcher.group("days"))));
        }
        return restorations;
    }

    /** The earliest format's restored keys: each with the record's one restore time and grace end. */
    private static List<AuditRecord.Restoration> sharedRestorations(Matcher matcher) {
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
                .map(keyId -> new AuditRecord.Restoration(keyId, at, days))
                .toList();
    }
}
