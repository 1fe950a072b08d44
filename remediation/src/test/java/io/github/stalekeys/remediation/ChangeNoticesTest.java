package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.EventCapture;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.events.KeyEvent;
import io.github.stalekeys.policy.InvalidSettingException;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The remediation and the backout announce each key they change on the default event bus. */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class ChangeNoticesTest {

    @Test
    void eachDisabledKeyAndEachRestoredKeyIsAnnouncedWithTheExecutionId(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        EventCapture capture = EventCapture.of(emulator, KeyEvent.SOURCE);
        SeededUser user = harness.account.user("pipeline");
        SeededKey stale = harness.account.keyUsed(user, 143);
        harness.account.keyUsed(user, 2);
        ObjectNode disable = RemediationHarness.disablePayload(user.userId());

        harness.invoke(disable);

        List<JsonNode> disabled = capture.events();
        assertEquals(1, disabled.size(), "only the stale key: " + disabled);
        assertEquals(KeyEvent.DISABLED, disabled.get(0).path("detail-type").asText());
        JsonNode detail = disabled.get(0).path("detail");
        assertEquals(stale.accessKeyId(), detail.path("accessKeyId").asText());
        assertEquals("pipeline", detail.path("userName").asText());
        assertEquals(user.userId(), detail.path("userId").asText());
        assertEquals(
                disable.path("automationExecutionId").asText(),
                detail.path("automationExecutionId").asText());
        assertEquals(false, detail.path("dryRun").asBoolean());
        assertTrue(detail.path("message").asText().contains("was disabled"), detail.toString());
        assertSameFields("key-disabled.json", disabled.get(0));

        ObjectNode restore = RemediationHarness.restorePayload("pipeline");
        JsonNode answer = harness.invoke(restore);

        List<JsonNode> restored = capture.events();
        assertEquals(1, restored.size());
        assertEquals(KeyEvent.RESTORED, restored.get(0).path("detail-type").asText());
        assertEquals(
                stale.accessKeyId(),
                restored.get(0).path("detail").path("accessKeyId").asText());
        assertEquals(
                restore.path("automationExecutionId").asText(),
                restored.get(0).path("detail").path("automationExecutionId").asText());
        String graceUntil = answer.path("graceUntil").asText();
        assertEquals(
                graceUntil, restored.get(0).path("detail").path("graceUntil").asText());
        assertTrue(
                restored.get(0).path("detail").path("message").asText().contains("before " + graceUntil),
                restored.get(0).toString());
        assertSameFields("key-restored.json", restored.get(0));
    }

    @Test
    void aRestoredKeyWithoutGraceIsAnnouncedSo(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        EventCapture capture = EventCapture.of(emulator, KeyEvent.SOURCE);
        SeededUser user = harness.account.user("pipeline");
        harness.account.keyUsed(user, 143);
        harness.invoke(RemediationHarness.disablePayload(user.userId()));
        capture.events();

        harness.invoke(RemediationHarness.restorePayload("pipeline").put("graceDays", "0"));

        List<JsonNode> restored = capture.events();
        assertEquals(1, restored.size(), restored.toString());
        JsonNode detail = restored.get(0).path("detail");
        assertTrue(detail.has("graceUntil") && detail.path("graceUntil").isNull(), detail.toString());
        assertTrue(detail.path("message").asText().contains("It has no grace"), detail.toString());
    }

    @Test
    void disableAndRestoreNoticesNameTheOwnerByTheRulesOwnerTag(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(
                emulator,
                new RemediationHarness.Deployed("{\"maxAccessKeyAgeDays\":\"90\",\"ownerTagKey\":\"Owner\"}"));
        EventCapture capture = EventCapture.of(emulator, KeyEvent.SOURCE);
        SeededUser owned = harness.account.user("pipeline");
        harness.account.keyUsed(owned, 143);
        emulator.iamClient()
                .tagUser(
                        tag -> tag.userName("pipeline").tags(t -> t.key("owner").value("ops@example.com")));
        SeededUser unowned = harness.account.user("batch");
        harness.account.keyUsed(unowned, 143);

        JsonNode disabled = harness.invoke(RemediationHarness.disablePayload(owned.userId()));
        harness.invoke(RemediationHarness.disablePayload(unowned.userId()));
        List<JsonNode> disableNotices = capture.events();
        harness.invoke(RemediationHarness.restorePayload("pipeline"));
        List<JsonNode> restoreNotices = capture.events();

        assertEquals("ops@example.com", disabled.get("owner").asText());
        assertEquals(2, disableNotices.size(), disableNotices.toString());
        JsonNode ownedNotice = disableNotices.stream()
                .map(event -> event.path("detail"))
                .filter(detail -> detail.path("userName").asText().equals("pipeline"))
                .findFirst()
                .orElseThrow();
        assertEquals("ops@example.com", ownedNotice.path("owner").asText());
        assertEquals("TAGGED", ownedNotice.path("ownerStatus").asText());
        assertTrue(ownedNotice.path("message").asText().endsWith("Owner: ops@example.com."), ownedNotice.toString());
        JsonNode unownedNotice = disableNotices.stream()
                .map(event -> event.path("detail"))
                .filter(detail -> detail.path("userName").asText().equals("batch"))
                .findFirst()
                .orElseThrow();
        assertTrue(unownedNotice.path("owner").isNull(), unownedNotice.toString());
        assertEquals("TAG_ABSENT", unownedNotice.path("ownerStatus").asText());
        assertEquals(1, restoreNotices.size(), restoreNotices.toString());
        assertEquals(
                "ops@example.com",
                restoreNotices.get(0).path("detail").path("owner").asText());
        assertEquals(
                "TAGGED",
                restoreNotices.get(0).path("detail").path("ownerStatus").asText());
    }

    @Test
    void aBackoutThatFailsPartWayStillAnnouncesTheKeysItRestored(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        EventCapture capture = EventCapture.of(emulator, KeyEvent.SOURCE);
        SeededUser user = harness.account.user("pipeline");
        SeededKey deleted = harness.account.keyUsed(user, 143);
        SeededKey kept = harness.account.keyNeverUsed(user, 300);
        harness.invoke(RemediationHarness.disablePayload(user.userId()));
        capture.events();
        emulator.iamClient()
                .deleteAccessKey(request -> request.userName("pipeline").accessKeyId(deleted.accessKeyId()));

        RestoreIncompleteException error = assertThrows(
                RestoreIncompleteException.class, () -> harness.invoke(RemediationHarness.restorePayload("pipeline")));

        assertTrue(error.getMessage().contains(deleted.accessKeyId() + " does not exist"), error.getMessage());
        List<JsonNode> restored = capture.events();
        assertEquals(1, restored.size(), restored.toString());
        assertEquals(
                kept.accessKeyId(),
                restored.get(0).path("detail").path("accessKeyId").asText());
        assertEquals(KeyEvent.RESTORED, restored.get(0).path("detail-type").asText());
    }

    /** The documented sample in events/ has exactly the fields the function sends. */
    private static void assertSameFields(String sampleFile, JsonNode event) {
        try {
            JsonNode sample = RemediationHarness.JSON.readTree(
                    java.nio.file.Files.readString(java.nio.file.Path.of("..", "events", sampleFile)));
            assertEquals(
                    sample.path("detail-type").asText(),
                    event.path("detail-type").asText());
            java.util.Set<String> expected = new java.util.TreeSet<>();
            sample.path("detail").fieldNames().forEachRemaining(expected::add);
            java.util.Set<String> actual = new java.util.TreeSet<>();
            event.path("detail").fieldNames().forEachRemaining(actual::add);
            assertEquals(expected, actual);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aDryRunAnnouncesEachKeyItWouldDisableMarkedSo(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        EventCapture capture = EventCapture.of(emulator, KeyEvent.SOURCE);
        SeededUser user = harness.account.user("dry");
        SeededKey stale = harness.account.keyNeverUsed(user, 200);

        harness.invoke(RemediationHarness.disablePayload(user.userId()).put("dryRun", "true"));

        List<JsonNode> events = capture.events();
        assertEquals(1, events.size());
        assertEquals(KeyEvent.DISABLE_DRY_RUN, events.get(0).path("detail-type").asText());
        JsonNode detail = events.get(0).path("detail");
        assertEquals(stale.accessKeyId(), detail.path("accessKeyId").asText());
        assertTrue(detail.path("dryRun").asBoolean());
        assertTrue(detail.path("neverUsed").asBoolean());
        assertTrue(detail.path("message").asText().startsWith("Dry run: "), detail.toString());
        assertEquals("Active", harness.account.status(user, stale));
    }

    @Test
    void nothingChangedNothingAnnounced(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        EventCapture capture = EventCapture.of(emulator, KeyEvent.SOURCE);
        SeededUser user = harness.account.user("fresh");
        harness.account.keyUsed(user, 5);

        harness.invoke(RemediationHarness.disablePayload(user.userId()));
        harness.invoke(RemediationHarness.restorePayload("fresh"));

        assertEquals(List.of(), capture.events());
        assertEquals(0, harness.calls("events:PutEvents"));
    }

    @Test
    void neverUsedKeysAreDisabledByTheirOwnLimit(AwsEmulator emulator) {
        // Deployed no laxer than the request (the deployed limits are a floor), so the request's limits apply.
        RemediationHarness harness = new RemediationHarness(emulator, RemediationHarness.deployed(30, "", ""));
        SeededUser user = harness.account.user("setup-leftover");
        SeededKey neverUsed = harness.account.keyNeverUsed(user, 40);
        SeededKey used = harness.account.keyUsed(user, 40);

        JsonNode result = harness.invoke(RemediationHarness.disablePayload(user.userId())
                .put("maxAccessKeyAgeDays", "90")
                .put("maxNeverUsedKeyAgeDays", "30"));

        assertEquals("DISABLED", result.path("outcome").asText());
        assertEquals("Inactive", harness.account.status(user, neverUsed));
        assertEquals("Active", harness.account.status(user, used));
    }

    @Test
    void anEmptyNeverUsedLimitMeansTheSameLimitAndABadOneChangesNothing(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser user = harness.account.user("setup-leftover");
        SeededKey neverUsed = harness.account.keyNeverUsed(user, 40);

        JsonNode result =
                harness.invoke(RemediationHarness.disablePayload(user.userId()).put("maxNeverUsedKeyAgeDays", ""));
        assertEquals("NOTHING_STALE", result.path("outcome").asText());

        emulator.resetCallCounts();
        for (String bad : new String[] {"0", "3651", "thirty", "-5"}) {
            InvalidSettingException error = assertThrows(
                    InvalidSettingException.class,
                    () -> harness.invoke(
                            RemediationHarness.disablePayload(user.userId()).put("maxNeverUsedKeyAgeDays", bad)));
            assertEquals("maxNeverUsedKeyAgeDays", error.settingName());
        }
        assertEquals(0, harness.writeCalls());
        assertEquals("Active", harness.account.status(user, neverUsed));
    }
}
