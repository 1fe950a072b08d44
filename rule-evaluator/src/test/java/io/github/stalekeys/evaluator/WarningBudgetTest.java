package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.EventCapture;
import io.github.stalekeys.emulator.IamSeeder;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.events.KeyEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the warnings cost a periodic run (issue 23): nothing when no user reaches a stage; for a user who does,
 * the calls that name the key and its owner, with the credential report's last use instead of a second look;
 * and each stage announced once whatever the runs' timing.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class WarningBudgetTest {

    private static final String PARAMETERS = """
            {"maxAccessKeyAgeDays":"90","warningDays":"14","ownerTagKey":"Owner",
             "exemptionTagKey":"KeyRotationExempt"}""";
    private static final List<String> WARNING_CALLS =
            List.of("iam:ListAccessKeys", "iam:GetAccessKeyLastUsed", "iam:ListUserTags", "events:PutEvents");

    private static ConfigRuleEvent scheduledAt(String token, Instant notificationTime) {
        ConfigRuleEvent event = EvaluatorHarness.scheduledEvent(token, PARAMETERS);
        event.setInvokingEvent("{\"messageType\":\"ScheduledNotification\",\"notificationCreationTime\":\""
                + notificationTime + "\",\"awsAccountId\":\"" + EvaluatorHarness.ACCOUNT_ID + "\"}");
        return event;
    }

    private static Map<String, Long> warningCalls(EvaluatorHarness harness) {
        Map<String, Long> calls = new TreeMap<>();
        WARNING_CALLS.forEach(operation -> calls.put(operation, harness.calls(operation)));
        return calls;
    }

    private static Map<String, Long> calls(long listAccessKeys, long lastUsed, long listUserTags, long putEvents) {
        return new TreeMap<>(Map.of(
                "iam:ListAccessKeys", listAccessKeys,
                "iam:GetAccessKeyLastUsed", lastUsed,
                "iam:ListUserTags", listUserTags,
                "events:PutEvents", putEvents));
    }

    private static List<String> announced(EventCapture capture) {
        return capture.events().stream()
                .map(JsonNode::toString)
                .map(json -> {
                    JsonNode detail = readTree(json).path("detail");
                    return detail.path("userName").asText() + "/"
                            + detail.path("daysBefore").asInt();
                })
                .sorted()
                .toList();
    }

    private static JsonNode readTree(String json) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aRunInWhichNoUserReachesAStageMakesNoWarningCallAndAStageCostsOnlyTheCallsThatNameKeyAndOwner(
            AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        EventCapture capture = EventCapture.of(emulator, KeyEvent.SOURCE);
        Instant seededAt = harness.clock.instant();
        IamSeeder account = harness.account();
        for (int i = 0; i < 20; i++) {
            account.keyUsed(account.user("fresh-" + i), 5);
        }
        // Used 76 days ago: the 14-day stage falls at seededAt, between yesterday's run and today's.
        account.keyUsed(account.userTagged("due-a", "Owner", "team-a@example.com"), 76);
        account.keyUsed(account.user("due-b"), 76);
        // Inside the warning days since before yesterday's run: announced then, not again.
        account.keyUsed(account.user("between"), 80);
        Instant yesterday = seededAt.minus(Duration.ofHours(23));
        harness.run(scheduledAt(harness.token(), yesterday));
        List<String> announcedYesterday = announced(capture);

        emulator.resetCallCounts();
        Instant today = seededAt.plus(Duration.ofHours(1));
        harness.run(scheduledAt(harness.token(), today));
        // ListAccessKeys names each key; the owner came with the listing, the last use with the report.
        assertEquals(calls(2, 0, 0, 1), warningCalls(harness));
        assertEquals(List.of("due-a/14", "due-b/14"), announced(capture));
        // The warned users are recorded again at this run, so the next run compares with it.
        SeededUser dueA = new SeededUser(idOf(harness, "due-a"), "due-a");
        assertEquals(
                today.truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                harness.stored().get(dueA.userId()).orderingTimestamp());

        // A second run the same day: no stage reached since, no warning call at all.
        emulator.resetCallCounts();
        harness.run(scheduledAt(harness.token(), today.plus(Duration.ofHours(5))));
        assertEquals(List.of(), announced(capture));
        assertEquals(calls(0, 0, 0, 0), warningCalls(harness));
        // A retry of today's run (same notification time): nothing again.
        emulator.resetCallCounts();
        harness.run(scheduledAt(harness.token(), today));
        assertEquals(List.of(), announced(capture));
        assertEquals(calls(0, 0, 0, 0), warningCalls(harness));
        // With no result recorded yet, the stage a key has reached is news: the first run announces it.
        assertEquals(List.of("between/14"), announcedYesterday);
    }

    @Test
    void aSkippedDayAnnouncesTheStageLateAndOnceConfirmingLiveWhatTheReportCannotCover(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        EventCapture capture = EventCapture.of(emulator, KeyEvent.SOURCE);
        Instant seededAt = harness.clock.instant();
        IamSeeder account = harness.account();
        // Used 75 days ago: the 14-day stage falls a day after seededAt, after the report was generated.
        account.keyUsed(account.user("tomorrow"), 75);
        harness.run(scheduledAt(harness.token(), seededAt.plus(Duration.ofHours(1))));
        assertEquals(List.of(), announced(capture));

        // The next day's run did not happen; the one after announces the stage once.
        emulator.resetCallCounts();
        Instant twoDaysOn = seededAt.plus(Duration.ofDays(2)).plus(Duration.ofHours(1));
        harness.run(scheduledAt(harness.token(), twoDaysOn));
        // The report, older than the stage's moment, cannot say the key went unused until then: one live look.
        assertEquals(calls(1, 1, 0, 1), warningCalls(harness));
        assertEquals(List.of("tomorrow/14"), announced(capture));

        harness.run(scheduledAt(harness.token(), twoDaysOn.plus(Duration.ofHours(24))));
        assertEquals(List.of(), announced(capture));
    }

    @Test
    void aKeyUsedAfterItsWarningIsNotWarnedAgain(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        EventCapture capture = EventCapture.of(emulator, KeyEvent.SOURCE);
        Instant seededAt = harness.clock.instant();
        IamSeeder account = harness.account();
        SeededUser user = account.user("used-again");
        IamSeeder.SeededKey key = account.keyUsed(user, 76);
        Instant today = seededAt.plus(Duration.ofHours(1));
        harness.run(scheduledAt(harness.token(), today));
        assertEquals(List.of("used-again/14"), announced(capture));

        emulator.seedKeyActivity(key.accessKeyId(), seededAt.minus(Duration.ofDays(400)), seededAt);
        emulator.resetCallCounts();
        harness.run(scheduledAt(harness.token(), today.plus(Duration.ofDays(1))));
        assertEquals(List.of(), announced(capture));
        assertEquals(calls(0, 0, 0, 0), warningCalls(harness));
        assertEquals(
                "The active access key was used or created within 90 days",
                harness.stored().get(user.userId()).annotation());
    }

    private static String idOf(EvaluatorHarness harness, String userName) {
        return harness.emulator
                .iamClient()
                .getUser(r -> r.userName(userName))
                .user()
                .userId();
    }
}
