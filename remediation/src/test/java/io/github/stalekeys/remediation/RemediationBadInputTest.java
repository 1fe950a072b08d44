package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.policy.InvalidSettingException;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * Bad input beyond {@link BadPayloadTest}: ids that do not match IAM's patterns (including what a regex's
 * {@code $} lets through before a trailing newline), wrong types, and an account that changes mid-run or holds
 * keys in statuses no API model knows. Each ends in a clear error or the documented safe outcome, and changes
 * nothing where it errs.
 */
@ExtendWith(AwsEmulatorExtension.class)
class RemediationBadInputTest {

    static Stream<Arguments> badPayloads() {
        return Stream.of(
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
                bad("userName", p -> p.put("userName", "a".repeat(65)), "user name of 65 characters"),
                bad("userName", p -> p.put("userName", "team/alice"), "user name with a path"),
                bad("accessKeyIds", p -> p.put("accessKeyIds", "akiaiosfodnn7example"), "lower-case key id"),
                bad("accessKeyIds", p -> p.put("accessKeyIds", "AKIAIOSFODNN7EXAMPLE;AKIAI44QH8DHBEXAMPLE"),
                        "semicolon-separated"),
                bad("remediationExecutionId", p -> p.put("remediationExecutionId", "0f8e4b4c5a7d4b8e9d2a1c3e5f7a9b0d"),
                        "execution id without dashes"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("badPayloads")
    void aBadRemediationPayloadIsNamedAndChangesNothing(String field, Consumer<ObjectNode> change, String description,
                                                        AwsEmulator emulator) {
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
        LogScans.assertClean(harness.logText() + LogScans.logged(error), harness.account.seededKeys());
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("badRestorePayloads")
    void aBadRestorePayloadIsNamedAndChangesNothing(String field, Consumer<ObjectNode> change, String description,
                                                    AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyUsed(alice, 143);
        harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        ObjectNode payload = RemediationHarness.restorePayload("alice");
        change.accept(payload);
        emulator.resetCallCounts();

        InvalidSettingException error = assertThrows(InvalidSettingException.class, () -> harness.invoke(payload));

        assertEquals(field, error.settingName(), error.getMessage());
        assertEquals(Map.of(), emulator.callCounts(), "no AWS call at all");
        assertEquals("Inactive", harness.account.status(alice, stale));
    }

    @Test
    void whitespaceAroundAnIdIsStrippedSoOnlyTheIdItselfIsActedOn(AwsEmulator emulator) {
        // A runbook's allowedPattern checked with find() lets "AIDA...\n" through ($ matches before a final
        // newline); the function strips it and acts on exactly that user, so nothing else can ride along.
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyUsed(alice, 143);

        JsonNode result = harness.invoke(RemediationHarness.disablePayload(alice.userId() + "\n"));
        JsonNode restored = harness.invoke(RemediationHarness.restorePayload(" alice\n"));

        assertEquals(alice.userId(), result.get("userId").asText());
        assertEquals("alice", restored.get("userName").asText());
        assertEquals(stale.accessKeyId(), restored.get("restoredKeyIds").get(0).asText());
    }

    @Test
    void anEmptyPayloadIsNamed(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        emulator.resetCallCounts();

        InvalidSettingException error = assertThrows(InvalidSettingException.class, () -> harness.invoke(""));

        assertEquals("payload", error.settingName());
        assertEquals(Map.of(), emulator.callCounts());
    }

    @Test
    void expiredAndUnknownStatusesAreNeverDisabled(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey expired = harness.account.keyUsed(alice, 400);
        SeededKey odd = harness.account.keyNeverUsed(alice, 500);
        emulator.forceKeyStatus(expired.accessKeyId(), "Expired");
        emulator.forceKeyStatus(odd.accessKeyId(), "Quarantined");
        emulator.resetCallCounts();

        JsonNode result = harness.invoke(RemediationHarness.disablePayload(alice.userId()));

        assertEquals("NOTHING_STALE", result.get("outcome").asText());
        assertEquals("not active (status expired): nothing to disable",
                result.get("skippedKeys").get(0).get("reason").asText());
        assertEquals("not active (status unrecognized): nothing to disable",
                result.get("skippedKeys").get(1).get("reason").asText());
        assertEquals("Expired", harness.account.status(alice, expired));
        assertEquals("Quarantined", harness.account.status(alice, odd));
        assertEquals(0, harness.writeCalls());
        assertEquals(0, harness.calls("iam:GetAccessKeyLastUsed"), "only active keys' last use is read");
    }

    @Test
    void aUserDeletedBeforeItsKeysAreReadIsASuccessThatChangesNothing(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        harness.account.keyUsed(alice, 143);
        emulator.deleteUserAfter("iam:GetUser", 1, "alice");
        emulator.resetCallCounts();

        JsonNode result = harness.invoke(RemediationHarness.disablePayload(alice.userId()));

        assertEquals("USER_NOT_FOUND", result.get("outcome").asText());
        assertEquals(0, harness.writeCalls());
    }

    @Test
    void aUserDeletedAfterItsKeysWereReadFailsClearlyAndChangesNothing(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        harness.account.keyUsed(alice, 143);
        emulator.deleteUserAfter("iam:GetAccessKeyLastUsed", 1, "alice");
        emulator.resetCallCounts();

        NoSuchEntityException error = assertThrows(NoSuchEntityException.class,
                () -> harness.invoke(RemediationHarness.disablePayload(alice.userId())));

        assertTrue(error.getMessage().contains("alice"), error.getMessage());
        assertEquals(0, harness.calls("iam:UpdateAccessKey"));
    }

    @Test
    void aStaleKeyDeletedBeforeItIsDisabledFailsNamingItAndTheRecordStaysTrue(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey first = harness.account.keyUsed(alice, 143);
        SeededKey second = harness.account.keyNeverUsed(alice, 300);
        emulator.deleteAccessKeyAfter("iam:TagUser", 1, second.accessKeyId());
        ObjectNode payload = RemediationHarness.disablePayload(alice.userId());

        NoSuchEntityException error = assertThrows(NoSuchEntityException.class, () -> harness.invoke(payload));

        assertTrue(error.getMessage().contains(second.accessKeyId()), error.getMessage());
        assertEquals("Inactive", harness.account.status(alice, first));
        String record = harness.auditTags("alice").get(AuditRecord.TAG_PREFIX + payload.get("automationExecutionId").asText());
        assertTrue(record.startsWith("disabled=" + first.accessKeyId() + " at="), "only what was disabled: " + record);
        assertTrue(harness.logText().contains("\"disabling stopped: audit record corrected\""), harness.logText());
        JsonNode backout = harness.invoke(RemediationHarness.restorePayload("alice"));
        assertEquals(first.accessKeyId(), backout.get("restoredKeyIds").get(0).asText());
    }

    @Test
    void theOnlyStaleKeyDeletedBeforeItIsDisabledLeavesNoAuditRecord(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyUsed(alice, 143);
        emulator.deleteAccessKeyAfter("iam:TagUser", 1, stale.accessKeyId());

        assertThrows(NoSuchEntityException.class,
                () -> harness.invoke(RemediationHarness.disablePayload(alice.userId())));

        assertEquals(Map.of(), harness.auditTags("alice"), "the record of a change that did not happen is removed");
    }

    private static Arguments bad(String field, Consumer<ObjectNode> change, String description) {
        return Arguments.of(field, change, description);
    }
}
