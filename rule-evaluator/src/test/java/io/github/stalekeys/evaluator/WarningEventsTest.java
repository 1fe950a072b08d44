package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.EventCapture;
import io.github.stalekeys.emulator.Fault;
import io.github.stalekeys.emulator.FaultPlan;
import io.github.stalekeys.emulator.IamSeeder;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.events.KeyEvent;
import io.github.stalekeys.policy.InvalidSettingException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Warnings ahead of the limit, published on the default event bus and seen through a rule to a queue. */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class WarningEventsTest {

    private static final String PARAMETERS = """
            {"maxAccessKeyAgeDays":"90","warningDays":"14","evaluationFrequency":"TwentyFour_Hours",
             "ownerTagKey":"Owner","automaticRemediation":"true","exemptionTagKey":"KeyRotationExempt"}""";

    private static ConfigRuleEvent scheduledAt(String token, String parameters, Instant notificationTime) {
        ConfigRuleEvent event = EvaluatorHarness.scheduledEvent(token, parameters);
        event.setInvokingEvent("{\"messageType\":\"ScheduledNotification\",\"notificationCreationTime\":\""
                + notificationTime + "\",\"awsAccountId\":\"" + EvaluatorHarness.ACCOUNT_ID + "\"}");
        return event;
    }

    private static Map<String, JsonNode> byUser(List<JsonNode> events) {
        return events.stream()
                .collect(Collectors.toMap(e -> e.path("detail").path("userName").asText(), Function.identity()));
    }

    @Test
    void announcesEachDueStageOnceWithOwnerAndDateAndNotAgainNextRun(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        EventCapture capture = EventCapture.of(emulator, KeyEvent.SOURCE);
        Instant seededAt = harness.clock.instant();
        IamSeeder account = harness.account();
        // Key used 76 days ago: the 14-day stage falls now; it turns non-compliant 14 days from now.
        SeededUser owned = account.userTagged("owned", "owner", "team-payments@example.com");
        String ownedKey = account.keyUsed(owned, 76).accessKeyId();
        SeededUser ownerless = account.user("ownerless");
        String ownerlessKey = account.keyUsed(ownerless, 76).accessKeyId();
        // Never used, created 83 days ago: its 7-day stage falls now.
        SeededUser neverUsed = account.user("never-used");
        String neverUsedKey = account.keyNeverUsed(neverUsed, 83).accessKeyId();
        SeededUser exempt = account.userTagged("exempt", "KeyRotationExempt", "until 2099-01-01 CHG-7");
        account.keyUsed(exempt, 76);
        // Within the warning days, the 14-day stage reached before yesterday's run: announced then, annotated now.
        SeededUser between = account.user("between");
        account.keyUsed(between, 80);
        SeededUser early = account.user("early");
        account.keyUsed(early, 70);
        Instant runAt = seededAt.plus(Duration.ofHours(1));
        // Yesterday's run recorded every user: today's announces what was reached since.
        harness.run(scheduledAt(harness.token(), PARAMETERS, runAt.minus(Duration.ofHours(24))));
        assertEquals(
                List.of("between", "never-used"),
                byUser(capture.events()).keySet().stream().sorted().toList());
        String token = harness.token();
        emulator.resetCallCounts();

        harness.run(scheduledAt(token, PARAMETERS, runAt));

        Map<String, JsonNode> events = byUser(capture.events());
        assertEquals(
                List.of("never-used", "owned", "ownerless"),
                events.keySet().stream().sorted().toList());
        JsonNode owned14 = events.get("owned");
        assertEquals(KeyEvent.WARNING, owned14.path("detail-type").asText());
        JsonNode detail = owned14.path("detail");
        LocalDate nonCompliantOn = LocalDate.ofInstant(seededAt.plus(Duration.ofDays(14)), ZoneOffset.UTC);
        assertEquals(ownedKey, detail.path("accessKeyId").asText());
        assertEquals(owned.userId(), detail.path("userId").asText());
        assertEquals(EvaluatorHarness.ACCOUNT_ID, detail.path("accountId").asText());
        assertEquals(nonCompliantOn.toString(), detail.path("nonCompliantOn").asText());
        assertEquals(14, detail.path("daysBefore").asInt());
        assertEquals(90, detail.path("limitDays").asInt());
        assertEquals(false, detail.path("neverUsed").asBoolean());
        // Where IAM saw it last used (the emulator records s3 in its region), from the credential report.
        assertEquals("s3", detail.path("lastUsedService").asText());
        assertEquals(emulator.region(), detail.path("lastUsedRegion").asText());
        assertEquals(
                seededAt.minus(Duration.ofDays(76)).truncatedTo(ChronoUnit.SECONDS),
                Instant.parse(detail.path("lastUsed").asText()).truncatedTo(ChronoUnit.SECONDS));
        assertTrue(detail.path("automaticRemediation").asBoolean());
        assertEquals("team-payments@example.com", detail.path("owner").asText());
        assertEquals("TAGGED", detail.path("ownerStatus").asText());
        assertEquals(
                ownedKey + "/" + nonCompliantOn + "/14",
                detail.path("announcementId").asText());
        String message = detail.path("message").asText();
        assertTrue(message.contains("turns non-compliant on " + nonCompliantOn), message);
        assertTrue(message.contains("automatic remediation will then disable it"), message);
        assertTrue(
                message.contains("was last used on " + harness.daysAgo(76) + " (s3 in " + emulator.region() + ")"),
                message);
        assertTrue(message.contains("Owner: team-payments@example.com (tag Owner)"), message);
        // The documented sample has exactly the fields the rule sends.
        JsonNode sample = sample("events/key-warning.json");
        assertEquals(
                sample.path("detail-type").asText(), owned14.path("detail-type").asText());
        assertEquals(sample.path("source").asText(), owned14.path("source").asText());
        assertEquals(fieldNames(sample.path("detail")), fieldNames(detail));

        JsonNode ownerlessDetail = events.get("ownerless").path("detail");
        assertEquals(ownerlessKey, ownerlessDetail.path("accessKeyId").asText());
        assertTrue(ownerlessDetail.path("owner").isNull());
        assertEquals("TAG_ABSENT", ownerlessDetail.path("ownerStatus").asText());
        assertTrue(ownerlessDetail.path("message").asText().contains("the user has no Owner tag"));

        JsonNode neverUsedDetail = events.get("never-used").path("detail");
        assertEquals(neverUsedKey, neverUsedDetail.path("accessKeyId").asText());
        assertTrue(neverUsedDetail.path("neverUsed").asBoolean());
        assertTrue(neverUsedDetail.path("lastUsed").isNull());
        assertTrue(neverUsedDetail.path("lastUsedService").isNull());
        assertEquals(7, neverUsedDetail.path("daysBefore").asInt());

        // The owners' tags came with the listing; one PutEvents call for the three.
        assertEquals(0, harness.calls("iam:ListUserTags"), "owned, ownerless, never-used, exempt: none read again");
        assertEquals(1, harness.calls("events:PutEvents"));

        Map<String, io.github.stalekeys.emulator.StoredEvaluation> stored = harness.stored();
        assertEquals(
                "An active access key turns non-compliant on "
                        + LocalDate.ofInstant(seededAt.plus(Duration.ofDays(10)), ZoneOffset.UTC)
                        + " unless used (limit 90 days)",
                stored.get(between.userId()).annotation());
        assertEquals("COMPLIANT", stored.get(owned.userId()).complianceType());
        assertEquals(
                "The active access key was used or created within 90 days",
                stored.get(early.userId()).annotation());

        // The next daily run, and an hour-later retry of it, announce nothing new for these stages.
        harness.run(scheduledAt(harness.token(), PARAMETERS, runAt.plus(Duration.ofHours(24))));
        assertEquals(List.of(), capture.events());
    }

    /**
     * The warnings go out before the evaluations are posted. When the posting then fails, the invocation fails with
     * the user not recorded, and Lambda's retry of the same event announces the stage again: at least once, with
     * the same announcementId for consumers that drop repeats, and recorded that time, so not a third time.
     */
    @Test
    void aPostingFailureAfterTheWarningsIsRetriedWithTheSameAnnouncementIdsAndThenRecorded(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        EventCapture capture = EventCapture.of(emulator, KeyEvent.SOURCE);
        Instant runAt = harness.clock.instant().plus(Duration.ofHours(1));
        IamSeeder account = harness.account();
        SeededUser owned = account.userTagged("owned", "owner", "team-payments@example.com");
        account.keyUsed(owned, 76);
        harness.run(scheduledAt(harness.token(), PARAMETERS, runAt.minus(Duration.ofHours(24))));
        assertEquals(List.of(), capture.events(), "yesterday no stage was due");
        io.github.stalekeys.emulator.StoredEvaluation yesterday =
                harness.stored().get(owned.userId());
        ConfigRuleEvent today = scheduledAt(harness.token(), PARAMETERS, runAt);

        emulator.injectFaults(FaultPlan.of(1.0, 3, Fault.HTTP_500).onlyFor("config:PutEvaluations"));
        assertThrows(RuntimeException.class, () -> harness.run(today));
        emulator.clearFaults();
        List<JsonNode> first = capture.events();
        assertEquals(1, first.size());
        assertEquals(yesterday, harness.stored().get(owned.userId()), "the user's result is still yesterday's");

        harness.run(today);
        List<JsonNode> retried = capture.events();
        assertEquals(1, retried.size(), "the retry announces the stage again");
        assertTrue(
                harness.stored().get(owned.userId()).annotation().contains("turns non-compliant on"),
                "and records it: " + harness.stored().get(owned.userId()));
        assertEquals(
                first.get(0).path("detail").path("announcementId").asText(),
                retried.get(0).path("detail").path("announcementId").asText());

        harness.run(scheduledAt(harness.token(), PARAMETERS, runAt.plus(Duration.ofHours(1))));
        assertEquals(List.of(), capture.events(), "once recorded, the stage is not announced again");
    }

    private static ConfigRuleEvent changeAt(String token, SeededUser user, Instant captureTime) {
        ConfigRuleEvent event = BadEventCatalogueTest.changeEvent(token);
        event.setRuleParameters(PARAMETERS);
        event.setInvokingEvent(BadEventCatalogueTest.item("\"" + user.userName() + "\"", "OK", captureTime.toString())
                .replace("AIDAEXAMPLEALICE00001", user.userId()));
        return event;
    }

    /**
     * A change-triggered evaluation replaces the user's standing result, which the next periodic run compares its
     * warnings with: the stage reached since that result is announced by the change's evaluation, and the periodic
     * run after it announces nothing new. A change with no stage reached reads nothing more from Config.
     */
    @Test
    void aChangeAfterAStagesMomentAnnouncesThatStageOnce(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        EventCapture capture = EventCapture.of(emulator, KeyEvent.SOURCE);
        Instant seededAt = harness.clock.instant();
        IamSeeder account = harness.account();
        // Used 76 days ago: its 14-day stage falls at seededAt.
        SeededUser owned = account.userTagged("owned", "owner", "team-payments@example.com");
        String ownedKey = account.keyUsed(owned, 76).accessKeyId();
        SeededUser fresh = account.user("fresh");
        account.keyUsed(fresh, 3);
        Instant runAt = seededAt.plus(Duration.ofHours(2));
        harness.run(scheduledAt(harness.token(), PARAMETERS, runAt.minus(Duration.ofHours(24))));
        assertEquals(List.of(), capture.events(), "yesterday no stage was due");

        emulator.resetCallCounts();
        harness.run(changeAt(harness.token(), owned, seededAt.plus(Duration.ofMinutes(30))));
        List<JsonNode> announced = capture.events();
        assertEquals(1, announced.size());
        JsonNode detail = announced.get(0).path("detail");
        assertEquals(ownedKey, detail.path("accessKeyId").asText());
        assertEquals(14, detail.path("daysBefore").asInt());
        assertEquals("team-payments@example.com", detail.path("owner").asText());
        assertEquals(1, harness.calls("config:GetComplianceDetailsByResource"));
        assertEquals(0, harness.calls("iam:ListUserTags"), "the owner came with GetUser");

        harness.run(scheduledAt(harness.token(), PARAMETERS, runAt));
        assertEquals(List.of(), capture.events(), "the periodic run after the change announces nothing new");

        emulator.resetCallCounts();
        harness.run(changeAt(harness.token(), fresh, runAt.plus(Duration.ofMinutes(5))));
        assertEquals(List.of(), capture.events());
        assertEquals(0, harness.calls("config:GetComplianceDetailsByResource"), "no stage reached: no read");
    }

    @Test
    void aTestModeRunPublishesNothing(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        EventCapture capture = EventCapture.of(emulator, KeyEvent.SOURCE);
        Instant seededAt = harness.clock.instant();
        SeededUser due = harness.account().user("due");
        harness.account().keyUsed(due, 76);

        harness.run(scheduledAt("TESTMODE", PARAMETERS, seededAt.plus(Duration.ofHours(1))));

        assertEquals(List.of(), capture.events());
        assertTrue(harness.logText().contains("test mode: warning not published"), harness.logText());
    }

    @Test
    void warningDaysZeroTurnsWarningsOff(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        EventCapture capture = EventCapture.of(emulator, KeyEvent.SOURCE);
        Instant seededAt = harness.clock.instant();
        SeededUser due = harness.account().user("due");
        harness.account().keyUsed(due, 76);

        harness.run(scheduledAt(harness.token(), "{\"warningDays\":\"0\"}", seededAt.plus(Duration.ofHours(1))));

        assertEquals(List.of(), capture.events());
        assertEquals(
                "The active access key was used or created within 90 days",
                harness.stored().get(due.userId()).annotation());
    }

    @Test
    void badWarningParametersFailNamingThemWithNothingPostedOrPublished(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        EventCapture capture = EventCapture.of(emulator, KeyEvent.SOURCE);
        SeededUser due = harness.account().user("due");
        harness.account().keyUsed(due, 76);
        for (String[] bad : new String[][] {
            {"warningDays", "{\"warningDays\":\"400\"}"},
            {"evaluationFrequency", "{\"evaluationFrequency\":\"Daily\"}"},
            {"ownerTagKey", "{\"ownerTagKey\":\"aws:owner\"}"},
            {"automaticRemediation", "{\"automaticRemediation\":\"yes\"}"},
            {"maxNeverUsedKeyAgeDays", "{\"maxNeverUsedKeyAgeDays\":\"0\"}"}
        }) {
            InvalidSettingException error = assertThrows(
                    InvalidSettingException.class,
                    () -> harness.run(scheduledAt(harness.token(), bad[1], harness.clock.instant())));
            assertEquals(bad[0], error.settingName());
        }
        assertEquals(Map.of(), harness.stored());
        assertEquals(List.of(), capture.events());
        assertEquals(0, harness.calls("iam:GetAccountAuthorizationDetails"));
    }

    @Test
    void theSampleEventWithWarningsCarriesValidParameters() {
        JsonNode event = sample("events/scheduled-notification-with-warnings.json");
        RuleParameters parameters =
                RuleParameters.parse(event.path("ruleParameters").asText());
        assertEquals(14, parameters.warnings().schedule().warningDays());
        assertEquals(30, parameters.maxNeverUsedKeyAge().days());
        assertEquals(java.util.Optional.of("Owner"), parameters.warnings().ownerTagKey());
    }

    private static JsonNode sample(String resource) {
        try (var in = WarningEventsTest.class.getClassLoader().getResourceAsStream(resource)) {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static java.util.Set<String> fieldNames(JsonNode node) {
        java.util.Set<String> names = new java.util.TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
