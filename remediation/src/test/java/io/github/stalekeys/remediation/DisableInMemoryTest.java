package io.github.stalekeys.remediation;

import static io.github.stalekeys.remediation.InMemoryRemediation.disable;
import static io.github.stalekeys.remediation.InMemoryRemediation.ids;
import static io.github.stalekeys.remediation.InMemoryRemediation.neverUsed;
import static io.github.stalekeys.remediation.InMemoryRemediation.restore;
import static io.github.stalekeys.remediation.InMemoryRemediation.used;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.keychange.AuditRecord;
import io.github.stalekeys.policy.InvalidSettingException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.model.LimitExceededException;
import software.amazon.awssdk.services.iam.model.ServiceFailureException;

/** The remediation's read, plan and apply, in memory: what it changes, records, reports and announces. */
class DisableInMemoryTest {

    private static final String ALICE = "AIDAALICE00000000001";
    private static final String STALE = "AKIASTALESTALESTALE1";
    private static final String FRESH = "AKIAFRESHFRESHFRESH1";
    private static final String NEVER = "AKIANEVERNEVERNEVER1";

    private final InMemoryRemediation fn =
            new InMemoryRemediation("{\"maxAccessKeyAgeDays\":\"90\",\"ownerTagKey\":\"Owner\"}");

    @Test
    void disablesOnlyTheStaleKeyRecordsItFirstAndAnnouncesItWithTheOwner() {
        fn.aws.user("alice", ALICE, Map.of("owner", "ops@example.com"), used(STALE, 143), used(FRESH, 2));
        boolean[] recordedFirst = {false};
        fn.aws.before(InMemoryAws.once(
                "iam:UpdateAccessKey",
                op -> recordedFirst[0] = !fn.records("alice").isEmpty()));
        ObjectNode payload = disable(ALICE);

        JsonNode result = fn.invoke(payload);

        assertEquals("DISABLED", result.get("outcome").asText());
        assertEquals(List.of(STALE), ids(result.get("disabledKeyIds")));
        assertEquals(
                "Disabled " + STALE + " unused 143 days", result.get("message").asText());
        assertEquals("ops@example.com", result.get("owner").asText());
        assertEquals("TAGGED", result.get("ownerStatus").asText());
        assertEquals(
                List.of(Map.of("accessKeyId", FRESH, "reason", "used 2 days ago, within the 90-day limit")),
                InMemoryRemediation.JSON.convertValue(result.get("skippedKeys"), List.class));
        assertEquals("Inactive", fn.aws.status("alice", STALE));
        assertEquals("Active", fn.aws.status("alice", FRESH));
        assertTrue(recordedFirst[0], "the record is written before the key changes");
        String logs = fn.logText();
        assertTrue(
                logs.contains("\"message\":\"access key disabled\"")
                        && logs.contains("\"accessKeyId\":\"" + STALE + "\""),
                logs);
        assertTrue(
                logs.contains("\"message\":\"access key left alone\"")
                        && logs.contains("\"accessKeyId\":\"" + FRESH + "\""),
                logs);
        assertTrue(logs.contains("\"message\":\"change notices published\""), logs);
        String record = fn.records("alice")
                .get(AuditRecord.tagKeyOf(payload.get("automationExecutionId").asText()));
        assertTrue(record.matches("disabled=" + STALE + " at=2026-12-04T12:00:00Z mac=\\S{44}"), record);
        List<JsonNode> notices = fn.notices();
        assertEquals(1, notices.size());
        assertEquals("Access Key Disabled", notices.get(0).get("detail-type").asText());
        assertEquals("123456789012", notices.get(0).get("accountId").asText());
        assertEquals(ALICE, notices.get(0).get("userId").asText());
        assertEquals(143, notices.get(0).get("unusedDays").asInt());
        assertEquals("ops@example.com", notices.get(0).get("owner").asText());
        assertEquals(
                "Access key " + STALE + " of IAM user alice (account 123456789012), unused for 143 days, last used with"
                        + " s3 in us-east-1, was disabled"
                        + " (set to Inactive) by the remediation runbook (Automation execution "
                        + payload.get("automationExecutionId").asText()
                        + "). The backout runbook StaleKeys-RestoreAccessKeys can restore it (IAMUserName alice,"
                        + " RemediationExecutionId "
                        + payload.get("automationExecutionId").asText()
                        + "). Owner: ops@example.com.",
                notices.get(0).get("message").asText());
        assertEquals(
                Map.of(
                        "config:DescribeConfigRules", 1,
                        "config:ListDiscoveredResources", 1,
                        "iam:GetUser", 1,
                        "iam:ListAccessKeys", 2,
                        "iam:GetAccessKeyLastUsed", 2,
                        "kms:GenerateMac", 1,
                        "iam:TagUser", 1,
                        "iam:ListUserTags", 1,
                        "iam:UpdateAccessKey", 1,
                        "events:PutEvents", 1),
                fn.aws.callCounts());
    }

    @Test
    void aNeverUsedKeyIsJudgedByItsCreationAndItsOwnLimit() {
        InMemoryRemediation strict =
                new InMemoryRemediation("{\"maxAccessKeyAgeDays\":\"90\",\"maxNeverUsedKeyAgeDays\":\"30\"}");
        strict.aws.user("alice", ALICE, Map.of(), neverUsed(NEVER, 45));

        JsonNode asked = strict.invoke(disable(ALICE));
        JsonNode result = strict.invoke(disable(ALICE).put("maxNeverUsedKeyAgeDays", "30"));

        assertEquals(
                "NOTHING_STALE", asked.get("outcome").asText(), "the payload asked for 90 days: more time is allowed");
        assertEquals(List.of(NEVER), ids(result.get("disabledKeyIds")));
        assertTrue(result.get("staleKeys").get(0).get("neverUsed").asBoolean());
        assertEquals("NOT_CONFIGURED", result.get("ownerStatus").asText());
        assertTrue(
                strict.notices().get(0).get("message").asText().contains("never used and created 45 days ago"),
                strict.notices().toString());
    }

    @Test
    void nothingStaleChangesNothingAndSaysTheLimit() {
        fn.aws.user("alice", ALICE, Map.of(), used(FRESH, 89));
        InMemoryRemediation twoLimits =
                new InMemoryRemediation("{\"maxAccessKeyAgeDays\":\"90\",\"maxNeverUsedKeyAgeDays\":\"30\"}");
        twoLimits.aws.user("alice", ALICE, Map.of(), used(FRESH, 89));

        JsonNode result = fn.invoke(disable(ALICE));
        JsonNode withTwo = twoLimits.invoke(disable(ALICE).put("maxNeverUsedKeyAgeDays", "30"));

        assertEquals("NOTHING_STALE", result.get("outcome").asText());
        assertEquals(
                "No active key of alice is unused beyond 90 days: nothing changed",
                result.get("message").asText());
        assertEquals(
                "No active key of alice is unused beyond the limits 90 days, 30 days for never-used keys: nothing changed",
                withTwo.get("message").asText());
        assertEquals(0, fn.aws.writes());
        assertEquals(List.of(), fn.notices());
        assertEquals(Map.of(), fn.auditTags("alice"));
    }

    @Test
    void aDryRunChangesNothingAndAnnouncesWhatItWouldDo() {
        fn.aws.user("alice", ALICE, Map.of(), used(STALE, 143));

        JsonNode result = fn.invoke(disable(ALICE).put("dryRun", "true"));

        assertEquals("DRY_RUN", result.get("outcome").asText());
        assertTrue(result.get("dryRun").asBoolean());
        assertEquals(
                "Dry run: would disable " + STALE + " unused 143 days",
                result.get("message").asText());
        assertEquals(List.of(), ids(result.get("disabledKeyIds")));
        assertEquals("Active", fn.aws.status("alice", STALE));
        assertEquals(0, fn.aws.writes());
        assertEquals(
                "Access Key Disable Dry Run",
                fn.notices().get(0).get("detail-type").asText());
        assertTrue(
                fn.notices()
                        .get(0)
                        .get("message")
                        .asText()
                        .endsWith("Nothing was changed. Owner: not known (the user has no owner tag)."),
                fn.notices().toString());
        assertTrue(fn.logText().contains("dry run: access key would be disabled"), fn.logText());
    }

    @Test
    void anExemptUserIsLeftAloneWhoeverExemptsIt() {
        InMemoryRemediation deployedExempt = new InMemoryRemediation(
                "{\"maxAccessKeyAgeDays\":\"90\",\"exemptUsers\":\"alice\",\"exemptionTagKey\":\"KeepKeys\"}");
        deployedExempt.aws.user("alice", ALICE, Map.of(), used(STALE, 143));
        deployedExempt.aws.user(
                "bob", "AIDABOB0000000000001", Map.of("keepkeys", "yes"), used("AKIABOBSTALE00000001", 143));
        fn.aws.user("carol", "AIDACAROL00000000001", Map.of("Break", "glass"), used("AKIACAROLSTALE000001", 143));
        fn.aws.user("dave", "AIDADAVE000000000001", Map.of(), used("AKIADAVESTALE0000001", 143));

        JsonNode byName = deployedExempt.invoke(disable(ALICE));
        JsonNode byDeployedTag = deployedExempt.invoke(disable("AIDABOB0000000000001"));
        JsonNode byPayloadTag = fn.invoke(disable("AIDACAROL00000000001").put("exemptionTagKey", "Break"));
        JsonNode byPayloadName = fn.invoke(disable("AIDADAVE000000000001").put("exemptUsers", "dave"));

        for (JsonNode result : List.of(byName, byDeployedTag, byPayloadTag, byPayloadName)) {
            assertEquals("EXEMPT", result.get("outcome").asText(), result.toString());
            assertTrue(result.get("message").asText().endsWith(": nothing changed"), result.toString());
        }
        assertEquals(
                "Exempt: tagged keepkeys (value 'yes'): nothing changed",
                byDeployedTag.get("message").asText());
        assertEquals(0, deployedExempt.aws.writes() + fn.aws.writes());
        assertEquals("Active", deployedExempt.aws.status("alice", STALE));
    }

    @Test
    void aPayloadMayAskForMoreTimeButNeverForLess() {
        fn.aws.user("alice", ALICE, Map.of(), used(STALE, 100));

        JsonNode lower = fn.invoke(disable(ALICE).put("maxAccessKeyAgeDays", "30"));
        assertEquals(List.of(STALE), ids(lower.get("disabledKeyIds")), "the deployed 90 days apply; 100 > 90");
        assertTrue(fn.logText().contains("threshold raised to the deployed rule's"), fn.logText());
        fn.aws.setStatus("alice", STALE, "Active");
        fn.clock.advance(Duration.ofHours(2));
        JsonNode higher = fn.invoke(disable(ALICE).put("maxAccessKeyAgeDays", "120"));
        assertEquals("NOTHING_STALE", higher.get("outcome").asText(), "a payload may ask for more");
    }

    @Test
    void aUserThatDoesNotExistOrIsGoneMeanwhileChangesNothing() {
        JsonNode unknown = fn.invoke(disable(ALICE));
        assertEquals("USER_NOT_FOUND", unknown.get("outcome").asText());
        assertTrue(unknown.get("userName").isNull());
        assertEquals(
                "IAM user " + ALICE + " no longer exists: nothing to do",
                unknown.get("message").asText());

        fn.aws.user("alice", ALICE, Map.of(), used(STALE, 143));
        fn.aws.before(InMemoryAws.once("iam:ListAccessKeys", op -> fn.aws.deleteUser("alice")));
        JsonNode gone = fn.invoke(disable(ALICE));
        assertEquals("USER_NOT_FOUND", gone.get("outcome").asText());
        assertEquals(0, fn.aws.writes());
        assertTrue(fn.logText().contains("user not found: nothing changed"), fn.logText());
    }

    @Test
    void withoutConfigsRecordTheUserIsFoundByPagingItsId() {
        fn.aws.configRecordsUsers(false);
        fn.aws.user("other", "AIDAOTHER00000000001", Map.of(), used(FRESH, 1));
        fn.aws.user("alice", ALICE, Map.of(), used(STALE, 143));

        JsonNode result = fn.invoke(disable(ALICE));

        assertEquals(List.of(STALE), ids(result.get("disabledKeyIds")));
        assertEquals(1, fn.aws.calls("iam:ListUsers"));
    }

    @Test
    void aUserRenamedSinceConfigsRecordIsNotMistakenForAnother() {
        // Config still knows ALICE as "alice", a name that now belongs to someone else; ALICE is "alice2" now.
        fn.aws.user("alice", "AIDASOMEONEELSE00001", Map.of(), used(STALE, 143));
        fn.aws.user("alice2", ALICE, Map.of(), used("AKIAALICE2STALE00001", 143));
        fn.aws.configRecord(ALICE, "alice", false);

        JsonNode result = fn.invoke(disable(ALICE));

        assertEquals("alice2", result.get("userName").asText());
        assertEquals("Active", fn.aws.status("alice", STALE));
        assertEquals(
                1,
                fn.aws.calls("iam:ListUsers"),
                "found by paging IAM once Config's name proved wrong: " + fn.aws.callCounts());
    }

    @Test
    void aDeletedRecordInConfigIsNotTakenForTheUser() {
        fn.aws.user("bob", "AIDABOB0000000000001", Map.of(), used(STALE, 143));
        fn.aws.user("alice", ALICE, Map.of(), used("AKIAALICESTALE000001", 143));
        fn.aws.configRecord(ALICE, "bob", true);

        JsonNode result = fn.invoke(disable(ALICE));

        assertEquals("alice", result.get("userName").asText());
        assertEquals(0, fn.aws.calls("iam:GetUser") - 1, "bob, deleted in Config's record, is never even read");
    }

    @Test
    void anExecutionRecordsOnceAndARepeatIsRefusedBeforeAnyChange() {
        fn.aws.user("alice", ALICE, Map.of(), used(STALE, 143), neverUsed(NEVER, 300));
        ObjectNode payload = disable(ALICE);
        fn.invoke(payload);
        fn.aws.setStatus("alice", STALE, "Active");
        int writes = fn.aws.writes();

        InvalidSettingException again = assertThrows(InvalidSettingException.class, () -> fn.invoke(payload));

        assertEquals("automationExecutionId", again.settingName());
        assertTrue(again.getMessage().endsWith("start a new execution. Nothing was changed"), again.getMessage());
        assertEquals(writes, fn.aws.writes());
    }

    @Test
    void aKeySetInactiveOrRestoredBetweenThePlanAndTheChangeIsLeftAlone() {
        fn.aws.user("alice", ALICE, Map.of(), used(STALE, 143), neverUsed(NEVER, 300));
        fn.aws.before(InMemoryAws.once("iam:TagUser", op -> fn.aws.setStatus("alice", NEVER, "Inactive")));
        ObjectNode payload = disable(ALICE);

        JsonNode result = fn.invoke(payload);

        assertEquals(List.of(STALE), ids(result.get("disabledKeyIds")));
        assertEquals(
                "Disabled " + STALE + " unused 143 days; left alone: " + NEVER
                        + " was set inactive meanwhile by another execution or someone else: left as it is",
                result.get("message").asText());
        String record = fn.records("alice")
                .get(AuditRecord.tagKeyOf(payload.get("automationExecutionId").asText()));
        assertTrue(record.startsWith("disabled=" + STALE + " at="), "narrowed to what was disabled: " + record);
        assertEquals(1, fn.notices().size(), "a notice only for the key disabled");
        assertTrue(
                fn.logText().contains("\"accessKeyId\":\"" + NEVER + "\",\"reason\":\"was set inactive meanwhile"),
                fn.logText());
    }

    @Test
    void aKeyABackoutRestoresBetweenThePlanAndTheChangeKeepsItsGrace() {
        fn.aws.user("alice", ALICE, Map.of(), used(STALE, 143));
        JsonNode[] backout = new JsonNode[1];
        int[] listings = {0};
        fn.aws.before(op -> {
            if (op.equals("iam:ListAccessKeys") && ++listings[0] == 2) {
                // Right before the re-check: someone disables the key, and a backout restores it from our record.
                fn.aws.before(other -> {});
                fn.aws.setStatus("alice", STALE, "Inactive");
                backout[0] = fn.invoke(restore("alice"));
            }
        });

        JsonNode result = fn.invoke(disable(ALICE));

        assertEquals(List.of(STALE), ids(backout[0].get("restoredKeyIds")));
        assertEquals("NOTHING_STALE", result.get("outcome").asText(), result.toString());
        assertEquals(
                "Nothing disabled: " + STALE
                        + " was restored by a backout meanwhile (grace until 2027-01-03T12:00:00Z):" + " left alone",
                result.get("message").asText());
        assertEquals("Active", fn.aws.status("alice", STALE));
        assertEquals(List.of(), fn.records("alice").keySet().stream().toList(), "a record of nothing is removed");
        assertEquals(1, fn.restorations("alice").size(), "the backout's grace stays");
    }

    @Test
    void aFailedDisableLeavesARecordOfOnlyWhatWasDoneAndFailsVisibly() {
        fn.aws.user("alice", ALICE, Map.of(), used(STALE, 143), neverUsed(NEVER, 300));
        int[] updates = {0};
        fn.aws.before(op -> {
            if (op.equals("iam:UpdateAccessKey") && ++updates[0] == 2) {
                throw ServiceFailureException.builder().message("boom").build();
            }
        });
        ObjectNode payload = disable(ALICE);

        assertThrows(ServiceFailureException.class, () -> fn.invoke(payload));

        String record = fn.records("alice")
                .get(AuditRecord.tagKeyOf(payload.get("automationExecutionId").asText()));
        assertTrue(record.startsWith("disabled=" + STALE + " at="), record);
        assertTrue(fn.logText().contains("disabling stopped: audit record corrected"), fn.logText());
        assertEquals(List.of(), fn.notices());
    }

    @Test
    void aFailureBeforeAnyKeyChangedRemovesTheRecordAndACorrectionThatFailsIsReportedWithIt() {
        fn.aws.user("alice", ALICE, Map.of(), used(STALE, 143));
        fn.aws.before(op -> {
            if (op.equals("iam:UpdateAccessKey")) {
                throw ServiceFailureException.builder().message("update").build();
            }
        });
        assertThrows(ServiceFailureException.class, () -> fn.invoke(disable(ALICE)));
        assertEquals(Map.of(), fn.auditTags("alice"));

        fn.aws.before(op -> {
            if (op.equals("iam:UpdateAccessKey") || op.equals("iam:UntagUser")) {
                throw ServiceFailureException.builder().message(op).build();
            }
        });
        ServiceFailureException failed = assertThrows(ServiceFailureException.class, () -> fn.invoke(disable(ALICE)));
        assertEquals("iam:UpdateAccessKey", failed.getMessage());
        assertEquals(1, failed.getSuppressed().length);
        assertTrue(fn.logText().contains("the audit record could not be corrected"), fn.logText());
    }

    @Test
    void atIamsTagQuotaTheKeyIsStillDisabledAndTheSealedRecordHandedBack() {
        Map<String, String> full = new java.util.LinkedHashMap<>();
        for (int tag = 0; tag < InMemoryAws.TAG_QUOTA; tag++) {
            full.put("org-" + tag, "v");
        }
        fn.aws.user("alice", ALICE, full, used(STALE, 143), neverUsed(NEVER, 300));
        fn.aws.before(InMemoryAws.once("iam:ListUserTags", op -> fn.aws.setStatus("alice", NEVER, "Inactive")));
        ObjectNode payload = disable(ALICE);

        AuditRecordNotStoredException error =
                assertThrows(AuditRecordNotStoredException.class, () -> fn.invoke(payload));

        assertEquals("Inactive", fn.aws.status("alice", STALE));
        assertEquals(AuditRecord.tagKeyOf(payload.get("automationExecutionId").asText()), error.tagKey());
        assertTrue(
                error.tagValue().startsWith("disabled=" + STALE + " at="),
                "only what was disabled: " + error.tagValue());
        assertTrue(
                error.getMessage().contains("Free a tag, then tag the user with " + error.tagKey() + " = "),
                error.getMessage());
        assertTrue(fn.logText().contains("audit record not stored"), fn.logText());
        assertThrows(
                LimitExceededException.class,
                () -> fn.aws.iam.tagUser(
                        t -> t.userName("alice").tags(x -> x.key("k").value("v"))));
    }

    @Test
    void atTheQuotaWithNothingDisabledThereIsNothingToHandBack() {
        Map<String, String> full = new java.util.LinkedHashMap<>();
        for (int tag = 0; tag < InMemoryAws.TAG_QUOTA; tag++) {
            full.put("org-" + tag, "v");
        }
        fn.aws.user("alice", ALICE, full, used(STALE, 143));
        fn.aws.before(InMemoryAws.nth("iam:ListAccessKeys", 2, op -> fn.aws.setStatus("alice", STALE, "Inactive")));

        JsonNode result = fn.invoke(disable(ALICE));

        assertEquals("NOTHING_STALE", result.get("outcome").asText(), result.toString());
        assertTrue(
                result.get("message").asText().startsWith("Nothing disabled: " + STALE + " was set inactive"),
                result.toString());
    }

    @Test
    void settledRecordsAreRemovedOnlyIfStillAsReadAndOldEnough() {
        fn.aws.user("alice", ALICE, Map.of(), used(STALE, 143));
        fn.invoke(disable(ALICE));
        fn.invoke(restore("alice").put("graceDays", "0"));
        assertEquals(2, fn.auditTags("alice").size());

        fn.clock.advance(Duration.ofMinutes(30));
        fn.invoke(disable(ALICE));
        assertEquals(3, fn.auditTags("alice").size(), "half an hour old: it may still be in flight");
        fn.invoke(restore("alice").put("graceDays", "0"));

        fn.clock.advance(Duration.ofHours(2));
        fn.invoke(disable(ALICE));
        assertEquals(1, fn.auditTags("alice").size(), "settled and hours old: removed, with their restorations");
        assertTrue(fn.logText().contains("settled audit record removed"), fn.logText());
    }

    @Test
    void aSettledRecordRewrittenSinceItWasReadIsNotRemoved() {
        fn.aws.user("alice", ALICE, Map.of(), used(STALE, 143));
        fn.invoke(disable(ALICE));
        fn.invoke(restore("alice").put("graceDays", "0"));
        fn.clock.advance(Duration.ofHours(2));
        String record = fn.records("alice").keySet().iterator().next();
        fn.aws.before(InMemoryAws.once("iam:ListUserTags", op -> fn.aws.tag("alice", record, "rewritten")));

        fn.invoke(disable(ALICE));

        assertEquals("rewritten", fn.aws.tags("alice").get(record));
    }

    @Test
    void untrustedTagsAreLoggedAndGrantNothing() {
        fn.aws.user(
                "alice",
                ALICE,
                Map.of(
                        "StaleKeyRemediation:11111111-1111-4111-8111-111111111111",
                        "edited by hand",
                        "StaleKeyRemediation:22222222-2222-4222-8222-222222222222/restored/33333333-3333-4333-8333-333333333333",
                        "restored=" + STALE + "@2026-12-03T00:00:00Z+365d mac=" + "A".repeat(43) + "="),
                used(STALE, 143));

        JsonNode result = fn.invoke(disable(ALICE));

        assertEquals(List.of(STALE), ids(result.get("disabledKeyIds")), "a forged grace spares nothing");
        assertTrue(fn.logText().contains("audit tag not trusted"), fn.logText());
        assertTrue(fn.logText().contains("its seal does not verify"), fn.logText());
        assertFalse(fn.logText().contains("edited by hand"), "a hostile value is never repeated");
        assertEquals(
                2,
                fn.logText().split("audit tag not trusted", -1).length - 1,
                "each untrusted tag is logged once, not again at the re-check before the change");
    }

    @Test
    void theRulesSettingsMustBeReadableOrNothingHappens() {
        fn.aws.user("alice", ALICE, Map.of(), used(STALE, 143));
        InMemoryRemediation missing = new InMemoryRemediation("{}");
        missing.aws.rule("other", "{}");
        missing.aws.user("alice", ALICE, Map.of(), used(STALE, 143));
        InMemoryRemediation unreadable = new InMemoryRemediation("{\"maxAccessKeyAgeDays\":\"soon\"}");
        unreadable.aws.user("alice", ALICE, Map.of(), used(STALE, 143));
        fn.aws.denyConfig("DescribeConfigRules");

        RuleSettingsUnavailableException denied =
                assertThrows(RuleSettingsUnavailableException.class, () -> fn.invoke(disable(ALICE)));
        RuleSettingsUnavailableException bad =
                assertThrows(RuleSettingsUnavailableException.class, () -> unreadable.invoke(disable(ALICE)));

        assertTrue(
                denied.getMessage().contains("DescribeConfigRules failed (AccessDeniedException)"),
                denied.getMessage());
        assertTrue(denied.getMessage().endsWith("Nothing was changed"), denied.getMessage());
        assertTrue(
                bad.getMessage().contains("its input parameters are unreadable: maxAccessKeyAgeDays"),
                bad.getMessage());
        assertEquals(0, fn.aws.calls("iam:GetUser") + unreadable.aws.calls("iam:GetUser"));
        assertEquals("Active", fn.aws.status("alice", STALE));
    }

    @Test
    void aRuleThatDoesNotExistIsNamed() {
        InMemoryAws aws = new InMemoryAws();
        ServedRule rule = new ServedRule(aws.config, "absent-rule");

        RuleSettingsUnavailableException error = assertThrows(RuleSettingsUnavailableException.class, rule::settings);

        assertEquals(
                "Cannot read the deployed settings from the AWS Config rule 'absent-rule': it does not exist in this"
                        + " account and region. Nothing was changed",
                error.getMessage());
    }

    @Test
    void aUserNamedLikeAnExemptIdIsRemediatedLikeAnyOther() {
        InMemoryRemediation exemptById =
                new InMemoryRemediation("{\"maxAccessKeyAgeDays\":\"90\",\"exemptUsers\":\"" + ALICE + "\"}");
        exemptById.aws.user("break-glass", ALICE, Map.of(), used(FRESH, 200));
        exemptById.aws.user(
                ALICE.toLowerCase(java.util.Locale.ROOT), "AIDAATTACKER00000001", Map.of(), used(STALE, 200));

        JsonNode exempt = exemptById.invoke(disable(ALICE));
        JsonNode impostor = exemptById.invoke(disable("AIDAATTACKER00000001"));

        assertEquals("EXEMPT", exempt.get("outcome").asText());
        assertEquals(List.of(STALE), ids(impostor.get("disabledKeyIds")), impostor.toString());
    }

    @Test
    void aHostileRuleParameterReachesTheRemediationsErrorShortAndEscaped() {
        String hostile = "p".repeat(450) + "\n\u2028" + "q".repeat(450);
        InMemoryRemediation bad = new InMemoryRemediation(
                InMemoryRemediation.JSON.createObjectNode().put(hostile, "1").toString());
        bad.aws.user("alice", ALICE, Map.of(), used(STALE, 143));

        RuleSettingsUnavailableException error =
                assertThrows(RuleSettingsUnavailableException.class, () -> bad.invoke(disable(ALICE)));

        assertTrue(error.getMessage().length() <= 500, error.getMessage().length() + ": " + error.getMessage());
        assertFalse(error.getMessage().contains("\n") || error.getMessage().contains("\u2028"), error.getMessage());
        assertTrue(error.getMessage().contains("has an unknown parameter 'ppp"), error.getMessage());
    }

    @Test
    void aKeyDisabledAfterABackoutThatRanBetweenTheReCheckAndTheChangeStaysRestorable() {
        // The one window AWS leaves: R1 re-checks the key, R2 disables it, a backout restores it, then R1's
        // UpdateAccessKey goes through. The key ends Inactive, but R1's record still holds it: a backout restores it.
        fn.aws.user("alice", ALICE, Map.of(), used(STALE, 143));
        fn.aws.before(InMemoryAws.once("iam:UpdateAccessKey", op -> {
            fn.aws.before(other -> {});
            fn.clock.advance(Duration.ofSeconds(5));
            assertEquals(List.of(STALE), ids(fn.invoke(disable(ALICE)).get("disabledKeyIds")));
            assertEquals(List.of(STALE), ids(fn.invoke(restore("alice")).get("restoredKeyIds")));
        }));

        JsonNode first = fn.invoke(disable(ALICE));

        assertEquals(List.of(STALE), ids(first.get("disabledKeyIds")));
        assertEquals("Inactive", fn.aws.status("alice", STALE));
        JsonNode backout = fn.invoke(restore("alice"));
        assertEquals(List.of(STALE), ids(backout.get("restoredKeyIds")), "still on record: " + fn.auditTags("alice"));
    }

    @Test
    void atTheQuotaAFailureMidWayStillHandsBackTheRecordOfWhatWasDisabled() {
        Map<String, String> full = new java.util.LinkedHashMap<>();
        for (int tag = 0; tag < InMemoryAws.TAG_QUOTA; tag++) {
            full.put("org-" + tag, "v");
        }
        fn.aws.user("alice", ALICE, full, used(STALE, 143), neverUsed(NEVER, 300));
        fn.aws.before(InMemoryAws.nth("iam:UpdateAccessKey", 2, op -> {
            throw ServiceFailureException.builder().message("boom").build();
        }));

        AuditRecordNotStoredException error =
                assertThrows(AuditRecordNotStoredException.class, () -> fn.invoke(disable(ALICE)));

        assertTrue(error.tagValue().startsWith("disabled=" + STALE + " at="), error.tagValue());
        assertInstanceOf(ServiceFailureException.class, error.getCause());
        assertTrue(error.getMessage().contains("Then disabling stopped (ServiceFailureException)"), error.getMessage());
    }

    @Test
    void aRecordThatCannotBeNarrowedIsLoggedAsNamingKeysNotDisabled() {
        fn.aws.user("alice", ALICE, Map.of(), used(STALE, 143), neverUsed(NEVER, 300));
        fn.aws.before(op -> {
            if (op.equals("iam:ListAccessKeys") && fn.aws.calls("iam:ListAccessKeys") == 3) {
                fn.aws.setStatus("alice", NEVER, "Inactive"); // a responder, between the two keys
            }
            if (op.equals("iam:TagUser") && fn.aws.calls("iam:TagUser") == 2) {
                throw ServiceFailureException.builder().message("narrow").build();
            }
        });

        assertThrows(ServiceFailureException.class, () -> fn.invoke(disable(ALICE)));

        assertTrue(
                fn.logText().contains("the audit record could not be narrowed and names keys not disabled"),
                fn.logText());
    }
}
