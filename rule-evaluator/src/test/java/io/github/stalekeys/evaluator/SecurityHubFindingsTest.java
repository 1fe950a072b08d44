package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.Fault;
import io.github.stalekeys.emulator.FaultPlan;
import io.github.stalekeys.emulator.IamSeeder;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.remediation.RemediationFunction;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.regions.Region;

/** One Security Hub finding per key, changes only, following the key through its life (the emulator's Security Hub). */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class SecurityHubFindingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PARAMETERS = "{\"maxAccessKeyAgeDays\":\"90\",\"ownerTagKey\":\"Owner\"}";
    private static final FindingsSettings ENABLED =
            new FindingsSettings(true, "StaleKeys-DisableUnusedAccessKeys", "StaleKeys-RestoreAccessKeys");

    @Test
    void aStaleKeyGetsExactlyOneFindingAndANextRunWithNothingChangedImportsNothing(AwsEmulator emulator) {
        Loop loop = new Loop(emulator);
        SeededUser alice = loop.seeder.userTagged("alice", "Owner", "team-payments@example.com");
        SeededKey stale = loop.seeder.keyUsed(alice, 143);
        loop.seeder.keyUsed(loop.seeder.user("bob"), 10);
        emulator.resetCallCounts();

        loop.evaluateAll();

        List<JsonNode> findings = emulator.securityHubFindings();
        assertEquals(1, findings.size(), findings.toString());
        assertEquals(1L, loop.calls("securityhub:BatchImportFindings"));
        JsonNode finding = findings.get(0);
        String account = EvaluatorHarness.ACCOUNT_ID;
        assertEquals(
                "arn:aws:securityhub:" + emulator.region() + ":" + account + ":product/" + account + "/default",
                finding.path("ProductArn").asText());
        assertEquals("2018-10-08", finding.path("SchemaVersion").asText());
        assertTrue(
                finding.path("Id").asText().endsWith("/" + stale.accessKeyId()),
                finding.path("Id").asText());
        JsonNode resource = finding.path("Resources").path(0);
        assertEquals("AwsIamAccessKey", resource.path("Type").asText());
        JsonNode details = resource.path("Details").path("AwsIamAccessKey");
        assertEquals(stale.accessKeyId(), details.path("AccessKeyId").asText());
        assertEquals("alice", details.path("PrincipalName").asText());
        assertEquals(alice.userId(), details.path("PrincipalId").asText());
        assertEquals("Active", details.path("Status").asText());
        assertEquals("FAILED", finding.path("Compliance").path("Status").asText());
        assertTrue(finding.path("Compliance")
                .path("RelatedRequirements")
                .toString()
                .contains("IAM.8"));
        assertEquals(
                "MEDIUM",
                finding.path("FindingProviderFields")
                        .path("Severity")
                        .path("Label")
                        .asText());
        assertTrue(finding.path("Remediation")
                .path("Recommendation")
                .path("Text")
                .asText()
                .contains("StaleKeys-DisableUnusedAccessKeys"));
        JsonNode fields = finding.path("ProductFields");
        assertEquals(
                "team-payments@example.com",
                fields.path("stale-access-keys/Owner").asText());
        assertEquals(
                loop.daysAgoDate(143),
                fields.path("stale-access-keys/LastUsedDate").asText().substring(0, 10));
        assertEquals("ACTIVE", finding.path("RecordState").asText());

        emulator.resetCallCounts();
        loop.evaluateAll();

        assertEquals(0L, loop.calls("securityhub:BatchImportFindings"), "nothing changed: nothing imported");
        assertEquals(1L, loop.calls("securityhub:GetFindings"));
        assertEquals(1, emulator.securityHubFindings().size());
    }

    @Test
    void disableAndRestoreMoveTheFindingThroughItsStates(AwsEmulator emulator) {
        Loop loop = new Loop(emulator);
        SeededUser alice = loop.seeder.user("alice");
        SeededKey key = loop.seeder.keyUsed(alice, 143);
        loop.evaluateAll();
        assertEquals("NON_COMPLIANT", loop.state(key));

        String execution = UUID.randomUUID().toString();
        loop.remediation.invoke(disablePayload(alice.userId(), execution));
        loop.evaluateAll();
        JsonNode disabled = loop.finding(key);
        assertEquals("DISABLED", loop.state(key));
        assertEquals("PASSED", disabled.path("Compliance").path("Status").asText());
        assertEquals(
                "Inactive",
                disabled.path("Resources")
                        .path(0)
                        .path("Details")
                        .path("AwsIamAccessKey")
                        .path("Status")
                        .asText());
        assertTrue(disabled.path("ProductFields")
                .path("stale-access-keys/Detail")
                .asText()
                .contains(execution));

        loop.remediation.invoke(restorePayload("alice"));
        loop.evaluateAll();
        String graceEnd = LocalDate.ofInstant(loop.clock.instant().plus(Duration.ofDays(30)), ZoneOffset.UTC)
                .toString();
        assertEquals("RESTORED", loop.state(key));
        assertTrue(
                loop.finding(key)
                        .path("ProductFields")
                        .path("stale-access-keys/Detail")
                        .asText()
                        .contains("not reported until " + graceEnd),
                loop.finding(key).toString());

        loop.advance(Duration.ofDays(31));
        loop.evaluateAll();
        assertEquals("NON_COMPLIANT", loop.state(key));
        assertEquals(1, emulator.securityHubFindings().size(), "one finding per key, all along");
    }

    @Test
    void aDeletedUsersFindingIsResolvedAndArchivedOnce(AwsEmulator emulator) {
        Loop loop = new Loop(emulator);
        SeededUser alice = loop.seeder.user("alice");
        SeededKey key = loop.seeder.keyUsed(alice, 143);
        loop.evaluateAll();
        emulator.iamClient().deleteAccessKey(r -> r.userName("alice").accessKeyId(key.accessKeyId()));
        emulator.iamClient().deleteUser(r -> r.userName("alice"));

        loop.evaluateAll();

        JsonNode archived = loop.finding(key);
        assertEquals("ARCHIVED", archived.path("RecordState").asText());
        assertEquals("RESOLVED", loop.state(key));
        assertTrue(archived.path("ProductFields")
                .path("stale-access-keys/Detail")
                .asText()
                .contains("user was deleted"));
        emulator.resetCallCounts();
        loop.evaluateAll();
        assertEquals(0L, loop.calls("securityhub:BatchImportFindings"), "an archived finding is not imported again");
    }

    @Test
    void securityHubNotEnabledIsOneClearLineAndTheEvaluationsArePosted(AwsEmulator emulator) {
        Loop loop = new Loop(emulator);
        emulator.securityHubEnabled(false);
        SeededUser alice = loop.seeder.user("alice");
        loop.seeder.keyUsed(alice, 143);

        loop.evaluateAll();

        assertEquals(
                "NON_COMPLIANT",
                emulator.storedEvaluations(EvaluatorHarness.RULE_NAME).get(0).complianceType());
        List<String> lines = loop.logText()
                .lines()
                .filter(line -> line.contains("Security Hub is not enabled"))
                .toList();
        assertEquals(1, lines.size(), loop.logText());
        assertTrue(lines.get(0).contains("\"errorCode\":\"InvalidAccessException\""), lines.get(0));
        assertEquals(0L, loop.calls("securityhub:BatchImportFindings"));
    }

    @Test
    void throttledCallsAreRetried(AwsEmulator emulator) {
        Loop loop = new Loop(emulator);
        loop.seeder.keyUsed(loop.seeder.user("alice"), 143);
        emulator.injectFaults(
                FaultPlan.of(1.0, 7, Fault.THROTTLE).onlyFor("securityhub:*").afterCalls(0));
        emulator.resetCallCounts();
        // Every Security Hub call throttled: the bounded budget runs out, the run still succeeds, one error line.
        loop.evaluateAll();
        emulator.clearFaults();
        assertEquals(6L, loop.calls("securityhub:GetFindings"), "six attempts in all");
        assertTrue(loop.logText().contains("\"errorCode\":\"TooManyRequestsException\""), loop.logText());

        emulator.injectFaults(FaultPlan.of(0.5, 11, Fault.THROTTLE).onlyFor("securityhub:*"));
        loop.evaluateAll();
        emulator.clearFaults();
        assertEquals(1, emulator.securityHubFindings().size(), "throttled, retried, imported");
    }

    @Test
    void fiveThousandUsersWithNothingChangedImportNothing(AwsEmulator emulator) {
        Loop loop = new Loop(emulator);
        SeededAccount.create(emulator, 5000, 100, loop.clock.instant());
        loop.evaluateAll();
        Map<String, Long> states = emulator.securityHubFindings().stream()
                .collect(Collectors.groupingBy(
                        f -> f.path("ProductFields")
                                .path("stale-access-keys/State")
                                .asText(),
                        Collectors.counting()));
        assertEquals(150L, states.get("NON_COMPLIANT"), "three stale keys in every hundred users: " + states);
        // A first run has no recorded result to compare with: every key within warningDays (14) of its limit has
        // reached a stage, is read live (its id) and gets its finding. SeededAccount's plain users were last used
        // i % 89 days ago: those at 76..88 days.
        long inWindow = IntStream.range(0, 5000)
                .filter(i -> i % 100 >= 6 && i % 89 >= 90 - 14)
                .count();
        assertEquals(Map.of("NON_COMPLIANT", 150L, "WARNED", inWindow), states, "the keys within the window warned");
        long findings = states.values().stream().mapToLong(Long::longValue).sum();
        emulator.resetCallCounts();

        loop.evaluateAll();

        assertEquals(0L, loop.calls("securityhub:BatchImportFindings"), "nothing changed: nothing imported");
        assertEquals((findings + 99) / 100, loop.calls("securityhub:GetFindings"), findings + " findings, 100 a page");
    }

    private static ObjectNode disablePayload(String userId, String execution) {
        return JSON.createObjectNode()
                .put("action", "DISABLE_STALE_KEYS")
                .put("userId", userId)
                .put("maxAccessKeyAgeDays", "90")
                .put("dryRun", "false")
                .put("exemptUsers", "")
                .put("exemptionTagKey", "")
                .put("automationExecutionId", execution);
    }

    private static ObjectNode restorePayload(String userName) {
        return JSON.createObjectNode()
                .put("action", "RESTORE_KEYS")
                .put("userName", userName)
                .put("accessKeyIds", "")
                .put("remediationExecutionId", "")
                .put("automationExecutionId", UUID.randomUUID().toString());
    }

    private static final class Loop {
        final AwsEmulator emulator;
        final SteppingClock clock = new SteppingClock(Instant.now());
        final IamSeeder seeder;
        final AccessKeyComplianceHandler rule;
        final RemediationFunction remediation;
        final ByteArrayOutputStream logs = new ByteArrayOutputStream();
        private Duration shifted = Duration.ZERO;

        Loop(AwsEmulator emulator) {
            this.emulator = emulator;
            emulator.securityHubEnabled(true);
            AwsClients clients =
                    AwsClients.create(Region.of(emulator.region()), emulator.credentials(), emulator.endpoint());
            String auditKey = emulator.createHmacKey();
            this.seeder = new IamSeeder(emulator, Clock.fixed(clock.instant(), ZoneOffset.UTC));
            this.rule = new AccessKeyComplianceHandler(
                    clients,
                    clock,
                    clock,
                    new StructuredLogger("rule-evaluator", new PrintStream(logs, true, StandardCharsets.UTF_8), clock),
                    EvaluatorSettings.DEFAULTS.withAuditRecordKey(auditKey).withFindings(ENABLED));
            emulator.putConfigRule(EvaluatorHarness.RULE_NAME, PARAMETERS);
            this.remediation = new RemediationFunction(clients, EvaluatorHarness.RULE_NAME, auditKey, clock);
        }

        void advance(Duration duration) {
            clock.sleep(duration);
            shifted = shifted.plus(duration);
            emulator.shiftClock(shifted);
        }

        void evaluateAll() {
            ConfigRuleEvent event = EvaluatorHarness.scheduledEvent(
                    emulator.registerResultToken(EvaluatorHarness.RULE_NAME), PARAMETERS);
            rule.handleRequest(event, TestContext.withRemaining(Duration.ofMinutes(10)));
        }

        Map<String, JsonNode> byKey() {
            return emulator.securityHubFindings().stream()
                    .collect(Collectors.toMap(
                            f -> f.path("Resources")
                                    .path(0)
                                    .path("Details")
                                    .path("AwsIamAccessKey")
                                    .path("AccessKeyId")
                                    .asText(),
                            Function.identity()));
        }

        JsonNode finding(SeededKey key) {
            return byKey().get(key.accessKeyId());
        }

        String state(SeededKey key) {
            return finding(key)
                    .path("ProductFields")
                    .path("stale-access-keys/State")
                    .asText();
        }

        long calls(String operation) {
            return emulator.callCounts().getOrDefault(operation, 0L);
        }

        String daysAgoDate(int days) {
            return LocalDate.ofInstant(clock.instant().minus(Duration.ofDays(days)), ZoneOffset.UTC)
                    .toString();
        }

        String logText() {
            return logs.toString(StandardCharsets.UTF_8);
        }
    }
}
