package io.github.stalekeys.remediation;

import static io.github.stalekeys.remediation.InMemoryRemediation.disable;
import static io.github.stalekeys.remediation.InMemoryRemediation.ids;
import static io.github.stalekeys.remediation.InMemoryRemediation.neverUsed;
import static io.github.stalekeys.remediation.InMemoryRemediation.restore;
import static io.github.stalekeys.remediation.InMemoryRemediation.used;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.policy.InvalidSettingException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.model.ServiceFailureException;

/** The backout's read, plan and apply, in memory. */
class BackoutInMemoryTest {

    private static final String ALICE = "AIDAALICE00000000001";
    private static final String USED = "AKIAUSEDUSEDUSEDUSE1";
    private static final String NEVER = "AKIANEVERNEVERNEVER1";

    private final InMemoryRemediation fn =
            new InMemoryRemediation("{\"maxAccessKeyAgeDays\":\"90\",\"ownerTagKey\":\"Owner\"}");

    private String remediated(InMemoryAws.Key... keys) {
        fn.aws.user("alice", ALICE, Map.of("Owner", "ops@example.com"), keys);
        ObjectNode payload = disable(ALICE);
        JsonNode disabled = fn.invoke(payload);
        assertEquals(keys.length, ids(disabled.get("disabledKeyIds")).size(), disabled.toString());
        return payload.get("automationExecutionId").asText();
    }

    @Test
    void restoresWhatTheRemediationDisabledWithItsGraceOnRecordBeforeAnyKeyIsActive() {
        String remediation = remediated(used(USED, 143), neverUsed(NEVER, 300));
        boolean[] graceFirst = {false};
        fn.aws.before(InMemoryAws.once(
                "iam:UpdateAccessKey",
                op -> graceFirst[0] = !fn.restorations("alice").isEmpty()));
        ObjectNode payload = restore("alice");

        JsonNode result = fn.invoke(payload);

        assertTrue(graceFirst[0], "the grace is on record before the first key is Active again");
        assertTrue(fn.logText().contains("\"message\":\"access key restored\""), fn.logText());
        assertTrue(fn.logText().contains("\"message\":\"restoration recorded\""), fn.logText());
        assertEquals(List.of(USED, NEVER), ids(result.get("restoredKeyIds")));
        assertEquals("2027-01-03T12:00:00Z", result.get("graceUntil").asText());
        assertEquals(
                "Restored " + USED + ", " + NEVER + " of alice; not reported or disabled for disuse before"
                        + " 2027-01-03T12:00:00Z unless used",
                result.get("message").asText());
        JsonNode first = result.get("restoredKeys").get(0);
        assertEquals("Active", first.get("status").asText());
        assertEquals(
                InMemoryRemediation.daysAgo(143).toString(),
                first.get("lastUsedDate").asText());
        assertEquals("s3", first.get("serviceName").asText());
        assertEquals("us-east-1", first.get("region").asText());
        assertTrue(result.get("restoredKeys").get(1).get("lastUsedDate").isNull());
        assertEquals("Active", fn.aws.status("alice", USED));
        assertEquals("Active", fn.aws.status("alice", NEVER));
        assertEquals(
                Map.of(
                        "StaleKeyRemediation:" + remediation + "/restored/"
                                + payload.get("automationExecutionId").asText(),
                        "restored=" + USED + "@2026-12-04T12:00:00Z+30d/" + NEVER + "@2026-12-04T12:00:00Z+30d"),
                withoutSeal(fn.restorations("alice")));
        assertEquals("ops@example.com", result.get("owner").asText());
        List<JsonNode> notices = fn.notices().stream()
                .filter(notice -> notice.get("detail-type").asText().equals("Access Key Restored"))
                .toList();
        assertEquals(2, notices.size());
        assertEquals("ops@example.com", notices.get(0).get("owner").asText());
        assertEquals("2027-01-03T12:00:00Z", notices.get(0).get("graceUntil").asText());
        assertTrue(
                notices.get(0)
                        .get("message")
                        .asText()
                        .endsWith("after that, unused, it may be disabled again. Owner: ops@example.com."),
                notices.get(0).toString());
        assertEquals(
                "Nothing to restore: no key of alice is awaiting a backout",
                fn.invoke(restore("alice")).get("message").asText(),
                "a second backout has nothing left");
    }

    @Test
    void withoutGraceTheRecordSaysSoAndTheNextRemediationMayDisableAgain() {
        remediated(used(USED, 143));

        JsonNode result = fn.invoke(restore("alice").put("graceDays", "0"));

        assertTrue(result.get("graceUntil").isNull());
        assertTrue(result.get("message").asText().endsWith("; no grace"), result.toString());
        assertTrue(fn.restorations("alice")
                .values()
                .iterator()
                .next()
                .startsWith("restored=" + USED + "@2026-12-04T12:00:00Z+0d mac="));
        assertTrue(
                fn.notices().get(1).get("message").asText().contains("It has no grace"),
                fn.notices().toString());
        assertEquals(List.of(USED), ids(fn.invoke(disable(ALICE)).get("disabledKeyIds")));
    }

    @Test
    void restoresByExecutionOrByKeyAndRefusesWhatNoRemediationDisabled() {
        String first = remediated(used(USED, 143));
        InvalidSettingException unknownExecution = assertThrows(
                InvalidSettingException.class,
                () -> fn.invoke(
                        restore("alice").put("remediationExecutionId", "99999999-9999-4999-8999-999999999999")));
        InvalidSettingException unrecorded = assertThrows(
                InvalidSettingException.class,
                () -> fn.invoke(restore("alice").put("accessKeyIds", "AKIAOTHEROTHEROTHER1")));
        assertEquals("remediationExecutionId", unknownExecution.settingName());
        assertEquals("accessKeyIds", unrecorded.settingName());
        assertEquals(2, fn.aws.writes(), "only the remediation's record and key change: the refusals wrote nothing");

        JsonNode byExecution = fn.invoke(restore("alice").put("remediationExecutionId", first));
        assertEquals(List.of(USED), ids(byExecution.get("restoredKeyIds")));
    }

    @Test
    void keysActiveAgainOrUsedSinceAreLeftAsTheyAre() {
        remediated(used(USED, 143), neverUsed(NEVER, 300));
        fn.aws.setStatus("alice", USED, "Active");
        fn.aws.user("bob", "AIDABOB0000000000001", Map.of());

        JsonNode result = fn.invoke(restore("alice"));

        assertEquals(List.of(NEVER), ids(result.get("restoredKeyIds")));
        assertEquals(
                USED + " is active already: re-enabled since the remediation disabled it; left as it is",
                result.get("keptKeys").get(0).get("accessKeyId").asText() + " "
                        + result.get("keptKeys").get(0).get("reason").asText());
        assertTrue(fn.logText().contains("access key left as it is"), fn.logText());
        assertTrue(
                result.get("message").asText().contains("; " + USED + " is active already: re-enabled since"),
                result.toString());
        InvalidSettingException nobody = assertThrows(InvalidSettingException.class, () -> fn.invoke(restore("carol")));
        assertEquals("userName 'carol' names no existing IAM user", nobody.getMessage());
    }

    @Test
    void aKeyDeletedSinceFailsTheBackoutButTheOthersAreRestoredAndAnnounced() {
        remediated(used(USED, 143), neverUsed(NEVER, 300));
        fn.aws.deleteKey("alice", USED);

        RestoreIncompleteException error =
                assertThrows(RestoreIncompleteException.class, () -> fn.invoke(restore("alice")));

        assertTrue(error.getMessage().startsWith("Restored " + NEVER + " of alice"), error.getMessage());
        assertTrue(
                error.getMessage()
                        .endsWith("could not restore: " + USED
                                + " does not exist (deleted since it was disabled, or not a key of alice)"),
                error.getMessage());
        assertEquals(List.of(NEVER), error.partial().restoredKeyIds());
        assertEquals(
                1,
                fn.notices().stream()
                        .filter(n -> n.get("detail-type").asText().equals("Access Key Restored"))
                        .count());
    }

    @Test
    void aKeyThatCannotBeSetActiveStaysOutstandingAndTheRecordSaysOnlyWhatWasRestored() {
        remediated(used(USED, 143), neverUsed(NEVER, 300));
        fn.aws.before(InMemoryAws.nth("iam:UpdateAccessKey", 2, op -> {
            throw ServiceFailureException.builder().message("boom").build();
        }));

        RestoreIncompleteException error =
                assertThrows(RestoreIncompleteException.class, () -> fn.invoke(restore("alice")));

        assertInstanceOf(ServiceFailureException.class, error.getCause());
        assertTrue(
                error.getMessage().contains(NEVER + " could not be set Active (ServiceFailureException)"),
                error.getMessage());
        assertEquals("Active", fn.aws.status("alice", USED));
        assertEquals("Inactive", fn.aws.status("alice", NEVER));
        assertTrue(
                fn.restorations("alice")
                        .values()
                        .iterator()
                        .next()
                        .matches("restored=" + USED + "@\\S+\\+30d mac=\\S+"),
                fn.restorations("alice").toString());
        JsonNode again = fn.invoke(restore("alice"));
        assertEquals(List.of(NEVER), ids(again.get("restoredKeyIds")), "still restorable");
    }

    @Test
    void aKeyThatReadsBackInactiveRightAfterTheRestoreKeepsItsGrace() {
        // IAM is eventually consistent: a read right after the change may not show it yet. IAM accepted the
        // change, so the key is most likely Active: it must not be left without its grace.
        remediated(used(USED, 143));
        fn.aws.before(InMemoryAws.nth("iam:ListAccessKeys", 2, op -> fn.aws.setStatus("alice", USED, "Inactive")));

        RestoreIncompleteException error =
                assertThrows(RestoreIncompleteException.class, () -> fn.invoke(restore("alice")));

        assertTrue(
                error.getMessage().contains(USED + " reads back INACTIVE right after the restore, not Active"),
                error.getMessage());
        assertTrue(error.getMessage().contains("set it Active by hand; its grace is on record"), error.getMessage());
        assertEquals(1, fn.restorations("alice").size(), "the grace of a key IAM accepted to set Active stays");
        assertEquals(List.of(), error.partial().restoredKeyIds());
    }

    @Test
    void whenTheCorrectionFailsTooTheFirstFailureIsReportedWithIt() {
        remediated(used(USED, 143));
        fn.aws.before(op -> {
            if (op.equals("iam:UpdateAccessKey") || op.equals("iam:UntagUser")) {
                throw ServiceFailureException.builder().message(op).build();
            }
        });

        RestoreIncompleteException error =
                assertThrows(RestoreIncompleteException.class, () -> fn.invoke(restore("alice")));

        assertEquals("iam:UpdateAccessKey", error.getCause().getMessage());
        assertEquals("iam:UntagUser", error.getCause().getSuppressed()[0].getMessage());
    }

    @Test
    void atIamsTagQuotaTheBackoutChangesNothingAndSaysWhatToDo() {
        remediated(used(USED, 143));
        for (int tag = fn.aws.tags("alice").size(); tag < InMemoryAws.TAG_QUOTA; tag++) {
            fn.aws.tag("alice", "org-" + tag, "v");
        }
        int writes = fn.aws.writes();

        IllegalStateException error = assertThrows(IllegalStateException.class, () -> fn.invoke(restore("alice")));

        assertTrue(error.getMessage().startsWith("IAM user alice is at IAM's quota of 50 tags"), error.getMessage());
        assertTrue(
                error.getMessage().endsWith("free a tag, then run the backout again. Nothing was changed"),
                error.getMessage());
        assertEquals("Inactive", fn.aws.status("alice", USED));
        assertEquals(writes + 1, fn.aws.writes(), "only the refused TagUser");
    }

    @Test
    void aBackoutThatCannotReadTheRuleStillRestoresWithTheOwnerUnknown() {
        remediated(used(USED, 143));
        fn.aws.denyConfig("DescribeConfigRules");

        JsonNode result = fn.invoke(restore("alice"));

        assertEquals(List.of(USED), ids(result.get("restoredKeyIds")));
        assertEquals("UNKNOWN", result.get("ownerStatus").asText());
        assertTrue(fn.logText().contains("owner not known: the rule's settings cannot be read"), fn.logText());
        assertTrue(
                fn.notices()
                        .get(1)
                        .get("message")
                        .asText()
                        .endsWith("Owner: not known (the rule's settings could not be read)."),
                fn.notices().toString());
    }

    @Test
    void tagsOfOursThatAreNotTrustedAreNamedInTheSummary() {
        remediated(used(USED, 143));
        fn.aws.tag(
                "alice",
                "StaleKeyRemediation:11111111-1111-4111-8111-111111111111",
                "disabled=" + USED + " at=2026-01-01T00:00:00Z");

        JsonNode result = fn.invoke(restore("alice"));

        assertTrue(
                result.get("message")
                        .asText()
                        .endsWith("; ignored audit tag 'StaleKeyRemediation:11111111-1111-4111-8111-111111111111'"
                                + " (not written by the remediation: it carries no seal)"),
                result.toString());
    }

    @Test
    void aHostileTagKeyReachesTheSummaryEscapedAndCut() {
        remediated(used(USED, 143));
        String forged = "StaleKeyRemediation:x\u2028Restored " + USED + " verified Active. No action needed";
        fn.aws.tag("alice", forged, "whatever");

        JsonNode result = fn.invoke(restore("alice"));

        String message = result.get("message").asText();
        org.junit.jupiter.api.Assertions.assertFalse(message.contains("\u2028"), message);
        assertTrue(message.contains("ignored audit tag 'StaleKeyRemediation:x\\u2028Restored "), message);
    }

    private static Map<String, String> withoutSeal(Map<String, String> tags) {
        Map<String, String> content = new java.util.TreeMap<>();
        tags.forEach((key, value) -> content.put(key, value.replaceAll(" mac=\\S+$", "")));
        return content;
    }

    @Test
    void withoutAFunctionArnTheNoticesNameNoAccount() {
        remediated(used(USED, 143));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (String arn :
                new String[] {null, "arn:aws:lambda:us-east-1", "arn:aws:lambda:us-east-1:not-an-account:function:f"}) {
            fn.aws.setStatus("alice", USED, "Inactive");
            try {
                fn.handler.handleRequest(
                        new java.io.ByteArrayInputStream(restore("alice")
                                .put("graceDays", "0")
                                .toString()
                                .getBytes()),
                        out,
                        arn == null ? null : InMemoryRemediation.context(arn));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            JsonNode notice = fn.notices().get(fn.notices().size() - 1);
            assertTrue(notice.get("accountId").isNull(), arn + ": " + notice);
            assertTrue(
                    notice.get("message").asText().startsWith("Access key " + USED + " of IAM user alice was set back"),
                    notice.toString());
        }
    }

    @Test
    void aPayloadThatIsNotJsonIsRefusedSayingWhere() {
        InvalidSettingException error =
                assertThrows(InvalidSettingException.class, () -> fn.invoke("{\"action\": RESTORE"));

        assertEquals("payload", error.settingName());
        assertTrue(error.getMessage().matches("payload is not valid JSON \\(.* at byte 11\\)"), error.getMessage());
        assertEquals(0, fn.aws.callCounts().size());
    }
}
