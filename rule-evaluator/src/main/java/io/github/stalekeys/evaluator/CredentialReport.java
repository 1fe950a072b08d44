package io.github.stalekeys.evaluator;

import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.UsageSite;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The IAM credential report, parsed: per user name, the creation time and up to two keys. The report
 * carries neither key ids nor user ids, so keys appear with an empty id and users are matched by name
 * (and creation time, so a user deleted and re-created under the same name is not mistaken for the old one).
 */
final class CredentialReport {

    /** One user's row. */
    record Row(String userName, Instant userCreationTime, List<AccessKeyActivity> keys) {}

    private static final String ROOT_ACCOUNT = "<root_account>";
    private static final List<String> REQUIRED_COLUMNS = List.of(
            "user",
            "user_creation_time",
            "access_key_1_active",
            "access_key_1_last_rotated",
            "access_key_1_last_used_date",
            "access_key_2_active",
            "access_key_2_last_rotated",
            "access_key_2_last_used_date");

    private final Map<String, Row> rowsByUserName;
    private final Optional<Instant> generatedAt;

    private CredentialReport(Map<String, Row> rowsByUserName, Optional<Instant> generatedAt) {
        this.rowsByUserName = rowsByUserName;
        this.generatedAt = generatedAt;
    }

    static CredentialReport parse(String csv) {
        return parse(csv, Optional.empty());
    }

    /**
     * @param generatedAt {@code GeneratedTime} of GetCredentialReport: the instant up to which the report's last
     *                    uses are known; empty when IAM did not say
     */
    static CredentialReport parse(String csv, Optional<Instant> generatedAt) {
        String[] lines = csv.split("\r?\n");
        if (lines.length == 0 || lines[0].isBlank()) {
            throw new IllegalStateException("the credential report is empty");
        }
        List<String> header = Arrays.asList(lines[0].split(",", -1));
        for (String column : REQUIRED_COLUMNS) {
            if (!header.contains(column)) {
                throw new IllegalStateException("the credential report has no column '" + column + "'");
            }
        }
        Map<String, Row> rows = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            Map<String, String> cells = cells(header, lines[i]);
            String user = cells.get("user");
            if (ROOT_ACCOUNT.equals(user)) {
                continue; // the root user is not an AWS::IAM::User resource
            }
            List<AccessKeyActivity> keys = new ArrayList<>(2);
            key(cells, 1).ifPresent(keys::add);
            key(cells, 2).ifPresent(keys::add);
            rows.put(
                    user,
                    new Row(user, date(cells.get("user_creation_time")).orElse(Instant.EPOCH), List.copyOf(keys)));
        }
        return new CredentialReport(Map.copyOf(rows), generatedAt);
    }

    /**
     * The report does not quote its cells, yet user names and paths may contain commas. Only the first two
     * cells can: the user name (no colons allowed) and its ARN, which starts with {@code arn:}; every later
     * cell is a date, a flag, a region or a service. So the trailing cells are counted from the end and the
     * head is split where the ARN starts.
     */
    private static Map<String, String> cells(List<String> header, String line) {
        String[] raw = line.split(",", -1);
        int trailing = header.size() - 2;
        int arnStart = line.indexOf(",arn:");
        if (raw.length < header.size() || arnStart < 0) {
            throw new IllegalStateException("a credential report row cannot be read: " + raw.length
                    + " cells for a header of " + header.size() + ", in the row of '" + line.split(",", 2)[0] + "'");
        }
        List<String> fixed = new ArrayList<>(header.size());
        fixed.add(line.substring(0, arnStart));
        fixed.add(String.join(",", Arrays.copyOfRange(raw, 0, raw.length - trailing))
                .substring(arnStart + 1));
        fixed.addAll(Arrays.asList(raw).subList(raw.length - trailing, raw.length));
        Map<String, String> cells = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            cells.put(header.get(i), fixed.get(i));
        }
        return cells;
    }

    private static Optional<AccessKeyActivity> key(Map<String, String> cells, int slot) {
        Optional<Instant> created = date(cells.get("access_key_" + slot + "_last_rotated"));
        if (created.isEmpty()) {
            return Optional.empty(); // no key in this slot
        }
        KeyStatus status =
                "true".equals(cells.get("access_key_" + slot + "_active")) ? KeyStatus.ACTIVE : KeyStatus.INACTIVE;
        String prefix = "access_key_" + slot + "_last_used_";
        return Optional.of(new AccessKeyActivity(
                "",
                status,
                created.get(),
                date(cells.get(prefix + "date")),
                UsageSite.recorded(cells.get(prefix + "service"), cells.get(prefix + "region"))));
    }

    /** Dates are ISO-8601 with offset; {@code N/A}, {@code no_information} and the like mean none. */
    private static Optional<Instant> date(String value) {
        if (value == null || value.isEmpty() || !Character.isDigit(value.charAt(0))) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeParseException e) {
            throw new IllegalStateException("the credential report has an unreadable date '" + value + "'", e);
        }
    }

    Optional<Row> row(String userName) {
        return Optional.ofNullable(rowsByUserName.get(userName));
    }

    /** When IAM generated the report: its last uses say nothing of what came after. */
    Optional<Instant> generatedAt() {
        return generatedAt;
    }

    int size() {
        return rowsByUserName.size();
    }
}
