package io.github.stalekeys.remediation;

import static io.github.stalekeys.remediation.StaleKeyRemediationTest.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.keychange.AuditRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;

@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class KeyRestorationTest {

    @Test
    void restoresEverythingTheRemediationDisabledAndNothingElse(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey used = harness.account.keyUsed(alice, 143);
        SeededKey neverUsed = harness.account.keyNeverUsed(alice, 200);
        harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        SeededUser bob = harness.account.user("bob");
        SeededKey bobsKey = harness.account.keyUsed(bob, 143);
        harness.invoke(RemediationHarness.disablePayload(bob.userId()));

        JsonNode result = harness.invoke(RemediationHarness.restorePayload("alice"));

        assertEquals(List.of(used.accessKeyId(), neverUsed.accessKeyId()), ids(result.get("restoredKeyIds")));
        assertEquals("Active", harness.account.status(alice, used));
        assertEquals("Active", harness.account.status(alice, neverUsed));
        assertEquals("Inactive", harness.account.status(bob, bobsKey), "another user's keys are untouched");
        JsonNode report = result.get("restoredKeys").get(0);
        assertEquals("Active", report.get("status").asText());
        assertEquals("s3", report.get("serviceName").asText());
        Instant lastUsed = Instant.parse(report.get("lastUsedDate").asText());
        assertTrue(Duration.between(lastUsed, Instant.now()).toDays() == 143, "last use reported: " + lastUsed);
        assertTrue(result.get("restoredKeys").get(1).get("lastUsedDate").isNull(), "never used");
        String record = harness.restorationRecords("alice").values().iterator().next();
        assertTrue(
                record.matches("restored=" + used.accessKeyId() + "@[^\\s/]+\\+30d/" + neverUsed.accessKeyId()
                        + "@[^\\s/]+\\+30d mac=.*"),
                record);
        assertEquals(1, harness.remediationRecords("alice").size(), "the remediation's record stays as it was written");
    }

    @Test
    void restoresOnlyTheKeysOfTheNamedExecution(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey first = harness.account.keyUsed(alice, 143);
        SeededKey second = harness.account.keyUsed(alice, 10);
        harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        String firstExecution = executionOf(harness, "alice", first);
        emulator.seedKeyActivity(
                second.accessKeyId(),
                Instant.now().minus(Duration.ofDays(400)),
                Instant.now().minus(Duration.ofDays(120))); // weeks later, the second key goes stale too
        harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        assertEquals("Inactive", harness.account.status(alice, second));

        JsonNode result = harness.invoke(
                RemediationHarness.restorePayload("alice").put("remediationExecutionId", firstExecution));

        assertEquals(List.of(first.accessKeyId()), ids(result.get("restoredKeyIds")));
        assertEquals("Active", harness.account.status(alice, first));
        assertEquals("Inactive", harness.account.status(alice, second));
    }

    @Test
    void restoresAnExplicitListOfKeys(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey one = harness.account.keyUsed(alice, 143);
        SeededKey two = harness.account.keyNeverUsed(alice, 300);
        harness.invoke(RemediationHarness.disablePayload(alice.userId()));

        JsonNode result =
                harness.invoke(RemediationHarness.restorePayload("alice").put("accessKeyIds", two.accessKeyId()));

        assertEquals(List.of(two.accessKeyId()), ids(result.get("restoredKeyIds")));
        assertEquals("Inactive", harness.account.status(alice, one));
        assertEquals("Active", harness.account.status(alice, two));
        String record = harness.restorationRecords("alice").values().iterator().next();
        assertTrue(record.matches("restored=" + two.accessKeyId() + "@[^\\s/]+\\+30d mac=.*"), record);
    }

    @Test
    void eachKeyOfARecordKeepsTheGraceOfItsOwnBackout(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey first = harness.account.keyUsed(alice, 143);
        SeededKey second = harness.account.keyNeverUsed(alice, 300);
        harness.invoke(RemediationHarness.disablePayload(alice.userId())); // one record holds both keys

        JsonNode spared =
                harness.invoke(RemediationHarness.restorePayload("alice").put("accessKeyIds", first.accessKeyId()));
        JsonNode noGrace = harness.invoke(RemediationHarness.restorePayload("alice")
                .put("accessKeyIds", second.accessKeyId())
                .put("graceDays", "0"));
        JsonNode nextRun = harness.invoke(RemediationHarness.disablePayload(alice.userId()));

        assertTrue(spared.hasNonNull("graceUntil"), spared.toString());
        assertTrue(noGrace.get("graceUntil").isNull(), noGrace.toString());
        assertEquals(List.of(second.accessKeyId()), ids(nextRun.get("disabledKeyIds")), nextRun.toString());
        assertEquals("Active", harness.account.status(alice, first), "the first backout's 30 days still run");
        assertEquals("Inactive", harness.account.status(alice, second));
        assertTrue(
                nextRun.get("skippedKeys").toString().contains(first.accessKeyId()),
                "the first key is reported left alone: " + nextRun);
        List<String> restorations =
                List.copyOf(harness.restorationRecords("alice").values());
        assertEquals(2, restorations.size(), "one per backout: " + restorations);
        assertTrue(
                restorations.stream()
                        .anyMatch(value ->
                                value.startsWith("restored=" + first.accessKeyId() + "@") && value.contains("+30d ")),
                restorations.toString());
        assertTrue(
                restorations.stream()
                        .anyMatch(value ->
                                value.startsWith("restored=" + second.accessKeyId() + "@") && value.contains("+0d ")),
                restorations.toString());
    }

    @Test
    void aRecordSealedInTheEarlierFormatKeepsItsGraceWhenItsOtherKeyIsRestored(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey restoredBefore = harness.account.keyUsed(alice, 143);
        SeededKey outstanding = harness.account.keyNeverUsed(alice, 300);
        harness.account.setStatus(alice, outstanding, software.amazon.awssdk.services.iam.model.StatusType.INACTIVE);
        // What the remediation and a backout of the earlier release left: one restore time and grace for the record.
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String tagKey = AuditRecord.TAG_PREFIX + UUID.randomUUID();
        String content = "disabled=" + restoredBefore.accessKeyId() + "/" + outstanding.accessKeyId() + " at="
                + now.minus(Duration.ofDays(3)) + " restored=" + restoredBefore.accessKeyId() + " restoredAt="
                + now.minus(Duration.ofDays(1)) + " graceUntil=" + now.plus(Duration.ofDays(29));
        String mac = Base64.getEncoder()
                .encodeToString(AwsClients.create(
                                Region.of(emulator.region()), emulator.credentials(), emulator.endpoint())
                        .kms()
                        .generateMac(request -> request.keyId(harness.auditKeyId)
                                .macAlgorithm("HMAC_SHA_256")
                                .message(SdkBytes.fromUtf8String("StaleKeyRemediation audit record v1\nuser="
                                        + alice.userId() + "\ntag=" + tagKey + "\n" + content)))
                        .mac()
                        .asByteArray());
        emulator.iamClient()
                .tagUser(tag -> tag.userName("alice").tags(t -> t.key(tagKey).value(content + " mac=" + mac)));

        JsonNode backout = harness.invoke(RemediationHarness.restorePayload("alice")
                .put("accessKeyIds", outstanding.accessKeyId())
                .put("graceDays", "0"));
        JsonNode nextRun = harness.invoke(RemediationHarness.disablePayload(alice.userId()));

        assertEquals(List.of(outstanding.accessKeyId()), ids(backout.get("restoredKeyIds")), backout.toString());
        assertEquals(List.of(outstanding.accessKeyId()), ids(nextRun.get("disabledKeyIds")), nextRun.toString());
        assertEquals("Active", harness.account.status(alice, restoredBefore), "its earlier grace still runs");
        assertEquals(content + " mac=" + mac, harness.auditTags("alice").get(tagKey), "never rewritten");
        assertEquals(
                List.of(tagKey + "/restored/"),
                harness.restorationRecords("alice").keySet().stream()
                        .map(key -> key.substring(0, key.indexOf("/restored/") + "/restored/".length()))
                        .toList());
        assertTrue(
                harness.restorationRecords("alice")
                        .values()
                        .iterator()
                        .next()
                        .startsWith("restored=" + outstanding.accessKeyId() + "@"),
                harness.restorationRecords("alice").toString());
    }

    @Test
    void refusesToReEnableAKeyNoRemediationDisabled(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey remediated = harness.account.keyUsed(alice, 143);
        SeededKey disabledByResponder = harness.account.keyUsed(alice, 1);
        harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        harness.account.setStatus(
                alice, disabledByResponder, software.amazon.awssdk.services.iam.model.StatusType.INACTIVE);
        emulator.resetCallCounts();

        io.github.stalekeys.policy.InvalidSettingException error = assertThrows(
                io.github.stalekeys.policy.InvalidSettingException.class,
                () -> harness.invoke(RemediationHarness.restorePayload("alice")
                        .put("accessKeyIds", remediated.accessKeyId() + "," + disabledByResponder.accessKeyId())));

        assertEquals("accessKeyIds", error.settingName());
        assertTrue(
                error.getMessage().contains(disabledByResponder.accessKeyId() + ", which no remediation disabled"),
                error.getMessage());
        assertEquals(0, harness.writeCalls());
        assertEquals("Inactive", harness.account.status(alice, remediated));
        assertEquals("Inactive", harness.account.status(alice, disabledByResponder));
    }

    @Test
    void aKeyRestoredOnceAndDisabledAgainByAResponderStaysDisabled(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey key = harness.account.keyUsed(alice, 143);
        harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        harness.invoke(RemediationHarness.restorePayload("alice"));
        harness.account.setStatus(alice, key, software.amazon.awssdk.services.iam.model.StatusType.INACTIVE);
        emulator.resetCallCounts();

        assertThrows(
                io.github.stalekeys.policy.InvalidSettingException.class,
                () -> harness.invoke(
                        RemediationHarness.restorePayload("alice").put("accessKeyIds", key.accessKeyId())));
        JsonNode everything = harness.invoke(RemediationHarness.restorePayload("alice"));

        assertEquals(List.of(), ids(everything.get("restoredKeyIds")));
        assertEquals("Inactive", harness.account.status(alice, key));
        assertEquals(0, harness.writeCalls());
    }

    @Test
    void anUnexpectedFailureAfterKeysWereReEnabledStillRecordsThem(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey key = harness.account.keyUsed(alice, 143);
        harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        // The read-back after re-enabling fails for good (every attempt an HTTP 500); the listing before passes.
        emulator.injectFaults(
                io.github.stalekeys.emulator.FaultPlan.of(1.0, 7, io.github.stalekeys.emulator.Fault.HTTP_500)
                        .onlyFor("iam:ListAccessKeys")
                        .afterCalls(1));

        RuntimeException error =
                assertThrows(RuntimeException.class, () -> harness.invoke(RemediationHarness.restorePayload("alice")));
        emulator.clearFaults();

        assertTrue(error.getMessage().contains("500"), error.getMessage());
        assertEquals("Active", harness.account.status(alice, key));
        String record = harness.restorationRecords("alice").values().iterator().next();
        assertTrue(
                record.startsWith("restored=" + key.accessKeyId() + "@"),
                "the record says it is Active again: " + record);
    }

    @Test
    void aKeyDeletedMeanwhileIsReportedAndTheOthersAreStillRestored(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey deleted = harness.account.keyUsed(alice, 143);
        SeededKey kept = harness.account.keyNeverUsed(alice, 300);
        harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        emulator.iamClient()
                .deleteAccessKey(request -> request.userName("alice").accessKeyId(deleted.accessKeyId()));

        RestoreIncompleteException error = assertThrows(
                RestoreIncompleteException.class, () -> harness.invoke(RemediationHarness.restorePayload("alice")));

        assertTrue(error.getMessage().contains("Restored " + kept.accessKeyId() + " of alice"), error.getMessage());
        assertTrue(
                error.getMessage().contains("could not restore: " + deleted.accessKeyId() + " does not exist"),
                error.getMessage());
        assertEquals("Active", harness.account.status(alice, kept));
        String record = harness.restorationRecords("alice").values().iterator().next();
        assertTrue(
                record.matches("restored=" + kept.accessKeyId() + "@[^\\s/]+\\+30d mac=.*"),
                "the record names only what was restored: " + record);
    }

    @Test
    void aSecondBackoutHasNothingLeftToRestore(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        harness.account.keyUsed(alice, 143);
        harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        harness.invoke(RemediationHarness.restorePayload("alice"));
        Map<String, String> record = harness.auditTags("alice");
        emulator.resetCallCounts();

        JsonNode again = harness.invoke(RemediationHarness.restorePayload("alice"));

        assertEquals(List.of(), ids(again.get("restoredKeyIds")));
        assertEquals(
                "Nothing to restore: no key of alice is awaiting a backout",
                again.get("message").asText());
        assertEquals(record, harness.auditTags("alice"));
        assertEquals(0, harness.writeCalls());
    }

    private static String executionOf(RemediationHarness harness, String userName, SeededKey key) {
        return harness.remediationRecords(userName).entrySet().stream()
                .filter(tag -> tag.getValue().contains(key.accessKeyId()))
                .map(tag -> tag.getKey().substring(AuditRecord.TAG_PREFIX.length()))
                .findFirst()
                .orElseThrow();
    }
}
