package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.configrule.EvaluationsNotRecordedException;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.emulator.StoredEvaluation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.Evaluation;
import software.amazon.awssdk.services.iam.model.StatusType;

@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class PeriodicEvaluationTest {

    private static final String PARAMETERS =
            "{\"maxAccessKeyAgeDays\":\"90\",\"exemptUsers\":\"break-glass\",\"exemptionTagKey\":\"KeyRotationExempt\"}";

    @Test
    void judgesEveryKindOfUserOfAMixedAccount(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        IamSeeder account = harness.account();
        SeededUser fresh = account.user("fresh");
        account.keyUsed(fresh, 3);
        SeededUser stale = account.user("stale");
        String staleKey = account.keyUsed(stale, 143).accessKeyId();
        SeededUser neverUsedOld = account.user("never-used-old");
        String neverUsedKey = account.keyNeverUsed(neverUsedOld, 200).accessKeyId();
        SeededUser neverUsedNew = account.user("never-used-new");
        account.keyNeverUsed(neverUsedNew, 10);
        SeededUser inactive = account.user("inactive-stale");
        account.setStatus(inactive, account.keyUsed(inactive, 400), StatusType.INACTIVE);
        SeededUser noKeys = account.user("no-keys");
        SeededUser twoKeys = account.user("two-keys");
        account.keyUsed(twoKeys, 1);
        String twoKeysStale = account.keyUsed(twoKeys, 120).accessKeyId();
        SeededUser tagged = account.userTagged("exempt-by-tag", "KeyRotationExempt", "CHG-1234");
        account.keyUsed(tagged, 300);
        SeededUser listed = account.user("break-glass");
        account.keyNeverUsed(listed, 500);
        String token = harness.token();
        String goneUserId = "AIDAGONEUSER000000001";
        previousResult(emulator, token, goneUserId, ComplianceType.NON_COMPLIANT);
        previousResult(emulator, token, fresh.userId(), ComplianceType.NON_COMPLIANT);
        emulator.resetCallCounts();

        EvaluationReport report = harness.run(EvaluatorHarness.scheduledEvent(token, PARAMETERS));

        Map<String, StoredEvaluation> stored = harness.stored();
        assertVerdict(stored, fresh, "COMPLIANT", "The active access key was used or created within 90 days");
        assertVerdict(
                stored,
                stale,
                "NON_COMPLIANT",
                staleKey + " unused since " + harness.daysAgo(143) + ", last used with s3 in us-east-1 (limit 90 days)"
                        + EvaluatorHarness.FIX_OR_TAG);
        assertVerdict(
                stored,
                neverUsedOld,
                "NON_COMPLIANT",
                neverUsedKey + " never used, created " + harness.daysAgo(200) + " (limit 90 days)"
                        + EvaluatorHarness.FIX_OR_TAG);
        assertVerdict(stored, neverUsedNew, "COMPLIANT", "The active access key was used or created within 90 days");
        assertVerdict(stored, inactive, "COMPLIANT", "No active access keys");
        assertVerdict(stored, noKeys, "COMPLIANT", "No active access keys");
        assertVerdict(
                stored,
                twoKeys,
                "NON_COMPLIANT",
                twoKeysStale + " unused since " + harness.daysAgo(120)
                        + ", last used with s3 in us-east-1 (limit 90 days)" + EvaluatorHarness.FIX_OR_TAG);
        assertVerdict(stored, tagged, "NOT_APPLICABLE", "Exempt: tagged KeyRotationExempt (value 'CHG-1234')");
        assertVerdict(stored, listed, "NOT_APPLICABLE", "Exempt: listed in exemptUsers");
        assertEquals("NOT_APPLICABLE", stored.get(goneUserId).complianceType());
        assertEquals(AccountEvaluator.USER_GONE, stored.get(goneUserId).annotation());
        assertEquals(10, stored.size());
        assertEquals(
                new EvaluationReport(
                        EvaluatorHarness.RULE_NAME,
                        EvaluatorHarness.ACCOUNT_ID,
                        "Scheduled",
                        false,
                        4,
                        3,
                        3,
                        10,
                        0,
                        0,
                        0),
                report);

        // Live reads only for the users the report flags; their tags came with the listing.
        assertEquals(0, harness.calls("iam:ListUsers"));
        assertEquals(1, harness.calls("iam:GetAccountAuthorizationDetails"));
        assertEquals(1, harness.calls("iam:GetCredentialReport"));
        assertEquals(4, harness.calls("iam:ListAccessKeys"), "stale, never-used-old, two-keys, exempt-by-tag");
        assertEquals(
                4,
                harness.calls("iam:GetAccessKeyLastUsed"),
                "one per stale key: two-keys' fresh key is in recent use by the report, not looked up again");
        assertEquals(0, harness.calls("iam:ListUserTags"), "the exemption tag was read with the listing");
        assertEquals(1, harness.calls("config:PutEvaluations"));
        assertEquals(1, harness.calls("config:GetComplianceDetailsByConfigRule"));
    }

    @Test
    void logsEachNonCompliantUserWithRuleUserAndKeyIds(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        SeededUser stale = harness.account().user("stale");
        String key = harness.account().keyUsed(stale, 143).accessKeyId();

        harness.run(EvaluatorHarness.scheduledEvent(harness.token(), "{}"));

        String line = harness.logText()
                .lines()
                .filter(l -> l.contains("\"user has unused access keys\""))
                .findFirst()
                .orElseThrow();
        assertTrue(line.contains("\"configRuleName\":\"iam-user-unused-access-keys\""), line);
        assertTrue(line.contains("\"userName\":\"stale\""), line);
        assertTrue(line.contains("\"userId\":\"" + stale.userId() + "\""), line);
        assertTrue(line.contains("\"accessKeyIds\":[\"" + key + "\"]"), line);
    }

    @Test
    void postsInBatchesOfAtMostOneHundred(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        IamSeeder account = harness.account();
        IntStream.range(0, 250).forEach(i -> account.user("user-" + i));
        emulator.resetCallCounts();

        EvaluationReport report = harness.run(EvaluatorHarness.scheduledEvent(harness.token(), "{}"));

        assertEquals(250, report.posted());
        assertEquals(250, harness.stored().size());
        assertEquals(3, harness.calls("config:PutEvaluations"));
        assertEquals(1, harness.calls("iam:GetAccountAuthorizationDetails"));
        assertEquals(0, harness.calls("iam:ListAccessKeys"));
    }

    @Test
    void failedEvaluationsAreRetriedUntilRecorded(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        SeededUser alice = harness.account().user("alice");
        harness.account().user("bob");
        emulator.failEvaluations(List.of(alice.userId()), 2);
        emulator.resetCallCounts();

        harness.run(EvaluatorHarness.scheduledEvent(harness.token(), "{}"));

        assertEquals("COMPLIANT", harness.stored().get(alice.userId()).complianceType());
        assertEquals(2, harness.stored().size());
        assertEquals(3, harness.calls("config:PutEvaluations"));
        assertEquals(
                List.of(Duration.ofMillis(500), Duration.ofSeconds(1)),
                harness.clock
                        .waits()
                        .subList(
                                harness.clock.waits().size() - 2,
                                harness.clock.waits().size()));
    }

    @Test
    void evaluationsThatKeepFailingFailTheInvocationNamingThem(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        SeededUser alice = harness.account().user("alice");
        emulator.failEvaluations(List.of(alice.userId()), 100);

        EvaluationsNotRecordedException error = assertThrows(
                EvaluationsNotRecordedException.class,
                () -> harness.run(EvaluatorHarness.scheduledEvent(harness.token(), "{}")));

        assertTrue(error.getMessage().contains(alice.userId()), error.getMessage());
        assertTrue(error.getMessage().contains("1 of 1"), error.getMessage());
    }

    @Test
    void waitsForASlowCredentialReportWithBackoff(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        harness.account().user("alice");
        emulator.credentialReportReadyAfter(3);
        emulator.resetCallCounts();

        EvaluationReport report = harness.run(EvaluatorHarness.scheduledEvent(harness.token(), "{}"));

        assertEquals(1, report.compliant());
        // The generation is polled with GetCredentialReport itself (ReportInProgress until ready,
        // https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetCredentialReport.html#API_GetCredentialReport_Errors),
        // so the answer that says it is ready is the report: no GenerateCredentialReport after the first.
        assertEquals(1, harness.calls("iam:GenerateCredentialReport"));
        assertEquals(2, harness.calls("iam:GetCredentialReport"));
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1)), harness.clock.waits());
    }

    @Test
    void regeneratesAnExpiredReport(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        harness.account().user("alice");
        emulator.credentialReportExpiredOnce();

        EvaluationReport report = harness.run(EvaluatorHarness.scheduledEvent(harness.token(), "{}"));

        assertEquals(1, report.posted());
        assertEquals(1, harness.stored().size());
    }

    @Test
    void aReportThatNeverComesFailsBeforeTheDeadlineAndPostsNothing(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        harness.account().user("alice");
        emulator.credentialReportNeverReady();
        emulator.resetCallCounts();

        CredentialReportUnavailableException error = assertThrows(
                CredentialReportUnavailableException.class,
                () -> harness.handler.handleRequest(
                        EvaluatorHarness.scheduledEvent(harness.token(), "{}"),
                        TestContext.withRemaining(Duration.ofSeconds(60))));

        assertTrue(error.getMessage().contains("No evaluations were posted"), error.getMessage());
        assertEquals(0, harness.calls("config:PutEvaluations"));
        assertTrue(harness.stored().isEmpty());
        Duration waited = harness.clock.waits().stream().reduce(Duration.ZERO, Duration::plus);
        assertTrue(waited.compareTo(Duration.ofSeconds(40)) <= 0, "waited within the 60 s less the reserve: " + waited);
        assertTrue(harness.clock.waits().stream().allMatch(w -> w.compareTo(Duration.ofSeconds(8)) <= 0));
    }

    /**
     * The upgrade in the wrong order (CHANGELOG, 1.0.0): a role not yet granted the listing's action fails the run
     * visibly with IAM's own message naming it, and leaves the standing results as they were.
     */
    @Test
    void aRoleWithoutTheListingActionFailsTheRunNamingItAndChangesNoResult(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        harness.account().keyUsed(harness.account().user("stale"), 143);
        harness.run(EvaluatorHarness.scheduledEvent(harness.token(), "{}"));
        Map<String, StoredEvaluation> standing = harness.stored();
        emulator.denyIamCalls("GetAccountAuthorizationDetails");
        emulator.resetCallCounts();

        software.amazon.awssdk.services.iam.model.IamException error = assertThrows(
                software.amazon.awssdk.services.iam.model.IamException.class,
                () -> harness.run(EvaluatorHarness.scheduledEvent(harness.token(), "{}")));

        assertEquals("AccessDenied", error.awsErrorDetails().errorCode());
        assertTrue(
                error.getMessage().contains("not authorized to perform: iam:GetAccountAuthorizationDetails"),
                error.getMessage());
        assertEquals(1, harness.calls("iam:GetAccountAuthorizationDetails"), "not retried");
        assertEquals(0, harness.calls("config:PutEvaluations"));
        assertEquals(standing, harness.stored());
    }

    @Test
    void testModeTokenValidatesWithoutStoring(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        harness.account().keyUsed(harness.account().user("stale"), 143);
        harness.token(); // the rule exists; TESTMODE must still store nothing

        EvaluationReport report = harness.run(EvaluatorHarness.scheduledEvent("TESTMODE", "{}"));

        assertTrue(report.testMode());
        assertEquals(1, report.nonCompliant());
        assertEquals(1, harness.calls("config:PutEvaluations"));
        assertTrue(harness.stored().isEmpty());
    }

    private static void assertVerdict(
            Map<String, StoredEvaluation> stored, SeededUser user, String compliance, String annotation) {
        StoredEvaluation evaluation = stored.get(user.userId());
        assertEquals(compliance, evaluation.complianceType(), user.userName());
        assertEquals(annotation, evaluation.annotation(), user.userName());
        assertEquals("AWS::IAM::User", evaluation.resourceType());
    }

    private static void previousResult(AwsEmulator emulator, String token, String userId, ComplianceType compliance) {
        emulator.configClient()
                .putEvaluations(request -> request.resultToken(token)
                        .evaluations(Evaluation.builder()
                                .complianceResourceType("AWS::IAM::User")
                                .complianceResourceId(userId)
                                .complianceType(compliance)
                                .annotation("an earlier run")
                                .orderingTimestamp(Instant.now().minus(Duration.ofDays(1)))
                                .build()));
    }
}
