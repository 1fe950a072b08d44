package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.policy.InvalidSettingException;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed payload fails naming the field, before any AWS call: nothing is changed on a guess. */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class BadPayloadTest {

    static Stream<Arguments> badRemediationPayloads() {
        return Stream.of(
                bad("action", p -> p.remove("action")),
                bad("action", p -> p.put("action", "DELETE_KEYS")),
                bad("userId", p -> p.remove("userId")),
                bad("userId", p -> p.put("userId", "alice")),
                bad("userId", p -> p.put("userId", "AIDA123")),
                bad("maxAccessKeyAgeDays", p -> p.remove("maxAccessKeyAgeDays")),
                bad("maxAccessKeyAgeDays", p -> p.put("maxAccessKeyAgeDays", "ninety")),
                bad("maxAccessKeyAgeDays", p -> p.put("maxAccessKeyAgeDays", "0")),
                bad("maxAccessKeyAgeDays", p -> p.put("maxAccessKeyAgeDays", "3651")),
                bad("maxAccessKeyAgeDays", p -> p.put("maxAccessKeyAgeDays", "90.5")),
                bad(
                        "maxAccessKeyAgeDays",
                        p -> p.putArray("maxAccessKeyAgeDays").add(90)),
                bad("dryRun", p -> p.put("dryRun", "maybe")),
                bad("dryRun", p -> p.remove("dryRun")),
                bad("automationExecutionId", p -> p.remove("automationExecutionId")),
                bad("automationExecutionId", p -> p.put("automationExecutionId", "{{ automation:EXECUTION_ID }}")),
                bad("exemptUsers", p -> p.put("exemptUsers", "alice smith")),
                bad("exemptionTagKey", p -> p.put("exemptionTagKey", "aws:internal")),
                bad("userName", p -> p.put("userName", "alice")),
                bad("userId", p -> p.put("userId", "aidaexample000000001"), "lower-case user id"),
                bad("userId", p -> p.put("userId", "AIDAEXAMPLE000000001,AIDAEXAMPLE000000002"), "two ids"),
                bad("userId", p -> p.put("userId", "AKIAIOSFODNN7EXAMPLE"), "an access key id, not a user id"),
                bad("userId", p -> p.putObject("userId").put("id", "AIDAEXAMPLE000000001"), "an object"),
                bad("action", p -> p.put("action", "disable_stale_keys"), "action in lower case"),
                bad("maxAccessKeyAgeDays", p -> p.put("maxAccessKeyAgeDays", "  "), "blank threshold"),
                bad("maxAccessKeyAgeDays", p -> p.put("maxAccessKeyAgeDays", "-1"), "negative threshold"),
                bad("exemptionTagKey", p -> p.put("exemptionTagKey", "k".repeat(129)), "tag key of 129 characters"),
                bad("automationExecutionId", p -> p.put("automationExecutionId", "../../etc"), "path as execution id"));
    }

    static Stream<Arguments> badRestorePayloads() {
        return Stream.of(
                bad("userName", p -> p.remove("userName")),
                bad("userName", p -> p.put("userName", "alice smith")),
                bad("accessKeyIds", p -> p.put("accessKeyIds", "AKIA-not-a-key")),
                bad(
                        "accessKeyIds",
                        p -> p.put("accessKeyIds", "AKIAIOSFODNN7EXAMPLE")
                                .put("remediationExecutionId", "0f8e4b4c-5a7d-4b8e-9d2a-1c3e5f7a9b0d")),
                bad("remediationExecutionId", p -> p.put("remediationExecutionId", "last-tuesday")),
                bad("userId", p -> p.put("userId", "AIDAEXAMPLE000000001")),
                bad("userName", p -> p.put("userName", "a".repeat(65)), "user name of 65 characters"),
                bad("userName", p -> p.put("userName", "team/alice"), "user name with a path"),
                bad("accessKeyIds", p -> p.put("accessKeyIds", "akiaiosfodnn7example"), "lower-case key id"),
                bad(
                        "accessKeyIds",
                        p -> p.put("accessKeyIds", "AKIAIOSFODNN7EXAMPLE;AKIAI44QH8DHBEXAMPLE"),
                        "semicolon-separated"),
                bad(
                        "remediationExecutionId",
                        p -> p.put("remediationExecutionId", "0f8e4b4c5a7d4b8e9d2a1c3e5f7a9b0d"),
                        "execution id without dashes"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("badRemediationPayloads")
    void remediationPayloadErrorsNameTheField(
            String field, Consumer<ObjectNode> change, String description, AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyUsed(alice, 143);
        ObjectNode payload = RemediationHarness.disablePayload(alice.userId());
        change.accept(payload);
        emulator.resetCallCounts();

        InvalidSettingException error = assertThrows(InvalidSettingException.class, () -> harness.invoke(payload));

        assertEquals(field, error.settingName(), error.getMessage());
        assertEquals(Map.of(), emulator.callCounts(), "no AWS call at all");
        assertEquals("Active", harness.account.status(alice, stale));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("badRestorePayloads")
    void restorePayloadErrorsNameTheField(
            String field, Consumer<ObjectNode> change, String description, AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        harness.account.user("alice");
        ObjectNode payload = RemediationHarness.restorePayload("alice");
        change.accept(payload);
        emulator.resetCallCounts();

        InvalidSettingException error = assertThrows(InvalidSettingException.class, () -> harness.invoke(payload));

        assertEquals(field, error.settingName(), error.getMessage());
        assertEquals(Map.of(), emulator.callCounts(), "no AWS call at all");
    }

    @Test
    void malformedJsonIsNamed(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        emulator.resetCallCounts();

        InvalidSettingException error = assertThrows(
                InvalidSettingException.class, () -> harness.invoke("{\"action\": \"DISABLE_STALE_KEYS\", "));

        assertEquals("payload", error.settingName());
        assertTrue(error.getMessage().startsWith("payload is not valid JSON"), error.getMessage());
        assertEquals(Map.of(), emulator.callCounts());
    }

    @Test
    void aPayloadThatIsNotAnObjectIsNamed(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);

        InvalidSettingException error = assertThrows(InvalidSettingException.class, () -> harness.invoke("[1, 2]"));

        assertEquals("payload", error.settingName());
    }

    @Test
    void restoringForAUserThatDoesNotExistNamesTheUserAndChangesNothing(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        emulator.resetCallCounts();

        InvalidSettingException error = assertThrows(
                InvalidSettingException.class, () -> harness.invoke(RemediationHarness.restorePayload("nobody")));

        assertEquals("userName", error.settingName());
        assertTrue(error.getMessage().contains("'nobody' names no existing IAM user"), error.getMessage());
        assertEquals(0, harness.writeCalls());
    }

    @Test
    void restoringAnExecutionThatLeftNoRecordOnTheUserIsNamed(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        harness.account.user("alice");
        emulator.resetCallCounts();

        InvalidSettingException error = assertThrows(
                InvalidSettingException.class,
                () -> harness.invoke(RemediationHarness.restorePayload("alice")
                        .put("remediationExecutionId", "0f8e4b4c-5a7d-4b8e-9d2a-1c3e5f7a9b0d")));

        assertEquals("remediationExecutionId", error.settingName());
        assertEquals(0, harness.writeCalls());
    }

    private static Arguments bad(String field, Consumer<ObjectNode> change, String description) {
        return Arguments.of(field, change, description);
    }

    private static Arguments bad(String field, Consumer<ObjectNode> change) {
        ObjectNode probe = RemediationHarness.JSON.createObjectNode();
        change.accept(probe); // what the change sets, for the test's name
        return Arguments.of(field, change, probe.isEmpty() ? "field removed" : probe.toString());
    }
}
