package io.github.stalekeys.remediation;

import static io.github.stalekeys.remediation.StaleKeyRemediationTest.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.keychange.AuditRecord;
import io.github.stalekeys.policy.InvalidSettingException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * The README's safety promises against a hostile tagger (anyone with {@code iam:TagUser} on a user), a caller
 * who invokes the function directly, and a careless operator.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class SafetyPromisesTest {

    @Test
    void aForgedAuditTagNeverReEnablesAKeyAResponderDisabled(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey key = harness.account.keyUsed(alice, 1);
        harness.account.setStatus(alice, key, StatusType.INACTIVE); // a responder, on purpose
        emulator.iamClient()
                .tagUser(tag -> tag.userName("alice")
                        .tags(t -> t.key(AuditRecord.TAG_PREFIX + UUID.randomUUID())
                                .value("disabled=" + key.accessKeyId() + " at=2020-01-01T00:00:00Z")));

        JsonNode everything = harness.invoke(RemediationHarness.restorePayload("alice"));
        InvalidSettingException named = assertThrows(
                InvalidSettingException.class,
                () -> harness.invoke(
                        RemediationHarness.restorePayload("alice").put("accessKeyIds", key.accessKeyId())));

        assertEquals(List.of(), ids(everything.get("restoredKeyIds")));
        assertEquals("accessKeyIds", named.settingName());
        assertEquals("Inactive", harness.account.status(alice, key));
        assertTrue(
                everything.get("message").asText().contains("not written by the remediation"), everything.toString());
    }

    @Test
    void aKeyUsedAfterItsRecordAndDisabledByAResponderStaysDisabled(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey key = harness.account.keyUsed(alice, 143);
        harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        harness.account.setStatus(alice, key, StatusType.ACTIVE); // the owner, in the console
        emulator.seedKeyActivity(
                key.accessKeyId(),
                Instant.now().minus(Duration.ofDays(600)),
                Instant.now().plusSeconds(5));
        harness.account.setStatus(alice, key, StatusType.INACTIVE); // then a responder, on purpose
        emulator.resetCallCounts();

        JsonNode result = harness.invoke(RemediationHarness.restorePayload("alice"));

        assertEquals(List.of(), ids(result.get("restoredKeyIds")));
        assertEquals("Inactive", harness.account.status(alice, key));
        assertTrue(result.get("message").asText().contains(key.accessKeyId() + " was used after"), result.toString());
        assertEquals(0, harness.calls("iam:UpdateAccessKey"));
    }

    @Test
    void aThresholdBelowTheDeployedOneIsRaisedToIt(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator); // deployed at 90 days
        SeededUser alice = harness.account.user("alice");
        SeededKey usedTwoDaysAgo = harness.account.keyUsed(alice, 2);

        JsonNode result =
                harness.invoke(RemediationHarness.disablePayload(alice.userId()).put("maxAccessKeyAgeDays", "1"));

        assertEquals("NOTHING_STALE", result.get("outcome").asText());
        assertEquals("Active", harness.account.status(alice, usedTwoDaysAgo));
    }

    @Test
    void theDeployedExemptionsHoldWhateverThePayloadSays(AwsEmulator emulator) {
        RemediationHarness harness =
                new RemediationHarness(emulator, RemediationHarness.deployed(90, "breakglass", "KeyRotationExempt"));
        SeededUser breakGlass = harness.account.user("breakglass");
        SeededKey breakGlassKey = harness.account.keyUsed(breakGlass, 400);
        SeededUser tagged = harness.account.userTagged("ops", "KeyRotationExempt", "INC-1234");
        SeededKey taggedKey = harness.account.keyUsed(tagged, 400);

        JsonNode listed = harness.invoke(RemediationHarness.disablePayload(breakGlass.userId()));
        JsonNode byTag = harness.invoke(RemediationHarness.disablePayload(tagged.userId()));

        assertEquals("EXEMPT", listed.get("outcome").asText());
        assertEquals("EXEMPT", byTag.get("outcome").asText());
        assertEquals("Active", harness.account.status(breakGlass, breakGlassKey));
        assertEquals("Active", harness.account.status(tagged, taggedKey));
    }

    @Test
    void aManualRunWithTheRunbookDefaultCannotUndercutADeploymentAt180Days(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator, RemediationHarness.deployed(180, "", ""));
        SeededUser alice = harness.account.user("alice");
        SeededKey key = harness.account.keyUsed(alice, 143);

        JsonNode result = harness.invoke(RemediationHarness.disablePayload(alice.userId()));

        assertEquals("NOTHING_STALE", result.get("outcome").asText());
        assertTrue(result.get("message").asText().contains("180 days"), result.toString());
        assertEquals("Active", harness.account.status(alice, key));
    }

    @Test
    void anUnreadableAuditTagIsSkippedAndReportedWithoutItsValue(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey key = harness.account.keyUsed(alice, 143);
        harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        String junk = "x".repeat(250);
        emulator.iamClient()
                .tagUser(tag -> tag.userName("alice")
                        .tags(t -> t.key(AuditRecord.TAG_PREFIX + "junk").value(junk)));

        JsonNode result = harness.invoke(RemediationHarness.restorePayload("alice"));

        assertEquals(List.of(key.accessKeyId()), ids(result.get("restoredKeyIds")));
        String message = result.get("message").asText();
        assertTrue(message.contains(AuditRecord.TAG_PREFIX + "junk"), message);
        assertFalse(message.contains("xxxxxxxx"), message);
        assertFalse(harness.logText().contains("xxxxxxxx"), "the value is not logged either");
    }

    @Test
    void aReusedExecutionIdCannotMakeARestoredKeyOutstandingAgain(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey key = harness.account.keyUsed(alice, 143);
        var disable = RemediationHarness.disablePayload(alice.userId());
        harness.invoke(disable);
        harness.invoke(RemediationHarness.restorePayload("alice").put("graceDays", "0"));
        Map<String, String> before = harness.auditTags("alice");
        harness.account.setStatus(alice, key, StatusType.INACTIVE); // a responder, on purpose

        InvalidSettingException reused = assertThrows(InvalidSettingException.class, () -> harness.invoke(disable));
        JsonNode restoreAll = harness.invoke(RemediationHarness.restorePayload("alice"));

        assertEquals("automationExecutionId", reused.settingName());
        assertEquals(before, harness.auditTags("alice"), "the record keeps its restored mark");
        assertEquals(List.of(), ids(restoreAll.get("restoredKeyIds")));
        assertEquals("Inactive", harness.account.status(alice, key));
    }

    @Test
    void errorsEchoAShortEscapedExcerptOfWhatTheyWereGiven(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);

        InvalidSettingException longId = assertThrows(
                InvalidSettingException.class,
                () -> harness.invoke(RemediationHarness.disablePayload("AIDA").put("userId", "A".repeat(200_000))));
        InvalidSettingException newline = assertThrows(
                InvalidSettingException.class,
                () -> harness.invoke(RemediationHarness.restorePayload("alice").put("userName", "alice\nINFO forged")));

        assertEquals("userId", longId.settingName());
        assertTrue(
                longId.getMessage().length() < 300,
                "message of " + longId.getMessage().length() + " characters");
        assertTrue(longId.getMessage().contains("200000 characters"), longId.getMessage());
        assertFalse(newline.getMessage().contains("\n"), newline.getMessage());
        assertTrue(newline.getMessage().contains("alice\\nINFO forged"), newline.getMessage());
    }

    @Test
    void aPayloadWithAFieldTwiceIsRefused(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey key = harness.account.keyUsed(alice, 143);
        String payload = RemediationHarness.disablePayload(alice.userId())
                .put("dryRun", "true")
                .toString()
                .replace("\"dryRun\":\"true\"", "\"dryRun\":\"true\",\"dryRun\":\"false\"");

        InvalidSettingException error = assertThrows(InvalidSettingException.class, () -> harness.invoke(payload));

        assertEquals("payload", error.settingName());
        assertTrue(error.getMessage().contains("dryRun"), error.getMessage());
        assertEquals("Active", harness.account.status(alice, key));
    }

    @Test
    void auditTagsDoNotPileUpUntilIamsQuotaBlocksTheRemediation(AwsEmulator emulator) {
        // Remediations hours apart (a record younger than AuditLedger.IN_FLIGHT may belong to a run still going on).
        MovableClock clock = new MovableClock(Instant.now());
        RemediationHarness harness = new RemediationHarness(emulator, RemediationHarness.deployed(90, "", ""), clock);
        SeededUser alice = harness.account.user("alice");
        for (int tag = 0; tag < 45; tag++) {
            String key = "org-tag-" + tag;
            emulator.iamClient()
                    .tagUser(t -> t.userName("alice").tags(x -> x.key(key).value("v")));
        }
        SeededKey key = harness.account.keyUsed(alice, 143);

        for (int cycle = 1; cycle <= 6; cycle++) {
            emulator.seedKeyActivity(
                    key.accessKeyId(),
                    Instant.now().minus(Duration.ofDays(600)),
                    Instant.now().minus(Duration.ofDays(143)));
            JsonNode disabled = harness.invoke(RemediationHarness.disablePayload(alice.userId()));
            assertEquals("DISABLED", disabled.get("outcome").asText(), "cycle " + cycle);
            harness.invoke(RemediationHarness.restorePayload("alice").put("graceDays", "0"));
            clock.advance(Duration.ofHours(2));
        }

        assertEquals("Active", harness.account.status(alice, key));
        assertTrue(
                harness.auditTags("alice").size() <= 2,
                "records left (the last remediation's and its backout's): "
                        + harness.auditTags("alice").keySet());
    }

    @Test
    void atIamsTagQuotaTheKeysAreStillDisabledAndTheSignedRecordIsHandedBack(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        for (int tag = 0; tag < 50; tag++) {
            String key = "org-tag-" + tag;
            emulator.iamClient()
                    .tagUser(t -> t.userName("alice").tags(x -> x.key(key).value("v")));
        }
        SeededKey key = harness.account.keyUsed(alice, 143);
        var payload = RemediationHarness.disablePayload(alice.userId());

        AuditRecordNotStoredException error =
                assertThrows(AuditRecordNotStoredException.class, () -> harness.invoke(payload));

        assertEquals("Inactive", harness.account.status(alice, key));
        String tagKey =
                AuditRecord.TAG_PREFIX + payload.get("automationExecutionId").asText();
        assertTrue(error.getMessage().contains(tagKey), error.getMessage());
        assertTrue(harness.logText().contains("audit record not stored"), harness.logText());
        // Once a tag is freed, the record from the error is accepted by the backout as the remediation's own; the
        // backout needs one more free tag for its own record of the grace, and says so, changing nothing, until it has.
        emulator.iamClient().untagUser(t -> t.userName("alice").tagKeys("org-tag-0"));
        emulator.iamClient()
                .tagUser(t -> t.userName("alice").tags(x -> x.key(tagKey).value(error.tagValue())));
        IllegalStateException atQuota = assertThrows(
                IllegalStateException.class, () -> harness.invoke(RemediationHarness.restorePayload("alice")));
        assertTrue(atQuota.getMessage().contains("free a tag, then run the backout again"), atQuota.getMessage());
        assertEquals("Inactive", harness.account.status(alice, key));
        emulator.iamClient().untagUser(t -> t.userName("alice").tagKeys("org-tag-1"));
        JsonNode restored = harness.invoke(RemediationHarness.restorePayload("alice"));
        assertEquals(List.of(key.accessKeyId()), ids(restored.get("restoredKeyIds")));
    }

    @Test
    void aGenuineRecordCopiedToAnotherUserOrAnotherExecutionOrWithAMadeUpSealRestoresNothing(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser bob = harness.account.user("bob");
        harness.account.keyUsed(bob, 143);
        harness.invoke(RemediationHarness.disablePayload(bob.userId()));
        Map.Entry<String, String> bobsRecord =
                harness.auditTags("bob").entrySet().iterator().next();
        SeededUser alice = harness.account.user("alice");
        SeededKey key = harness.account.keyUsed(alice, 1);
        harness.account.setStatus(alice, key, StatusType.INACTIVE); // a responder, on purpose
        String aliceValue = bobsRecord.getValue().replaceAll("disabled=\\S+", "disabled=" + key.accessKeyId());
        String madeUp =
                "disabled=" + key.accessKeyId() + " at=2026-01-01T00:00:00Z mac=" + "Zm9yZ2Vk".repeat(5) + "Zm8=";
        emulator.iamClient()
                .tagUser(tag -> tag.userName("alice")
                        .tags(
                                t -> t.key(bobsRecord.getKey()).value(bobsRecord.getValue()), // bob's, as it is
                                t -> t.key(AuditRecord.TAG_PREFIX + UUID.randomUUID())
                                        .value(bobsRecord.getValue()),
                                t -> t.key(AuditRecord.TAG_PREFIX + UUID.randomUUID())
                                        .value(aliceValue),
                                t -> t.key(AuditRecord.TAG_PREFIX + UUID.randomUUID())
                                        .value(madeUp)));

        JsonNode result = harness.invoke(RemediationHarness.restorePayload("alice"));

        assertEquals(List.of(), ids(result.get("restoredKeyIds")));
        assertEquals("Inactive", harness.account.status(alice, key));
        assertEquals(4, result.get("message").asText().split("ignored audit tag").length - 1, result.toString());
        assertTrue(result.get("message").asText().contains("its seal does not verify"), result.toString());
    }
}
