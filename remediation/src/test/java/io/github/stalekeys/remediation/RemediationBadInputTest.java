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
import io.github.stalekeys.keychange.AuditRecord;
import io.github.stalekeys.policy.InvalidSettingException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * Bad input beyond the payloads of {@link BadPayloadTest}: what a regex's {@code $} lets through before a
 * trailing newline, and an account that changes mid-run or holds keys in statuses no API model knows. Each ends in a clear error or the documented safe outcome, and changes
 * nothing where it errs.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class RemediationBadInputTest {

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
        assertEquals(
                "not active (status expired): nothing to disable",
                result.get("skippedKeys").get(0).get("reason").asText());
        assertEquals(
                "not active (status unrecognized): nothing to disable",
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

        NoSuchEntityException error = assertThrows(
                NoSuchEntityException.class, () -> harness.invoke(RemediationHarness.disablePayload(alice.userId())));

        assertTrue(error.getMessage().contains("alice"), error.getMessage());
        assertEquals(0, harness.calls("iam:UpdateAccessKey"));
    }

    @Test
    void aStaleKeyDeletedBeforeItIsDisabledIsReportedLeftAloneAndTheRecordNamesOnlyWhatWasDisabled(
            AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey first = harness.account.keyUsed(alice, 143);
        SeededKey second = harness.account.keyNeverUsed(alice, 300);
        emulator.deleteAccessKeyAfter("iam:TagUser", 1, second.accessKeyId());
        ObjectNode payload = RemediationHarness.disablePayload(alice.userId());

        JsonNode result = harness.invoke(payload);

        assertEquals("DISABLED", result.get("outcome").asText());
        assertEquals(List.of(first.accessKeyId()), StaleKeyRemediationTest.ids(result.get("disabledKeyIds")));
        assertTrue(
                result.get("message").asText().contains(second.accessKeyId() + " was deleted meanwhile"),
                result.toString());
        assertEquals("Inactive", harness.account.status(alice, first));
        String record = harness.auditTags("alice")
                .get(AuditRecord.TAG_PREFIX
                        + payload.get("automationExecutionId").asText());
        assertTrue(record.startsWith("disabled=" + first.accessKeyId() + " at="), "only what was disabled: " + record);
        JsonNode backout = harness.invoke(RemediationHarness.restorePayload("alice"));
        assertEquals(first.accessKeyId(), backout.get("restoredKeyIds").get(0).asText());
    }

    @Test
    void theOnlyStaleKeyDeletedBeforeItIsDisabledLeavesNoAuditRecord(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyUsed(alice, 143);
        emulator.deleteAccessKeyAfter("iam:TagUser", 1, stale.accessKeyId());

        JsonNode result = harness.invoke(RemediationHarness.disablePayload(alice.userId()));

        assertEquals("NOTHING_STALE", result.get("outcome").asText(), result.toString());
        assertTrue(
                result.get("message").asText().contains(stale.accessKeyId() + " was deleted meanwhile"),
                result.toString());
        assertEquals(Map.of(), harness.auditTags("alice"), "the record of a change that did not happen is removed");
    }
}
