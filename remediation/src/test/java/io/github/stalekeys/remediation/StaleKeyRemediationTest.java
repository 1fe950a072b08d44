package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.keychange.AuditRecord;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class StaleKeyRemediationTest {

    @Test
    void disablesOnlyTheStaleKeyAndRecordsIt(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey fresh = harness.account.keyUsed(alice, 2);
        SeededKey stale = harness.account.keyUsed(alice, 143);
        ObjectNode payload = RemediationHarness.disablePayload(alice.userId());
        emulator.resetCallCounts();

        JsonNode result = harness.invoke(payload);
        Map<String, Long> calls = emulator.callCounts();

        assertEquals("DISABLED", result.get("outcome").asText());
        assertEquals("alice", result.get("userName").asText());
        assertEquals(List.of(stale.accessKeyId()), ids(result.get("disabledKeyIds")));
        assertEquals(143, result.get("staleKeys").get(0).get("idleDays").asInt());
        assertEquals(
                fresh.accessKeyId(),
                result.get("skippedKeys").get(0).get("accessKeyId").asText());
        assertEquals(
                "used 2 days ago, within the 90-day limit",
                result.get("skippedKeys").get(0).get("reason").asText());
        assertEquals("Inactive", harness.account.status(alice, stale));
        assertEquals("Active", harness.account.status(alice, fresh));
        String executionId = payload.get("automationExecutionId").asText();
        String record = harness.auditTags("alice").get(AuditRecord.TAG_PREFIX + executionId);
        assertTrue(record.startsWith("disabled=" + stale.accessKeyId() + " at="), record);
        // DescribeConfigRules (the deployed rule's settings), ListDiscoveredResources, GetUser, ListAccessKeys,
        // GetAccessKeyLastUsed x2, GenerateMac (the record's seal), TagUser, then right before the change the key's
        // status and the user's records read again (ListAccessKeys, ListUserTags), UpdateAccessKey, and PutEvents
        // for the change notice.
        assertEquals(1, calls.get("config:DescribeConfigRules"));
        assertEquals(12, calls.values().stream().mapToLong(Long::longValue).sum(), calls.toString());
        assertEquals(2, calls.get("iam:ListAccessKeys"));
        assertEquals(1, calls.get("iam:ListUserTags"));
        assertEquals(1, calls.get("iam:UpdateAccessKey"));
    }

    @Test
    void aSingleStaleKeyCostsElevenCallsRuleReadSealLiveRecheckAndNoticeIncluded(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser bob = harness.account.user("bob");
        harness.account.keyNeverUsed(bob, 200);
        emulator.resetCallCounts();

        harness.invoke(RemediationHarness.disablePayload(bob.userId()));

        assertEquals(
                11,
                emulator.callCounts().values().stream()
                        .mapToLong(Long::longValue)
                        .sum(),
                emulator.callCounts().toString());
    }

    @Test
    void aKeyUsedSinceTheEvaluationIsLeftAlone(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey key = harness.account.keyUsed(alice, 143); // what Config saw
        emulator.useKeyAt(key.accessKeyId(), key.secretAccessKey(), Instant.now()); // a pipeline woke up
        emulator.resetCallCounts();

        JsonNode result = harness.invoke(RemediationHarness.disablePayload(alice.userId()));

        assertEquals("NOTHING_STALE", result.get("outcome").asText());
        assertEquals(
                "used today, within the 90-day limit",
                result.get("skippedKeys").get(0).get("reason").asText());
        assertEquals("Active", harness.account.status(alice, key));
        assertEquals(0, harness.writeCalls());
    }

    @Test
    void exemptUsersAreLeftAloneByTagAndByName(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser tagged = harness.account.userTagged("ci-deployer", "KeyRotationExempt", "CHG-42");
        SeededKey taggedKey = harness.account.keyUsed(tagged, 300);
        SeededUser listed = harness.account.user("break-glass");
        SeededKey listedKey = harness.account.keyNeverUsed(listed, 500);
        emulator.resetCallCounts();

        JsonNode byTag = harness.invoke(
                RemediationHarness.disablePayload(tagged.userId()).put("exemptionTagKey", "KeyRotationExempt"));
        JsonNode byName = harness.invoke(
                RemediationHarness.disablePayload(listed.userId()).put("exemptUsers", "someone-else,break-glass"));
        long writes = harness.writeCalls();
        long keyReads = harness.calls("iam:ListAccessKeys");

        assertEquals("EXEMPT", byTag.get("outcome").asText());
        assertEquals(
                "Exempt: tagged KeyRotationExempt (value 'CHG-42'): nothing changed",
                byTag.get("message").asText());
        assertEquals("EXEMPT", byName.get("outcome").asText());
        assertEquals("Active", harness.account.status(tagged, taggedKey));
        assertEquals("Active", harness.account.status(listed, listedKey));
        assertEquals(0, writes);
        assertEquals(0, keyReads, "an exempt user's keys are not even read");
    }

    @Test
    void dryRunReportsWhatItWouldDisableAndChangesNothing(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyNeverUsed(alice, 200);
        emulator.resetCallCounts();

        JsonNode result =
                harness.invoke(RemediationHarness.disablePayload(alice.userId()).put("dryRun", "true"));

        assertEquals("DRY_RUN", result.get("outcome").asText());
        assertTrue(result.get("dryRun").asBoolean());
        assertEquals(
                stale.accessKeyId(),
                result.get("staleKeys").get(0).get("accessKeyId").asText());
        assertTrue(result.get("staleKeys").get(0).get("neverUsed").asBoolean());
        assertEquals(List.of(), ids(result.get("disabledKeyIds")));
        assertEquals(
                "Dry run: would disable " + stale.accessKeyId() + " never used, created 200 days ago",
                result.get("message").asText());
        assertEquals("Active", harness.account.status(alice, stale));
        assertEquals(0, harness.writeCalls());
        assertEquals(Map.of(), harness.auditTags("alice"));
    }

    @Test
    void runningTwiceDisablesNothingNewAndKeepsTheRecord(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyUsed(alice, 143);
        harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        Map<String, String> recordAfterFirst = harness.auditTags("alice");
        emulator.resetCallCounts();

        JsonNode second = harness.invoke(RemediationHarness.disablePayload(alice.userId()));

        assertEquals("NOTHING_STALE", second.get("outcome").asText());
        assertEquals(
                "not active (status inactive): nothing to disable",
                second.get("skippedKeys").get(0).get("reason").asText());
        assertEquals(recordAfterFirst, harness.auditTags("alice"));
        assertEquals(1, recordAfterFirst.size());
        assertEquals("Inactive", harness.account.status(alice, stale));
        assertEquals(0, harness.writeCalls());
    }

    @Test
    void aUserWhoNoLongerExistsIsASuccessThatChangesNothing(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        emulator.resetCallCounts();

        JsonNode result = harness.invoke(RemediationHarness.disablePayload("AIDAGONEGONEGONE00001"));

        assertEquals("USER_NOT_FOUND", result.get("outcome").asText());
        assertTrue(result.get("userName").isNull());
        assertEquals(
                "IAM user AIDAGONEGONEGONE00001 no longer exists: nothing to do",
                result.get("message").asText());
        assertEquals(0, harness.writeCalls());
    }

    @Test
    void findsTheUserByPagingIamWhenConfigHasNoRecord(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyUsed(alice, 143);
        emulator.recordIamUsersInConfig(false);
        emulator.resetCallCounts();

        JsonNode result = harness.invoke(RemediationHarness.disablePayload(alice.userId()));

        assertEquals("DISABLED", result.get("outcome").asText());
        assertEquals("Inactive", harness.account.status(alice, stale));
        assertEquals(1, harness.calls("config:ListDiscoveredResources"));
        assertEquals(1, harness.calls("iam:ListUsers"));
    }

    @Test
    void logsOneStructuredLinePerDisabledKeyAndNoSecret(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyUsed(alice, 143);
        ObjectNode payload = RemediationHarness.disablePayload(alice.userId());

        harness.invoke(payload);

        List<String> lines = harness.logText()
                .lines()
                .filter(line -> line.contains("\"access key disabled\""))
                .toList();
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).contains("\"userName\":\"alice\""), lines.get(0));
        assertTrue(lines.get(0).contains("\"accessKeyId\":\"" + stale.accessKeyId() + "\""), lines.get(0));
        assertTrue(lines.get(0)
                .contains("\"automationExecutionId\":\""
                        + payload.get("automationExecutionId").asText() + "\""));
        assertFalse(harness.logText().contains(stale.secretAccessKey()), "the secret never reaches a log");
    }

    @Test
    void twoConcurrentRunsLeaveTheKeyDisabledAndEachRecordTrue(AwsEmulator emulator) throws Exception {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyUsed(alice, 143);
        SeededKey fresh = harness.account.keyUsed(alice, 1);
        ObjectNode first = RemediationHarness.disablePayload(alice.userId());
        ObjectNode second = RemediationHarness.disablePayload(alice.userId());

        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> harness.invoke(first));
            var b = pool.submit(() -> harness.invoke(second));
            a.get();
            b.get();
        } finally {
            pool.shutdown();
        }

        assertEquals("Inactive", harness.account.status(alice, stale));
        assertEquals("Active", harness.account.status(alice, fresh));
        Map<String, String> records = harness.auditTags("alice");
        assertTrue(records.size() >= 1 && records.size() <= 2, records.toString());
        records.values()
                .forEach(record -> assertTrue(record.startsWith("disabled=" + stale.accessKeyId() + " at="), record));
        JsonNode restored = harness.invoke(RemediationHarness.restorePayload("alice"));
        assertEquals(
                List.of(stale.accessKeyId()),
                ids(restored.get("restoredKeyIds")),
                "restored once, whoever recorded it");
        assertEquals("Active", harness.account.status(alice, stale));
    }

    static List<String> ids(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }
}
