package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.stalekeys.configrule.Deadline;
import io.github.stalekeys.iam.IamKeyInventory;
import io.github.stalekeys.policy.Compliance;
import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.MaxKeyAge;
import io.github.stalekeys.policy.StaleKeyPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.model.IamException;

/**
 * The rule's own decisions over IAM reads, in memory (the emulator tests cover the same paths end to end): a
 * change event's item is judged only while its name still belongs to its id, and a credential report row
 * speaks for a listed user only when the user's creation second matches.
 */
class AccountEvaluatorTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String TAG_KEY = "KeyRotationExempt";
    private static final Instant CREATED = Instant.parse("2024-03-01T09:30:15.450Z");

    private static final InMemoryIam.Key STALE =
            new InMemoryIam.Key("AKIASTALE00000000001", "Active", NOW.minus(Duration.ofDays(400)), null);
    private static final InMemoryIam.Key FRESH = new InMemoryIam.Key(
            "AKIAFRESH00000000001", "Active", NOW.minus(Duration.ofDays(400)), NOW.minus(Duration.ofDays(2)));

    private static AccountEvaluator evaluator(InMemoryIam iam) {
        return evaluator(iam, null);
    }

    private static AccountEvaluator evaluator(InMemoryIam iam, String exemptUsers) {
        StaleKeyPolicy policy = new StaleKeyPolicy(
                new MaxKeyAge(90), Exemptions.parse("exemptUsers", exemptUsers, "exemptionTagKey", TAG_KEY), CLOCK);
        return new AccountEvaluator(new IamKeyInventory(iam), new CredentialReportSource(iam, wait -> {}), policy);
    }

    private static Deadline farDeadline() {
        return Deadline.fromRemaining(Duration.ofMinutes(15), CLOCK);
    }

    @Test
    void aChangedItemWhoseNameNowBelongsToAnotherUserIsNotGivenThatUsersKeys() {
        // alice was deleted and re-created: the item's id is the old one, the name now has a new id and a stale key.
        InMemoryIam iam = new InMemoryIam().user("alice", "AIDANEWALICE00000001", CREATED, Map.of(), STALE);

        UserAssessment assessment = evaluator(iam).evaluateChanged(new IamUser("AIDAOLDALICE00000001", "alice"));

        assertEquals(Compliance.NOT_APPLICABLE, assessment.verdict().compliance());
        assertEquals(AccountEvaluator.USER_GONE, assessment.verdict().annotation());
        assertEquals(List.of(), assessment.keys());
        // Listed before the id check (so the tags come after the keys), then dropped: never judged nor looked up.
        assertEquals(0, iam.calls("GetAccessKeyLastUsed"), "the other user's keys are not looked up");
    }

    @Test
    void aChangedItemWhoseNameStillBelongsToItsIdIsJudgedOnItsKeys() {
        InMemoryIam iam = new InMemoryIam().user("alice", "AIDAALICE00000000001", CREATED, Map.of(), STALE, FRESH);

        UserAssessment assessment = evaluator(iam).evaluateChanged(new IamUser("AIDAALICE00000000001", "alice"));

        assertEquals(Compliance.NON_COMPLIANT, assessment.verdict().compliance());
        assertEquals(
                List.of("AKIASTALE00000000001", "AKIAFRESH00000000001"),
                assessment.keys().stream().map(k -> k.accessKeyId()).toList());
        assertEquals(1, iam.calls("GetUser"));
    }

    @Test
    void aChangedItemIsJudgedWithTheTagsGetUserBrought() {
        InMemoryIam iam =
                new InMemoryIam().user("alice", "AIDAALICE00000000001", CREATED, Map.of(TAG_KEY, "CHG-42"), STALE);

        UserAssessment assessment = evaluator(iam).evaluateChanged(new IamUser("AIDAALICE00000000001", "alice"));

        assertEquals(Compliance.NOT_APPLICABLE, assessment.verdict().compliance());
        assertEquals(0, iam.calls("ListUserTags"), "GetUser already brought the tags");
    }

    @Test
    void aChangedItemsTagsAreReadAfterItsKeysSoABackoutsGraceIsSeen() {
        InMemoryIam iam = new InMemoryIam().user("alice", "AIDAALICE00000000001", CREATED, Map.of(), STALE);

        evaluator(iam).evaluateChanged(new IamUser("AIDAALICE00000000001", "alice"));

        assertEquals(List.of("ListAccessKeys", "GetUser", "GetAccessKeyLastUsed"), iam.callOrder());
    }

    @Test
    void aChangedItemForAUserWhoNoLongerExistsIsNotApplicable() {
        UserAssessment assessment =
                evaluator(new InMemoryIam()).evaluateChanged(new IamUser("AIDAGONE000000000001", "gone"));

        assertEquals(Compliance.NOT_APPLICABLE, assessment.verdict().compliance());
        assertEquals(AccountEvaluator.USER_GONE, assessment.verdict().annotation());
    }

    @Test
    void aReportRowCreatedInTheSameSecondAsTheListedUserSettlesThatUserWithoutLiveCalls() {
        // The listing has milliseconds; the report has seconds.
        InMemoryIam iam = new InMemoryIam()
                .user("alice", "AIDAALICE00000000001", CREATED, Map.of(), FRESH)
                .reportRow("alice", Instant.parse("2024-03-01T09:30:15Z"), FRESH);

        List<UserAssessment> assessments = evaluator(iam).evaluateAll(Set.of(), farDeadline());

        assertEquals(1, assessments.size());
        assertEquals(Compliance.COMPLIANT, assessments.getFirst().verdict().compliance());
        assertEquals(0, iam.calls("ListAccessKeys"));
        assertEquals(0, iam.calls("GetAccessKeyLastUsed"));
    }

    @Test
    void aReportRowFromAnEarlierUserOfTheSameNameIsNotTrusted() {
        // The report still shows the deleted alice (a fresh key); the listed alice, created a second later, has a
        // stale key: the row must not speak for her.
        InMemoryIam iam = new InMemoryIam()
                .user("alice", "AIDAALICE00000000001", CREATED, Map.of(), STALE)
                .reportRow("alice", Instant.parse("2024-03-01T09:30:14Z"), FRESH);

        List<UserAssessment> assessments = evaluator(iam).evaluateAll(Set.of(), farDeadline());

        assertEquals(Compliance.NON_COMPLIANT, assessments.getFirst().verdict().compliance());
        assertEquals(1, iam.calls("ListAccessKeys"));
    }

    @Test
    void aFlaggedUsersExemptionTagIsTheOneTheListingBroughtWithNoTagCall() {
        InMemoryIam iam = new InMemoryIam()
                .user("dave", "AIDADAVE000000000001", CREATED, Map.of(TAG_KEY, "CHG-7"), STALE)
                .user("erin", "AIDAERIN000000000001", CREATED, Map.of("team", "payments"), STALE)
                .reportRow("dave", CREATED, STALE)
                .reportRow("erin", CREATED, STALE);
        AccountEvaluator evaluator = evaluator(iam);

        List<UserAssessment> assessments = evaluator.evaluateAll(Set.of(), farDeadline());

        assertEquals(
                List.of(Compliance.NOT_APPLICABLE, Compliance.NON_COMPLIANT),
                assessments.stream().map(a -> a.verdict().compliance()).toList());
        assertEquals(1, iam.calls("GetAccountAuthorizationDetails"));
        assertEquals(2, iam.calls("ListAccessKeys"), "both confirmed live");
        assertEquals(Map.of("team", "payments"), evaluator.tagsOf(new IamUser("AIDAERIN000000000001", "erin")));
        assertEquals(0, iam.calls("ListUserTags"), "exemption and tags as the listing gave them");
    }

    @Test
    void theTagsOfAUserTheReportSettledAreReadWhenAskedForNotKeptFromTheListing() {
        InMemoryIam iam = new InMemoryIam()
                .user("frank", "AIDAFRANK00000000001", CREATED, Map.of("owner", "f@example.com"), FRESH)
                .reportRow("frank", CREATED, FRESH);
        AccountEvaluator evaluator = evaluator(iam);
        evaluator.evaluateAll(Set.of(), farDeadline());

        // Only the users sent down the live path keep their listed tags: the rest would hold every tag of the account.
        assertEquals(Map.of("owner", "f@example.com"), evaluator.tagsOf(new IamUser("AIDAFRANK00000000001", "frank")));
        assertEquals(1, iam.calls("ListUserTags"));
    }

    @Test
    void aListingThatFailsOnItsSecondPageHasMadeNoLiveCall() {
        InMemoryIam iam = new InMemoryIam().listingFailsAtPage(2);
        for (int i = 0; i < 1_001; i++) {
            String name = String.format("user-%04d", i);
            iam.user(name, String.format("AIDAUSER%012d", i), CREATED, Map.of(), STALE)
                    .reportRow(name, CREATED, STALE);
        }

        IamException error =
                assertThrows(IamException.class, () -> evaluator(iam).evaluateAll(Set.of(), farDeadline()));

        assertEquals("Throttling", error.awsErrorDetails().errorCode());
        assertEquals(2, iam.calls("GetAccountAuthorizationDetails"), "1,000 users a page");
        assertEquals(0, iam.calls("ListAccessKeys"), "the first page's flagged users were not confirmed for nothing");
    }

    @Test
    void afterTheFirstFailedConfirmationTheOnesNotYetStartedMakeNoCall() {
        InMemoryIam iam = new InMemoryIam().keyListingsFail();
        for (int i = 0; i < 50; i++) {
            String name = String.format("user-%02d", i);
            iam.user(name, String.format("AIDAUSER%012d", i), CREATED, Map.of(), STALE)
                    .reportRow(name, CREATED, STALE);
        }
        AccountEvaluator oneAtATime = new AccountEvaluator(
                new IamKeyInventory(iam),
                new CredentialReportSource(iam, wait -> {}),
                new StaleKeyPolicy(new MaxKeyAge(90), Exemptions.NONE, CLOCK),
                java.util.Optional.empty(),
                CLOCK,
                1);

        IamException error = assertThrows(IamException.class, () -> oneAtATime.evaluateAll(Set.of(), farDeadline()));

        assertEquals("Throttling", error.awsErrorDetails().errorCode(), "the failure itself is reported");
        assertEquals(1, iam.calls("ListAccessKeys"), "the other 49 were skipped");
    }

    @Test
    void aListedExemptUserIsSettledByTheReportEvenWithAStaleKey() {
        InMemoryIam iam = new InMemoryIam()
                .user("carol", "AIDACAROL00000000001", CREATED, Map.of(), STALE)
                .reportRow("carol", CREATED, STALE);

        List<UserAssessment> assessments = evaluator(iam, "carol").evaluateAll(Set.of(), farDeadline());

        assertEquals(Compliance.NOT_APPLICABLE, assessments.getFirst().verdict().compliance());
        assertEquals(0, iam.calls("ListAccessKeys"), "an exempt user needs no live look");
    }

    @Test
    void aUserMissingFromTheReportIsReadLive() {
        InMemoryIam iam = new InMemoryIam().user("bob", "AIDABOB0000000000001", CREATED, Map.of(), FRESH);

        List<UserAssessment> assessments = evaluator(iam).evaluateAll(Set.of(), farDeadline());

        assertEquals(Compliance.COMPLIANT, assessments.getFirst().verdict().compliance());
        assertEquals(1, iam.calls("ListAccessKeys"));
        assertEquals(1, iam.calls("GetAccessKeyLastUsed"));
    }

    @Test
    void previouslyEvaluatedUsersWhoAreGoneBecomeNotApplicable() {
        InMemoryIam iam = new InMemoryIam()
                .user("bob", "AIDABOB0000000000001", CREATED, Map.of(), FRESH)
                .reportRow("bob", CREATED, FRESH);

        List<UserAssessment> assessments =
                evaluator(iam).evaluateAll(Set.of("AIDABOB0000000000001", "AIDAGONE000000000001"), farDeadline());

        assertEquals(2, assessments.size());
        UserAssessment gone = assessments.stream()
                .filter(a -> a.verdict().user().userId().equals("AIDAGONE000000000001"))
                .findFirst()
                .orElseThrow();
        assertEquals(Compliance.NOT_APPLICABLE, gone.verdict().compliance());
    }

    @Test
    void aRunJudgesEveryUserAtTheInstantItStarted() {
        // Each read of this clock is a day later: a run that read it per user or per key would find the later
        // users' keys stale. A key used 89 days before the run is compliant for every user of the run.
        Clock ticking = new Clock() {
            private Instant now = NOW;

            @Override
            public synchronized Instant instant() {
                Instant current = now;
                now = now.plus(Duration.ofDays(1));
                return current;
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
        InMemoryIam iam = new InMemoryIam();
        for (int user = 1; user <= 5; user++) {
            InMemoryIam.Key key = new InMemoryIam.Key(
                    "AKIAUSER" + user + "000000000000",
                    "Active",
                    NOW.minus(Duration.ofDays(400)),
                    NOW.minus(Duration.ofDays(89)));
            iam.user("user" + user, "AIDAUSER" + user + "000000000000", CREATED, Map.of(), key);
        }
        StaleKeyPolicy policy = new StaleKeyPolicy(new MaxKeyAge(90), Exemptions.NONE, ticking);
        AccountEvaluator evaluator = new AccountEvaluator(
                new IamKeyInventory(iam),
                new CredentialReportSource(iam, wait -> {}),
                policy,
                java.util.Optional.empty(),
                ticking,
                1);

        List<UserAssessment> run = evaluator.evaluateAll(Set.of(), farDeadline());

        assertEquals(5, run.size());
        run.forEach(assessment -> assertEquals(
                Compliance.COMPLIANT,
                assessment.verdict().compliance(),
                assessment.verdict().toString()));
    }

    @Test
    void aFailedReadOfTheTagsBehindAGraceFailsTheRunRatherThanPostWithoutTheGrace() {
        // The records' tags are read again after the keys; IAM failing that read is not a seal that failed to verify.
        InMemoryIam iam = new InMemoryIam()
                .user("alice", "AIDAALICE00000000001", CREATED, Map.of(), STALE)
                .reportRow("alice", CREATED, STALE)
                .tagReadsFail();
        software.amazon.awssdk.services.kms.KmsClient unused = new software.amazon.awssdk.services.kms.KmsClient() {
            @Override
            public String serviceName() {
                return "kms";
            }

            @Override
            public void close() {}
        };
        AccountEvaluator evaluator = new AccountEvaluator(
                new IamKeyInventory(iam),
                new CredentialReportSource(iam, wait -> {}),
                new StaleKeyPolicy(new MaxKeyAge(90), Exemptions.NONE, CLOCK),
                java.util.Optional.of(new io.github.stalekeys.audit.AuditTrail(
                        iam, new io.github.stalekeys.audit.AuditSeal(unused, "alias/audit"))),
                CLOCK,
                1);

        IamException error = assertThrows(IamException.class, () -> evaluator.evaluateAll(Set.of(), farDeadline()));

        assertEquals("Throttling", error.awsErrorDetails().errorCode());
        assertEquals(1, iam.calls("ListUserTags"));
    }

    @Test
    void aUserWhoseRecordsCannotBeVerifiedIsJudgedWithoutGraceAndEveryOtherUserIsStillJudged() {
        // KMS throttles (or anyone added a tag that looks sealed and KMS is down): one user's records, not the run.
        String forged = "StaleKeyRemediation:11111111-1111-4111-8111-111111111111";
        InMemoryIam iam = new InMemoryIam()
                .user("alice", "AIDAALICE00000000001", CREATED, Map.of(), STALE)
                .user(
                        "bob",
                        "AIDABOB0000000000001",
                        CREATED,
                        Map.of(
                                forged,
                                "disabled=AKIASTALE00000000001 at=2026-01-01T00:00:00Z mac=" + "A".repeat(43) + "="),
                        STALE)
                .user("carol", "AIDACAROL00000000001", CREATED, Map.of(), FRESH);
        software.amazon.awssdk.services.kms.KmsClient throttled = new software.amazon.awssdk.services.kms.KmsClient() {
            @Override
            public software.amazon.awssdk.services.kms.model.VerifyMacResponse verifyMac(
                    software.amazon.awssdk.services.kms.model.VerifyMacRequest request) {
                throw (software.amazon.awssdk.services.kms.model.KmsException)
                        software.amazon.awssdk.services.kms.model.KmsException.builder()
                                .message("Rate exceeded")
                                .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                                        .errorCode("ThrottlingException")
                                        .build())
                                .build();
            }

            @Override
            public String serviceName() {
                return "kms";
            }

            @Override
            public void close() {}
        };
        StaleKeyPolicy policy = new StaleKeyPolicy(new MaxKeyAge(90), Exemptions.NONE, CLOCK);
        AccountEvaluator evaluator = new AccountEvaluator(
                new IamKeyInventory(iam),
                new CredentialReportSource(iam, wait -> {}),
                policy,
                java.util.Optional.of(new io.github.stalekeys.audit.AuditTrail(
                        iam, new io.github.stalekeys.audit.AuditSeal(throttled, "alias/audit"))),
                CLOCK,
                1);

        List<UserAssessment> run = evaluator.evaluateAll(Set.of(), farDeadline());

        assertEquals(3, run.size());
        Map<String, UserAssessment> byName = new java.util.HashMap<>();
        run.forEach(assessment -> byName.put(assessment.verdict().user().userName(), assessment));
        assertEquals(Compliance.NON_COMPLIANT, byName.get("alice").verdict().compliance());
        assertEquals(Compliance.NON_COMPLIANT, byName.get("bob").verdict().compliance());
        org.junit.jupiter.api.Assertions.assertTrue(
                byName.get("bob")
                        .verdict()
                        .annotation()
                        .startsWith(
                                "backout grace not checked (the audit records' seal could not be verified: ThrottlingException); "
                                        + "AKIASTALE00000000001 never used"),
                byName.get("bob").verdict().annotation());
        assertEquals(Compliance.COMPLIANT, byName.get("carol").verdict().compliance());
    }
}
