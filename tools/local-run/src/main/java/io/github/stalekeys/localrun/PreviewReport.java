package io.github.stalekeys.localrun;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.stalekeys.evaluator.UserAssessment;
import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.Compliance;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.RemediationPlan;
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.policy.UsageSite;
import io.github.stalekeys.policy.UserVerdict;
import java.io.PrintStream;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The preview of an account: one row per key, with the verdict and what the remediation would do with it. */
final class PreviewReport {

    /**
     * One key of one user (or a user without keys).
     *
     * @param lastUsedService the service IAM recorded with the key's last use (credential report or
     *                        GetAccessKeyLastUsed); null when it recorded none (never used, or no key)
     * @param lastUsedRegion  the region of that last use; null when none was recorded (global services have none)
     */
    record Row(
            String userName,
            String userId,
            String verdict,
            String annotation,
            String accessKey,
            String keyStatus,
            String lastActivity,
            String lastUsedService,
            String lastUsedRegion,
            String remediation) {}

    private final List<Row> rows;

    private PreviewReport(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    static PreviewReport of(StaleKeyPolicy policy, List<UserAssessment> assessments) {
        List<Row> rows = new ArrayList<>();
        for (UserAssessment assessment : assessments) {
            UserVerdict verdict = assessment.verdict();
            List<AccessKeyActivity> keys = assessment.keys();
            if (keys.isEmpty()) {
                rows.add(row(verdict, "-", "-", "-", "nothing to do: no access keys"));
                continue;
            }
            if (verdict.compliance() == Compliance.NOT_APPLICABLE) {
                for (int slot = 0; slot < keys.size(); slot++) {
                    rows.add(row(verdict, keys.get(slot), slot, "keep: " + verdict.annotation()));
                }
                continue;
            }
            for (int slot = 0; slot < keys.size(); slot++) {
                AccessKeyActivity key = keys.get(slot);
                rows.add(row(verdict, key, slot, action(RemediationPlan.of(policy, List.of(key)))));
            }
        }
        return new PreviewReport(rows);
    }

    /** What the remediation would do with one key (keys from the credential report have no id to match on). */
    private static String action(RemediationPlan plan) {
        return plan.toDisable().stream()
                .findFirst()
                .map(stale -> "disable: " + stale.disuse())
                .orElseGet(() -> "keep: " + plan.skipped().get(0).reason());
    }

    private static Row row(UserVerdict verdict, AccessKeyActivity key, int slot, String action) {
        String label = key.accessKeyId().isEmpty() ? "key " + (slot + 1) + " (credential report)" : key.accessKeyId();
        // Live reads skip the last use of keys that are not active: the verdict does not need it.
        String last = key.status() != KeyStatus.ACTIVE && key.neverUsed()
                ? "- (not active)"
                : key.lastActivity().atZone(ZoneOffset.UTC).toLocalDate()
                        + (key.neverUsed() ? " (created, never used)" : "");
        return row(verdict, label, key.status().name().toLowerCase(Locale.ROOT), last, key.lastUsedAt(), action);
    }

    private static Row row(UserVerdict verdict, String key, String status, String lastActivity, String action) {
        return row(verdict, key, status, lastActivity, Optional.empty(), action);
    }

    private static Row row(
            UserVerdict verdict,
            String key,
            String status,
            String lastActivity,
            Optional<UsageSite> site,
            String action) {
        return new Row(
                verdict.user().userName(),
                verdict.user().userId(),
                verdict.compliance().name(),
                verdict.annotation(),
                key,
                status,
                lastActivity,
                site.map(UsageSite::service).orElse(null),
                site.flatMap(UsageSite::region).orElse(null),
                action);
    }

    List<Row> rows() {
        return rows;
    }

    void printTable(PrintStream out) {
        TextTable table =
                new TextTable("USER", "VERDICT", "ACCESS KEY", "STATUS", "LAST ACTIVITY", "REMEDIATION WOULD");
        rows.forEach(row -> table.row(
                row.userName(),
                row.verdict(),
                row.accessKey(),
                row.keyStatus(),
                row.lastActivity(),
                row.remediation()));
        table.print(out, "");
        long toDisable = rows.stream()
                .filter(row -> row.remediation().startsWith("disable"))
                .count();
        long users = rows.stream().map(Row::userId).distinct().count();
        out.printf("%n%d users, %d keys the remediation would disable.%n", users, toDisable);
    }

    String csv() {
        return Stream.concat(
                        Stream.of("user_name,user_id,verdict,annotation,access_key,key_status,last_activity,"
                                + "last_used_service,last_used_region,remediation"),
                        rows.stream()
                                .map(row -> Stream.of(
                                                row.userName(),
                                                row.userId(),
                                                row.verdict(),
                                                row.annotation(),
                                                row.accessKey(),
                                                row.keyStatus(),
                                                row.lastActivity(),
                                                row.lastUsedService(),
                                                row.lastUsedRegion(),
                                                row.remediation())
                                        .map(PreviewReport::csvCell)
                                        .collect(Collectors.joining(","))))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    String json() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String csvCell(String nullable) {
        String value = nullable == null ? "" : nullable;
        // IAM names may start with = + - @: a spreadsheet would run them as formulas.
        String safe = !value.isEmpty() && "=+-@".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        return safe.contains(",") || safe.contains("\"") || safe.contains("\n")
                ? "\"" + safe.replace("\"", "\"\"") + "\""
                : safe;
    }
}
