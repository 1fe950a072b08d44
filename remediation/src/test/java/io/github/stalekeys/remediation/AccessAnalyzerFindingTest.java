package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.keychange.AuditRecord;
import io.github.stalekeys.rehearsal.AutomationRehearsal;
import io.github.stalekeys.rehearsal.LambdaFunction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * IAM Access Analyzer's unused-access-key finding, remediated: the sample event from events/, passed as the
 * template's EventBridge rule passes it (the user's ARN, {@code $.detail.resource}, as {@code IAMUserId}; the
 * pattern and transformer themselves are checked offline in deploy/checks), runs the remediation runbook file,
 * which disables the user's stale key by the rule's own threshold and nothing else.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class AccessAnalyzerFindingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ROOT = Path.of("..");
    private static final String ROLE = "arn:aws:iam::123456789012:role/StaleKeysAutomation";
    private static final String FUNCTION = "arn:aws:lambda:us-east-1:123456789012:function:stale-keys-remediation:live";

    private static JsonNode sample() throws IOException {
        return JSON.readTree(Files.readString(ROOT.resolve("events/access-analyzer-unused-access-key.json")));
    }

    /** What the template's input transformer takes from the event: the user's ARN. */
    private static String transformedUser(JsonNode event) throws IOException {
        assertTrue(
                Files.readString(ROOT.resolve("template.yaml")).contains("user: $.detail.resource"),
                "the template maps $.detail.resource to the runbook's IAMUserId");
        return event.path("detail").path("resource").asText();
    }

    private static AutomationRehearsal.Execution run(RemediationHarness harness, String user) throws IOException {
        LambdaFunction function = payload -> {
            try {
                return LambdaFunction.Response.success(harness.invoke(payload).toString());
            } catch (RuntimeException error) {
                return LambdaFunction.Response.failure(
                        error.getMessage(), error.getClass().getName());
            }
        };
        return new AutomationRehearsal(ROOT.resolve("ssm-documents/disable-unused-access-keys.yaml"), function)
                .start(Map.of("AutomationAssumeRole", ROLE, "IAMUserId", user, "RemediationFunction", FUNCTION));
    }

    @Test
    void theSampleFindingDrivesOneRemediationOfThatUsersStaleKeyOnly(AwsEmulator emulator) throws IOException {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyUsed(alice, 143);
        // Access Analyzer may track a shorter period than the rule (say 30 days): this key is unused 40 days,
        // past the analyzer's period but within the rule's 90, and stays active: the rule's threshold wins.
        SeededKey withinTheRule = harness.account.keyUsed(alice, 40);
        SeededUser bob = harness.account.user("bob");
        SeededKey bobsStale = harness.account.keyUsed(bob, 143);

        AutomationRehearsal.Execution execution = run(harness, transformedUser(sample()));

        assertTrue(execution.succeeded(), execution.failure());
        assertEquals("DISABLED", execution.outputs().get("ParseResult.Outcome").asText());
        assertEquals("alice", execution.outputs().get("ParseResult.UserName").asText());
        assertEquals("Inactive", harness.account.status(alice, stale));
        assertEquals("Active", harness.account.status(alice, withinTheRule));
        assertEquals("Active", harness.account.status(bob, bobsStale), "only the finding's user");
        assertTrue(harness.auditTags("alice").containsKey(AuditRecord.TAG_PREFIX + execution.executionId()));
    }

    @Test
    void aForeignOrBadUserIsRefusedAndNothingChanges(AwsEmulator emulator) throws IOException {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyUsed(alice, 143);

        // Another account's user of the same name: IAM here has no user with that ARN.
        AutomationRehearsal.Execution foreign = run(harness, "arn:aws:iam::210987654321:user/alice");
        // The same name under another path: not the user the finding names.
        AutomationRehearsal.Execution otherPath = run(harness, "arn:aws:iam::123456789012:user/ops/alice");

        assertTrue(foreign.succeeded(), foreign.failure());
        assertEquals(
                "USER_NOT_FOUND", foreign.outputs().get("ParseResult.Outcome").asText());
        assertEquals(
                "USER_NOT_FOUND", otherPath.outputs().get("ParseResult.Outcome").asText());
        assertEquals("Active", harness.account.status(alice, stale));
        assertFalse(harness.auditTags("alice").keySet().stream().anyMatch(k -> k.startsWith(AuditRecord.TAG_PREFIX)));

        // Not a user ARN at all: refused by the function (and by the runbook parameter pattern, checked offline).
        AutomationRehearsal.Execution role = run(harness, "arn:aws:iam::123456789012:role/alice");
        assertFalse(role.succeeded());
        assertTrue(role.failure().contains("must be an IAM user id (AIDA...) or an IAM user ARN"), role.failure());
        assertEquals("Active", harness.account.status(alice, stale));
    }
}
