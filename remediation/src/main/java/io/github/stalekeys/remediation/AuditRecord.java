package io.github.stalekeys.remediation;

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
 * survives log retention, and lets the backout restore exactly those keys.
 *
 * <p>One tag per execution ({@code StaleKeyRemediation:<execution id>}), so concurrent executions never
 * overwrite each other's record. The value uses only characters IAM allows in tag values, e.g.
 * {@code disabled=AKIA1/AKIA2 at=2026-11-28T09:15:00Z restored=AKIA1 restoredAt=2026-11-29T08:00:00Z}.
 */
record AuditRecord(
        String executionId,
        List<String> disabledKeyIds,
        Instant disabledAt,
        List<String> restoredKeyIds,
        Optional<Instant> restoredAt) {

    static final String TAG_PREFIX = "StaleKeyRemediation:";
    private static final Pattern VALUE = Pattern.compile(
            "disabled=(?<disabled>[A-Z0-9/]+) at=(?<at>\\S+)(?: restored=(?<restored>[A-Z0-9/]+) restoredAt=(?<restoredAt>\\S+))?");

    AuditRecord {
        Objects.requireNonNull(executionId, "executionId");
        disabledKeyIds = List.copyOf(disabledKeyIds);
        disabledAt = disabledAt.truncatedTo(ChronoUnit.SECONDS); // what a reader of the tag needs
        restoredKeyIds = List.copyOf(restoredKeyIds);
        restoredAt = restoredAt.map(at -> at.truncatedTo(ChronoUnit.SECONDS));
    }

    static AuditRecord disabled(String executionId, List<String> keyIds, Instant at) {
        return new AuditRecord(executionId, keyIds, at, List.of(), Optional.empty());
    }

    String tagKey() {
        return TAG_PREFIX + executionId;
    }

    String tagValue() {
        String value = "disabled=" + String.join("/", disabledKeyIds) + " at=" + disabledAt;
        if (!restoredKeyIds.isEmpty()) {
            value += " restored=" + String.join("/", restoredKeyIds) + " restoredAt=" + restoredAt.orElseThrow();
        }
        return value;
    }

    /** Keys this execution disabled that no backout has restored yet. */
    List<String> outstanding() {
        List<String> outstanding = new ArrayList<>(disabledKeyIds);
        outstanding.removeAll(restoredKeyIds);
        return outstanding;
    }

    /** This record, with {@code keyIds} (those of its own keys) marked restored at {@code at}. */
    AuditRecord withRestored(List<String> keyIds, Instant at) {
        Set<String> restored = new LinkedHashSet<>(restoredKeyIds);
        keyIds.stream().filter(disabledKeyIds::contains).forEach(restored::add);
        if (restored.size() == restoredKeyIds.size()) {
            return this;
        }
        return new AuditRecord(executionId, disabledKeyIds, disabledAt, List.copyOf(restored), Optional.of(at));
    }

    /** The record held in a user tag, if the tag is one of ours. */
    static Optional<AuditRecord> fromTag(String key, String value) {
        if (!key.startsWith(TAG_PREFIX)) {
            return Optional.empty();
        }
        Matcher matcher = VALUE.matcher(value);
        if (!matcher.matches()) {
            throw new IllegalStateException("audit tag " + key + " has an unreadable value '" + value + "'");
        }
        try {
            return Optional.of(new AuditRecord(
                    key.substring(TAG_PREFIX.length()),
                    Arrays.asList(matcher.group("disabled").split("/")),
                    Instant.parse(matcher.group("at")),
                    matcher.group("restored") == null
                            ? List.of()
                            : Arrays.asList(matcher.group("restored").split("/")),
                    Optional.ofNullable(matcher.group("restoredAt")).map(Instant::parse)));
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("audit tag " + key + " has an unreadable date in '" + value + "'", e);
        }
    }
}
