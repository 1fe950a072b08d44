package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.keychange.AuditRecord;
import io.github.stalekeys.rehearsal.AutomationRehearsal;
import io.github.stalekeys.rehearsal.LambdaFunction;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The runbook files themselves, rehearsed against the real handler and the emulator. */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class RunbookWiringTest {

    private static final Path RUNBOOKS = Path.of("..", "ssm-documents");
    private static final String ROLE = "arn:aws:iam::123456789012:role/StaleKeys-automation";
    private static final String FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:StaleKeys-remediation:live";

    @Test
    void remediationRunbookDisablesTheStaleKeyAndExposesIt(AwsEmulator emulator) throws IOException {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey fresh = harness.account.keyUsed(alice, 5);
        SeededKey stale = harness.account.keyUsed(alice, 143);

        AutomationRehearsal.Execution execution = remediation(harness)
                .start(Map.of(
                        "AutomationAssumeRole", ROLE, "IAMUserId", alice.userId(), "RemediationFunction", FUNCTION));

        assertTrue(execution.succeeded(), execution.failure());
        assertEquals("DISABLED", execution.outputs().get("ParseResult.Outcome").asText());
        assertEquals(List.of(stale.accessKeyId()), texts(execution.outputs().get("ParseResult.DisabledKeyIds")));
        assertEquals(List.of(fresh.accessKeyId()), texts(execution.outputs().get("ParseResult.SkippedKeyIds")));
        assertEquals("alice", execution.outputs().get("ParseResult.UserName").asText());
        assertEquals("Inactive", harness.account.status(alice, stale));
        assertTrue(
                harness.auditTags("alice").containsKey(AuditRecord.TAG_PREFIX + execution.executionId()),
                "the audit record names this execution");
    }

    @Test
    void remediationRunbookDryRunChangesNothing(AwsEmulator emulator) throws IOException {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyNeverUsed(alice, 200);

        AutomationRehearsal.Execution execution = remediation(harness)
                .start(Map.of(
                        "AutomationAssumeRole",
                        ROLE,
                        "IAMUserId",
                        alice.userId(),
                        "RemediationFunction",
                        FUNCTION,
                        "DryRun",
                        "true",
                        "MaxAccessKeyAgeDays",
                        "30"));

        assertTrue(execution.succeeded(), execution.failure());
        assertEquals("DRY_RUN", execution.outputs().get("ParseResult.Outcome").asText());
        assertEquals(List.of(stale.accessKeyId()), texts(execution.outputs().get("ParseResult.StaleKeyIds")));
        assertEquals(List.of(), texts(execution.outputs().get("ParseResult.DisabledKeyIds")));
        assertEquals("Active", harness.account.status(alice, stale));
    }

    @Test
    void remediationRunbookFailsWhenTheFunctionFails(AwsEmulator emulator) throws IOException {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyUsed(alice, 143);
        String tooLongForIam = "u".repeat(100); // the runbook's pattern lets it through; the function refuses it

        AutomationRehearsal.Execution execution = remediation(harness)
                .start(Map.of(
                        "AutomationAssumeRole",
                        ROLE,
                        "IAMUserId",
                        alice.userId(),
                        "RemediationFunction",
                        FUNCTION,
                        "ExemptUsers",
                        tooLongForIam));

        assertFalse(execution.succeeded());
        assertEquals("ParseResult", execution.failedStep());
        assertTrue(execution.failure().contains("exemptUsers"), execution.failure());
        assertEquals("Active", harness.account.status(alice, stale));
    }

    @Test
    void backoutRunbookRestoresWhatTheRemediationRunbookDisabled(AwsEmulator emulator) throws IOException {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyUsed(alice, 143);
        AutomationRehearsal.Execution remediated = remediation(harness)
                .start(Map.of(
                        "AutomationAssumeRole", ROLE, "IAMUserId", alice.userId(), "RemediationFunction", FUNCTION));

        AutomationRehearsal.Execution backout = backout(harness)
                .start(Map.of(
                        "AutomationAssumeRole",
                        ROLE,
                        "IAMUserName",
                        "alice",
                        "RemediationFunction",
                        FUNCTION,
                        "RemediationExecutionId",
                        remediated.executionId()));

        assertTrue(backout.succeeded(), backout.failure());
        assertEquals(List.of(stale.accessKeyId()), texts(backout.outputs().get("ParseResult.RestoredKeyIds")));
        assertEquals("alice", backout.outputs().get("ParseResult.UserName").asText());
        assertEquals("Active", harness.account.status(alice, stale));
    }

    @Test
    void backoutRunbookFailsNamingAKeyThatNoLongerExists(AwsEmulator emulator) throws IOException {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey deleted = harness.account.keyUsed(alice, 143);
        remediation(harness)
                .start(Map.of(
                        "AutomationAssumeRole", ROLE, "IAMUserId", alice.userId(), "RemediationFunction", FUNCTION));
        emulator.iamClient()
                .deleteAccessKey(request -> request.userName("alice").accessKeyId(deleted.accessKeyId()));

        AutomationRehearsal.Execution backout = backout(harness)
                .start(Map.of("AutomationAssumeRole", ROLE, "IAMUserName", "alice", "RemediationFunction", FUNCTION));

        assertFalse(backout.succeeded());
        assertTrue(backout.failure().contains(deleted.accessKeyId() + " does not exist"), backout.failure());
    }

    private static AutomationRehearsal remediation(RemediationHarness harness) throws IOException {
        return new AutomationRehearsal(RUNBOOKS.resolve("disable-unused-access-keys.yaml"), inProcess(harness));
    }

    private static AutomationRehearsal backout(RemediationHarness harness) throws IOException {
        return new AutomationRehearsal(RUNBOOKS.resolve("restore-access-keys.yaml"), inProcess(harness));
    }

    /** The real handler in this JVM; a thrown exception is reported as Lambda reports it. */
    private static LambdaFunction inProcess(RemediationHarness harness) {
        return payload -> {
            try {
                return LambdaFunction.Response.success(harness.invoke(payload).toString());
            } catch (RuntimeException error) {
                return LambdaFunction.Response.failure(
                        error.getMessage(), error.getClass().getName());
            }
        };
    }

    private static List<String> texts(JsonNode array) {
        return StaleKeyRemediationTest.ids(array);
    }
}
