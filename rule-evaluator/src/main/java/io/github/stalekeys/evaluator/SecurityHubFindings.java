package io.github.stalekeys.evaluator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.findings.FindingChanges;
import io.github.stalekeys.findings.KeyFinding;
import io.github.stalekeys.findings.KeyLifecycle;
import io.github.stalekeys.findings.KeyState;
import io.github.stalekeys.findings.StoredFinding;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyOwner;
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.securityhub.AsffFinding;
import io.github.stalekeys.securityhub.SecurityHubApi;
import io.github.stalekeys.securityhub.SecurityHubException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * After a periodic run: one Security Hub finding per key that has something to show, imported only where it
 * changed. The comparison is with what Security Hub holds ({@code GetFindings} on this rule's GeneratorId and
 * product, active records, 100 a page): one call when no key has a finding, one more per 100 findings, and no
 * import at all when nothing changed. Config's previous results would cost no call but know users, not keys,
 * and not whether an import ever arrived; Security Hub's own records do, so a rejected import is retried by the
 * next run. Keys are imported 100 a call (BatchImportFindings' limit).
 *
 * <p>Security Hub not enabled in the account is one log line: the evaluations are already posted. Any other
 * failure is logged as an error and does not fail the run either.
 */
final class SecurityHubFindings {

    static final int PAGE_SIZE = 100;
    static final int IMPORT_BATCH = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one run did with Security Hub. */
    record Outcome(int held, int imported, int rejected, int pages, boolean notEnabled) {}

    private final SecurityHubApi api;
    private final StructuredLogger log;
    private final AsffFinding.Context context;

    SecurityHubFindings(SecurityHubApi api, StructuredLogger log, AsffFinding.Context context) {
        this.api = Objects.requireNonNull(api, "api");
        this.log = Objects.requireNonNull(log, "log");
        this.context = Objects.requireNonNull(context, "context");
    }

    Outcome update(
            List<UserAssessment> assessments,
            StaleKeyPolicy policy,
            KeyLifecycle.AuditFacts audit,
            Optional<String> ownerTagKey,
            Function<IamUser, Map<String, String>> tags) {
        int[] pages = {0};
        Map<String, StoredFinding> stored;
        try {
            stored = held(pages);
        } catch (SecurityHubException failed) {
            return failed(failed, 0, 0, pages[0]);
        }
        KeyLifecycle lifecycle = new KeyLifecycle(policy, stored, audit);
        List<KeyFinding> desired = new ArrayList<>();
        for (UserAssessment assessment : assessments) {
            boolean gone =
                    AccountEvaluator.USER_GONE.equals(assessment.verdict().annotation());
            desired.addAll(lifecycle.of(assessment.verdict(), assessment.keys(), gone));
        }
        desired.addAll(lifecycle.rest());
        List<FindingChanges.Change> changes = FindingChanges.select(desired, stored);
        int imported = 0;
        int rejected = 0;
        try {
            for (int start = 0; start < changes.size(); start += IMPORT_BATCH) {
                List<FindingChanges.Change> batch =
                        changes.subList(start, Math.min(changes.size(), start + IMPORT_BATCH));
                ObjectNode body = JSON.createObjectNode();
                ArrayNode findings = body.putArray("Findings");
                for (FindingChanges.Change change : batch) {
                    findings.add(AsffFinding.of(withOwner(change, ownerTagKey, tags), context));
                }
                JsonNode answer = api.batchImportFindings(body);
                int failed = logRejected(answer);
                rejected += failed;
                imported += batch.size() - failed;
            }
        } catch (SecurityHubException failed) {
            return failed(failed, stored.size(), imported, pages[0]);
        }
        log.info(
                "security hub findings",
                "configRuleName",
                context.ruleName(),
                "accountId",
                context.accountId(),
                "held",
                stored.size(),
                "imported",
                imported,
                "rejected",
                rejected,
                "unchanged",
                desired.size() - changes.size(),
                "getFindingsPages",
                pages[0]);
        return new Outcome(stored.size(), imported, rejected, pages[0], false);
    }

    private FindingChanges.Change withOwner(
            FindingChanges.Change change, Optional<String> ownerTagKey, Function<IamUser, Map<String, String>> tags) {
        KeyFinding finding = change.finding();
        if (finding.state() == KeyState.RESOLVED && finding.detail().contains("user was deleted")) {
            return change;
        }
        KeyOwner owner =
                ownerTagKey.isEmpty() ? KeyOwner.NOT_CONFIGURED : KeyOwner.of(ownerTagKey, tags.apply(finding.user()));
        return new FindingChanges.Change(finding.withOwner(owner), change.replaces());
    }

    /** This rule's active findings, by key id, through every page. */
    private Map<String, StoredFinding> held(int[] pages) {
        Map<String, StoredFinding> held = new HashMap<>();
        String token = null;
        do {
            ObjectNode body = JSON.createObjectNode();
            ObjectNode filters = body.putObject("Filters");
            equalTo(filters, "ProductArn", context.productArn());
            equalTo(filters, "GeneratorId", context.generatorId());
            equalTo(filters, "AwsAccountId", context.accountId());
            equalTo(filters, "RecordState", "ACTIVE");
            body.put("MaxResults", PAGE_SIZE);
            if (token != null) {
                body.put("NextToken", token);
            }
            JsonNode page = api.getFindings(body);
            pages[0]++;
            // The filter is sent, and each answer checked again: only whole findings of this rule count.
            for (JsonNode finding : page.path("Findings")) {
                AsffFinding.read(finding, context).ifPresent(ours -> held.put(ours.accessKeyId(), ours));
            }
            token = page.path("NextToken").isTextual()
                            && !page.path("NextToken").asText().isEmpty()
                    ? page.path("NextToken").asText()
                    : null;
        } while (token != null);
        return held;
    }

    private static void equalTo(ObjectNode filters, String field, String value) {
        filters.putArray(field).addObject().put("Value", value).put("Comparison", "EQUALS");
    }

    private int logRejected(JsonNode answer) {
        int failed = 0;
        for (JsonNode rejected : answer.path("FailedFindings")) {
            failed++;
            log.error(
                    "security hub rejected a finding",
                    "configRuleName",
                    context.ruleName(),
                    "findingId",
                    rejected.path("Id").asText(),
                    "errorCode",
                    rejected.path("ErrorCode").asText(),
                    "errorMessage",
                    bounded(rejected.path("ErrorMessage").asText()));
        }
        return Math.max(failed, answer.path("FailedCount").asInt(0));
    }

    private Outcome failed(SecurityHubException failure, int held, int imported, int pages) {
        if (failure.notEnabled()) {
            log.warn(
                    "security hub findings not imported: Security Hub is not enabled in this account and region"
                            + " (enable it, or set SecurityHubFindings to Disabled); the evaluations are posted",
                    "configRuleName",
                    context.ruleName(),
                    "accountId",
                    context.accountId(),
                    "region",
                    context.region(),
                    "errorCode",
                    failure.errorCode());
            return new Outcome(held, imported, 0, pages, true);
        }
        log.error(
                "security hub findings not imported; the evaluations are posted",
                "configRuleName",
                context.ruleName(),
                "operation",
                failure.operation(),
                "errorCode",
                failure.errorCode(),
                "status",
                failure.status(),
                "errorMessage",
                failure.getMessage(),
                "imported",
                imported);
        return new Outcome(held, imported, 0, pages, false);
    }

    private static String bounded(String text) {
        String line = text.replaceAll("\\p{Cntrl}", " ");
        return line.length() <= 300 ? line : line.substring(0, 300) + "...";
    }
}
