package io.github.stalekeys.localrun;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.stalekeys.evaluator.UserAssessment;
import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.Compliance;
import io.github.stalekeys.policy.RemediationPlan;
import io.github.stalekeys.policy.SkippedKey;
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.policy.UserVerdict;
import java.io.PrintStream;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The preview of an account: one row per key, with the verdict and what the remediation would do with it. */
final class PreviewReport {

    /** One key of one user (or a user without keys). */
    record Row(String userName, String userId, String verdict, String annotation, String accessKey, String keyStatus,
               String lastActivity, String remediation) {
    }

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
            RemediationPlan plan = RemediationPlan.of(policy, keys);
            for (int slot = 0; slot < keys.size(); slot++) {
                AccessKeyActivity key = keys.get(slot);
                rows.add(row(verdict, key, slot, action(plan, key)));
            }
        }
        return new PreviewReport(rows);
    }

    private static String action(RemediationPlan plan, AccessKeyActivity key) {
        return Stream.concat(
                plan.toDisable().stream().filter(stale -> stale.key() == key)
                        .map(stale -> "disable: " + stale.describe().replace(key.accessKeyId() + " ", "")),
                plan.skipped().stream().filter(skipped -> skipped.accessKeyId().equals(key.accessKeyId()))
                        .map(SkippedKey::reason).map(reason -> "keep: " + reason))
                .findFirst().orElse("keep");
    }

    private static Row row(UserVerdict verdict, AccessKeyActivity key, int slot, String action) {
        String label = key.accessKeyId().isEmpty() ? "key " + (slot + 1) + " (credential report)" : key.accessKeyId();
        String last = key.lastActivity().atZone(ZoneOffset.UTC).toLocalDate() + (key.neverUsed() ? " (created, never used)" : "");
        return row(verdict, label, key.status().name().toLowerCase(Locale.ROOT), last, action);
    }

    private static Row row(UserVerdict verdict, String key, String status, String lastActivity, String action) {
        return new Row(verdict.user().userName(), verdict.user().userId(), verdict.compliance().name(),
                verdict.annotation(), key, status, lastActivity, action);
    }

    List<Row> rows() {
        return rows;
    }

    void printTable(PrintStream out) {
        TextTable table = new TextTable("USER", "VERDICT", "ACCESS KEY", "STATUS", "LAST ACTIVITY", "REMEDIATION WOULD");
        rows.forEach(row -> table.row(row.userName(), row.verdict(), row.accessKey(), row.keyStatus(),
                row.lastActivity(), row.remediation()));
        table.print(out, "");
        long toDisable = rows.stream().filter(row -> row.remediation().startsWith("disable")).count();
        long users = rows.stream().map(Row::userId).distinct().count();
        out.printf("%n%d users, %d keys the remediation would disable.%n", users, toDisable);
    }

    String csv() {
        return Stream.concat(Stream.of("user_name,user_id,verdict,annotation,access_key,key_status,last_activity,remediation"),
                rows.stream().map(row -> Stream.of(row.userName(), row.userId(), row.verdict(), row.annotation(),
                        row.accessKey(), row.keyStatus(), row.lastActivity(), row.remediation())
                        .map(PreviewReport::csvCell).collect(Collectors.joining(","))))
                .collect(Collectors.joining("\n", "", "\n"));
    }

    String json() {
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(rows) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String csvCell(String value) {
        return value.contains(",") || value.contains("\"") || value.contains("\n")
                ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
