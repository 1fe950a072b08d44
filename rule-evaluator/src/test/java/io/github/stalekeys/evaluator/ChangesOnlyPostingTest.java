package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.emulator.StoredEvaluation;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A periodic run records only what differs from the results Config holds, plus due refreshes: Config bills every
 * evaluation recorded (https://aws.amazon.com/config/pricing/) and keeps a resource's last result until it is
 * replaced. Every run still answers its result token with one {@code PutEvaluations} call, with no evaluations
 * when nothing is to be recorded.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class ChangesOnlyPostingTest {

    private static final Duration ONE_DAY = Duration.ofDays(1);

    /** A small account of every kind: fresh, stale, exempt by tag, no keys. */
    private record Account(
            SeededUser fresh, SeededUser stale, SeededKey staleKey, SeededUser exempt, SeededUser bare) {}

    private static Account seed(EvaluatorHarness harness) {
        SeededUser fresh = harness.account().user("fresh");
        harness.account().keyUsed(fresh, 3);
        SeededUser stale = harness.account().user("stale");
        SeededKey staleKey = harness.account().keyUsed(stale, 143);
        SeededUser exempt = harness.account().userTagged("exempt", "KeyRotationExempt", "true");
        harness.account().keyUsed(exempt, 200);
        SeededUser bare = harness.account().user("bare");
        return new Account(fresh, stale, staleKey, exempt, bare);
    }

    private static final String PARAMETERS = "{\"exemptionTagKey\": \"KeyRotationExempt\"}";

    private static EvaluationReport periodic(EvaluatorHarness harness) {
        return harness.run(EvaluatorHarness.scheduledEvent(harness.token(), PARAMETERS));
    }

    private static Map<String, Instant> recordedTimes(EvaluatorHarness harness) {
        return harness.stored().values().stream()
                .collect(Collectors.toMap(StoredEvaluation::resourceId, StoredEvaluation::resultRecordedTime));
    }

    @Test
    void nothingChangedRecordsNothingAndStillAnswersTheResultToken(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        seed(harness);
        EvaluationReport first = periodic(harness);
        assertEquals(4, first.posted());
        Map<String, Instant> recorded = recordedTimes(harness);
        emulator.resetCallCounts();

        EvaluationReport second = periodic(harness);

        assertEquals(0, second.posted());
        assertEquals(4, second.unchanged());
        assertEquals(0, second.refreshed());
        assertEquals(recorded, recordedTimes(harness), "no result was recorded again");
        assertEquals(1, harness.calls("config:PutEvaluations"), "one call, with no evaluations");
    }

    @Test
    void oneUserChangedIsTheOnlyOneRecorded(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        Account account = seed(harness);
        SeededUser edge = harness.account().user("edge");
        Instant edgeUse = harness.clock.instant().minus(Duration.ofDays(89).plusHours(12));
        SeededKey edgeKey = harness.account().key(edge, edgeUse.minus(Duration.ofDays(400)), edgeUse);
        periodic(harness);
        assertEquals("COMPLIANT", harness.stored().get(edge.userId()).complianceType());
        Map<String, Instant> recorded = recordedTimes(harness);

        harness.clock.sleep(ONE_DAY); // the next daily run: the edge key is now 90.5 days unused
        EvaluationReport next = periodic(harness);

        assertEquals(1, next.posted());
        assertEquals(4, next.unchanged());
        StoredEvaluation changed = harness.stored().get(edge.userId());
        assertEquals("NON_COMPLIANT", changed.complianceType());
        assertEquals(
                edgeKey.accessKeyId() + " unused since " + LocalDate.ofInstant(edgeUse, ZoneOffset.UTC)
                        + ", last used with s3 in us-east-1 (limit 90 days)" + EvaluatorHarness.FIX_OR_TAG,
                changed.annotation());
        assertNotEquals(recorded.get(edge.userId()), changed.resultRecordedTime());
        for (SeededUser same : new SeededUser[] {account.fresh(), account.stale(), account.exempt(), account.bare()}) {
            assertEquals(
                    recorded.get(same.userId()),
                    harness.stored().get(same.userId()).resultRecordedTime());
        }
    }

    @Test
    void aStaleKeyOneDayOlderIsNotRecordedAgainBecauseItsAnnotationNamesADate(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        Account account = seed(harness);
        periodic(harness);
        StoredEvaluation before = harness.stored().get(account.stale().userId());
        String expected = account.staleKey().accessKeyId() + " unused since " + harness.daysAgo(143)
                + ", last used with s3 in us-east-1 (limit 90 days)" + EvaluatorHarness.FIX_OR_TAG;
        assertEquals(expected, before.annotation());

        harness.clock.sleep(ONE_DAY); // 144 days unused now: a day count would have changed the annotation
        EvaluationReport next = periodic(harness);

        assertEquals(0, next.posted());
        assertEquals(before, harness.stored().get(account.stale().userId()));
    }

    @Test
    void aDeletedUserIsReportedNotApplicableOnceThenLeftAlone(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        Account account = seed(harness);
        SeededUser leaver = harness.account().user("leaver");
        harness.account().keyUsed(leaver, 143);
        periodic(harness);
        emulator.deleteUserAfter("iam:GetAccountAuthorizationDetails", 1, "leaver");
        periodic(harness); // the leaver is deleted during this run, after the listing: judged live, gone
        assertEquals("NOT_APPLICABLE", harness.stored().get(leaver.userId()).complianceType());

        EvaluationReport gone = periodic(harness);
        assertEquals(0, gone.posted(), "the leaver's NOT_APPLICABLE stands; it is not posted again");
        assertEquals(
                AccountEvaluator.USER_GONE,
                harness.stored().get(leaver.userId()).annotation());
        assertEquals(
                "NON_COMPLIANT", harness.stored().get(account.stale().userId()).complianceType());
    }

    @Test
    void aUserGoneBetweenRunsIsReportedOnce(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        seed(harness);
        SeededUser leaver = harness.account().user("leaver");
        periodic(harness);
        emulator.iamClient().deleteUser(request -> request.userName("leaver"));

        EvaluationReport next = periodic(harness);
        assertEquals(1, next.posted());
        assertEquals(2, next.notApplicable(), "the exempt user and the leaver");
        assertEquals(
                AccountEvaluator.USER_GONE,
                harness.stored().get(leaver.userId()).annotation());

        assertEquals(0, periodic(harness).posted());
    }

    @Test
    void unchangedResultsAreRecordedAgainWhenTheirRefreshIsDue(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        seed(harness);
        periodic(harness);
        Map<String, Instant> recorded = recordedTimes(harness);

        harness.clock.sleep(Duration.ofDays(30)); // the default refresh period: every result is due
        EvaluationReport refresh = periodic(harness);

        assertEquals(4, refresh.posted());
        assertEquals(4, refresh.refreshed());
        recorded.forEach((userId, before) ->
                assertNotEquals(before, harness.stored().get(userId).resultRecordedTime(), userId));
    }

    @Test
    void aShorterRefreshPeriodIsARuleParameter(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        seed(harness);
        periodic(harness);

        harness.clock.sleep(ONE_DAY);
        EvaluationReport daily = harness.run(EvaluatorHarness.scheduledEvent(
                harness.token(), "{\"exemptionTagKey\": \"KeyRotationExempt\", \"refreshDays\": \"1\"}"));

        assertEquals(4, daily.refreshed(), "refreshDays 1 records every result again once a day");
    }

    @Test
    void aChangeEventPostsItsEvaluationEvenWhenItMatchesTheStandingResult(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        Account account = seed(harness);
        periodic(harness);
        Instant before = harness.stored().get(account.stale().userId()).resultRecordedTime();
        emulator.resetCallCounts();

        ConfigRuleEvent change = EvaluatorHarness.scheduledEvent(harness.token(), PARAMETERS);
        change.setInvokingEvent("{\"messageType\":\"ConfigurationItemChangeNotification\",\"configurationItem\":{"
                + "\"resourceType\":\"AWS::IAM::User\",\"resourceId\":\""
                + account.stale().userId() + "\","
                + "\"resourceName\":\"stale\",\"configurationItemStatus\":\"OK\","
                + "\"configurationItemCaptureTime\":\"" + Instant.now() + "\"}}");
        EvaluationReport report = harness.run(change);

        assertEquals(1, report.posted());
        assertEquals(0, harness.calls("config:GetComplianceDetailsByConfigRule"), "no previous results read");
        assertNotEquals(before, harness.stored().get(account.stale().userId()).resultRecordedTime());
    }
}
