package io.github.stalekeys.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StaleKeyPolicyTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final IamUser ALICE = new IamUser("AIDAALICE00000000001", "alice");
    private static final StaleKeyPolicy.TagLookup NO_TAG_CALLS = user -> fail("tags must not be looked up");

    private final StaleKeyPolicy policy =
            new StaleKeyPolicy(MaxKeyAge.DEFAULT, Exemptions.NONE, Clock.fixed(NOW, ZoneOffset.UTC));

    private static AccessKeyActivity usedAgo(String id, Duration ago) {
        return new AccessKeyActivity(
                id, KeyStatus.ACTIVE, NOW.minus(Duration.ofDays(400)), Optional.of(NOW.minus(ago)));
    }

    private static AccessKeyActivity neverUsedCreatedAgo(String id, Duration ago) {
        return new AccessKeyActivity(id, KeyStatus.ACTIVE, NOW.minus(ago), Optional.empty());
    }

    @Test
    void keyUsedExactlyAtTheThresholdIsStillCompliant() {
        assertFalse(policy.assess(usedAgo("AKIAEXACT", Duration.ofDays(90))).stale());
    }

    @Test
    void keyUsedOneSecondBeforeTheThresholdIsCompliant() {
        assertFalse(policy.assess(usedAgo("AKIAYOUNG", Duration.ofDays(90).minusSeconds(1)))
                .stale());
    }

    @Test
    void keyUsedOneSecondBeyondTheThresholdIsStaleAndSaysOver() {
        KeyAssessment assessment =
                policy.assess(usedAgo("AKIAOLD", Duration.ofDays(90).plusSeconds(1)));
        assertTrue(assessment.stale());
        assertEquals(90, assessment.idleDays());
        assertEquals("AKIAOLD unused over 90 days", assessment.describe());
    }

    @Test
    void annotationNamesDatesSoItDoesNotChangeFromOneDayToTheNext() {
        AccessKeyActivity stale = usedAgo("AKIASTALE", Duration.ofDays(143));
        StaleKeyPolicy nextDay = new StaleKeyPolicy(
                MaxKeyAge.DEFAULT, Exemptions.NONE, Clock.fixed(NOW.plus(Duration.ofDays(1)), ZoneOffset.UTC));
        String today = policy.judge(ALICE, List.of(stale), NO_TAG_CALLS).annotation();
        assertEquals("AKIASTALE unused since 2026-07-08 (limit 90 days). Fix: rotate or delete the key", today);
        assertEquals(today, nextDay.judge(ALICE, List.of(stale), NO_TAG_CALLS).annotation());
    }

    @Test
    void exemptionTagKeysMatchWhateverTheirCaseAsIamTreatsThem() {
        StaleKeyPolicy withTag = new StaleKeyPolicy(
                MaxKeyAge.DEFAULT,
                Exemptions.parse("exemptUsers", "", "exemptionTagKey", "KeyRotationExempt"),
                Clock.fixed(NOW, ZoneOffset.UTC));
        UserVerdict verdict = withTag.judge(
                ALICE, List.of(usedAgo("AKIASTALE", Duration.ofDays(143))), user -> Map.of("keyrotationexempt", "yes"));
        assertEquals(Compliance.NOT_APPLICABLE, verdict.compliance());
        assertEquals("Exempt: tagged keyrotationexempt (value 'yes')", verdict.annotation());
    }

    @Test
    void neverUsedKeyCreatedRecentlyIsCompliant() {
        UserVerdict verdict =
                policy.judge(ALICE, List.of(neverUsedCreatedAgo("AKIANEW", Duration.ofDays(10))), NO_TAG_CALLS);
        assertEquals(Compliance.COMPLIANT, verdict.compliance());
    }

    @Test
    void neverUsedKeyCreatedLongAgoIsStaleAndSaysSo() {
        UserVerdict verdict =
                policy.judge(ALICE, List.of(neverUsedCreatedAgo("AKIANEVER", Duration.ofDays(200))), NO_TAG_CALLS);
        assertEquals(Compliance.NON_COMPLIANT, verdict.compliance());
        assertEquals(
                "AKIANEVER never used, created 2026-05-12 (limit 90 days). Fix: rotate or delete the key",
                verdict.annotation());
    }

    @Test
    void oldKeyRecentlyUsedIsCompliantBecauseAgeIsNotDisuse() {
        AccessKeyActivity oldButUsed = new AccessKeyActivity(
                "AKIAOLDUSED",
                KeyStatus.ACTIVE,
                NOW.minus(Duration.ofDays(1000)),
                Optional.of(NOW.minus(Duration.ofDays(1))));
        assertEquals(
                Compliance.COMPLIANT,
                policy.judge(ALICE, List.of(oldButUsed), NO_TAG_CALLS).compliance());
    }

    @Test
    void inactiveStaleKeyDoesNotCount() {
        AccessKeyActivity inactive = new AccessKeyActivity(
                "AKIAOFF",
                KeyStatus.INACTIVE,
                NOW.minus(Duration.ofDays(500)),
                Optional.of(NOW.minus(Duration.ofDays(400))));
        UserVerdict verdict = policy.judge(ALICE, List.of(inactive), NO_TAG_CALLS);
        assertEquals(Compliance.COMPLIANT, verdict.compliance());
        assertEquals("No active access keys", verdict.annotation());
    }

    @Test
    void expiredAndUnrecognizedStatusesAreNeverTreatedAsActive() {
        for (String wire : List.of("Expired", "Suspended", "")) {
            AccessKeyActivity key = new AccessKeyActivity(
                    "AKIAODD", KeyStatus.fromIam(wire), NOW.minus(Duration.ofDays(500)), Optional.empty());
            assertFalse(policy.assess(key).stale(), wire);
        }
        assertEquals(KeyStatus.EXPIRED, KeyStatus.fromIam("Expired"));
        assertEquals(KeyStatus.UNRECOGNIZED, KeyStatus.fromIam("Suspended"));
        assertEquals(KeyStatus.UNRECOGNIZED, KeyStatus.fromIam(null));
    }

    @Test
    void twoKeysOneStaleNamesOnlyTheStaleOne() {
        UserVerdict verdict = policy.judge(
                ALICE,
                List.of(usedAgo("AKIAFRESH", Duration.ofDays(3)), usedAgo("AKIASTALE", Duration.ofDays(143))),
                NO_TAG_CALLS);
        assertEquals(Compliance.NON_COMPLIANT, verdict.compliance());
        assertEquals(
                "AKIASTALE unused since 2026-07-08 (limit 90 days). Fix: rotate or delete the key",
                verdict.annotation());
        assertEquals(
                List.of("AKIASTALE"),
                verdict.staleKeys().stream().map(k -> k.key().accessKeyId()).toList());
    }

    @Test
    void bothKeysStaleAreBothNamed() {
        UserVerdict verdict = policy.judge(
                ALICE,
                List.of(usedAgo("AKIAXYZ", Duration.ofDays(143)), neverUsedCreatedAgo("AKIAABC", Duration.ofDays(200))),
                NO_TAG_CALLS);
        assertEquals(
                "AKIAXYZ unused since 2026-07-08; AKIAABC never used, created 2026-05-12 (limit 90 days). Fix: rotate"
                        + " or delete the keys",
                verdict.annotation());
    }

    @Test
    void userWithoutKeysIsCompliant() {
        UserVerdict verdict = policy.judge(ALICE, List.of(), NO_TAG_CALLS);
        assertEquals(Compliance.COMPLIANT, verdict.compliance());
        assertEquals("No active access keys", verdict.annotation());
    }

    @Test
    void activityInTheFutureCountsAsRecent() {
        KeyAssessment assessment = policy.assess(usedAgo("AKIASKEW", Duration.ofMinutes(-5)));
        assertFalse(assessment.stale());
        assertEquals(Duration.ZERO, assessment.idleTime());
    }

    @Test
    void compliantAnnotationCountsActiveKeys() {
        UserVerdict verdict = policy.judge(
                ALICE,
                List.of(usedAgo("AKIA1", Duration.ofDays(1)), usedAgo("AKIA2", Duration.ofDays(2))),
                NO_TAG_CALLS);
        assertEquals("All 2 active access keys were used or created within 90 days", verdict.annotation());
    }

    @Test
    void customThresholdIsHonoured() {
        StaleKeyPolicy strict =
                new StaleKeyPolicy(new MaxKeyAge(30), Exemptions.NONE, Clock.fixed(NOW, ZoneOffset.UTC));
        assertTrue(strict.assess(usedAgo("AKIA31", Duration.ofDays(31))).stale());
        assertFalse(strict.assess(usedAgo("AKIA30", Duration.ofDays(30))).stale());
    }

    @Test
    void userListedByNameIsNotApplicableWithoutLookingAtKeysOrTags() {
        StaleKeyPolicy withExemption = new StaleKeyPolicy(
                MaxKeyAge.DEFAULT,
                Exemptions.parse("exemptUsers", "ci-bot, ALICE", "exemptionTagKey", "KeyRotationExempt"),
                Clock.fixed(NOW, ZoneOffset.UTC));
        UserVerdict verdict =
                withExemption.judge(ALICE, List.of(usedAgo("AKIASTALE", Duration.ofDays(143))), NO_TAG_CALLS);
        assertEquals(Compliance.NOT_APPLICABLE, verdict.compliance());
        assertEquals("Exempt: listed in exemptUsers", verdict.annotation());
    }

    @Test
    void userListedByIdIsNotApplicable() {
        StaleKeyPolicy withExemption = new StaleKeyPolicy(
                MaxKeyAge.DEFAULT,
                Exemptions.parse("exemptUsers", ALICE.userId(), "exemptionTagKey", null),
                Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals(
                Compliance.NOT_APPLICABLE,
                withExemption
                        .judge(ALICE, List.of(usedAgo("AKIASTALE", Duration.ofDays(143))), NO_TAG_CALLS)
                        .compliance());
    }

    @Test
    void tagsAreLookedUpOnlyForUsersWhoWouldFail() {
        StaleKeyPolicy withTag = new StaleKeyPolicy(
                MaxKeyAge.DEFAULT,
                Exemptions.parse("exemptUsers", "", "exemptionTagKey", "KeyRotationExempt"),
                Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals(
                Compliance.COMPLIANT,
                withTag.judge(ALICE, List.of(usedAgo("AKIAFRESH", Duration.ofDays(1))), NO_TAG_CALLS)
                        .compliance());

        UserVerdict tagged = withTag.judge(
                ALICE,
                List.of(usedAgo("AKIASTALE", Duration.ofDays(143))),
                user -> Map.of("KeyRotationExempt", "ticket-123"));
        assertEquals(Compliance.NOT_APPLICABLE, tagged.compliance());
        assertEquals("Exempt: tagged KeyRotationExempt (value 'ticket-123')", tagged.annotation());

        UserVerdict taggedFalse = withTag.judge(
                ALICE,
                List.of(usedAgo("AKIASTALE", Duration.ofDays(143))),
                user -> Map.of("KeyRotationExempt", "False"));
        assertEquals(Compliance.NON_COMPLIANT, taggedFalse.compliance());
        assertEquals(
                "AKIASTALE unused since 2026-07-08 (limit 90 days). Fix: rotate or delete the key, or tag the user"
                        + " KeyRotationExempt = \"until YYYY-MM-DD <ticket>\"",
                taggedFalse.annotation(),
                "the action names the tag to add");

        UserVerdict otherTag = withTag.judge(
                ALICE, List.of(usedAgo("AKIASTALE", Duration.ofDays(143))), user -> Map.of("team", "payments"));
        assertEquals(Compliance.NON_COMPLIANT, otherTag.compliance());
    }

    @Test
    void aPolicyKeepsItsSettingsAndJudgesByTheClockItIsGiven() {
        KeyAgeLimits limits = new KeyAgeLimits(new MaxKeyAge(90), new MaxKeyAge(30));
        Exemptions exemptions = Exemptions.parse("exemptUsers", "alice", "exemptionTagKey", null);
        WarningSchedule warnings = WarningSchedule.parse("warningDays", "14");
        StaleKeyPolicy policy = new StaleKeyPolicy(limits, warnings, exemptions, Clock.fixed(NOW, ZoneOffset.UTC));
        AccessKeyActivity usedLately = new AccessKeyActivity(
                "AKIALATE",
                KeyStatus.ACTIVE,
                NOW.minus(Duration.ofDays(400)),
                Optional.of(NOW.minus(Duration.ofDays(80))));

        StaleKeyPolicy later = policy.withClock(Clock.fixed(NOW.plus(Duration.ofDays(20)), ZoneOffset.UTC));

        assertEquals(new MaxKeyAge(90), policy.maxKeyAge());
        assertEquals(limits, policy.limits());
        assertEquals(warnings, policy.warnings());
        assertEquals(exemptions, policy.exemptions());
        assertEquals(NOW, policy.clock().instant());
        assertEquals(false, policy.assess(usedLately).stale());
        assertEquals(true, later.assess(usedLately).stale(), "20 days later: 100 days unused");
        assertEquals(limits, later.limits());
        assertEquals(exemptions, later.exemptions());
    }

    /** Two stale keys, both limits and the longest tag key: the hint goes first, the action stays, 256 at most. */
    @Test
    void atTheLimitTheExemptionHintIsDroppedBeforeTheAction() {
        String longTag = "k".repeat(128);
        StaleKeyPolicy longest = new StaleKeyPolicy(
                new KeyAgeLimits(new MaxKeyAge(3650), new MaxKeyAge(1000)),
                WarningSchedule.OFF,
                Exemptions.parse("exemptUsers", "", "exemptionTagKey", longTag),
                Clock.fixed(NOW, ZoneOffset.UTC));
        UserVerdict verdict = longest.judge(
                ALICE,
                List.of(
                        usedAgo("AKIA" + "X".repeat(16), Duration.ofDays(3700)),
                        neverUsedCreatedAgo("AKIA" + "Y".repeat(16), Duration.ofDays(1200))),
                user -> Map.of());
        String annotation = verdict.annotation();
        assertTrue(annotation.length() <= Annotation.MAX_LENGTH, annotation.length() + ": " + annotation);
        assertTrue(
                annotation.endsWith(
                        "(limits 3650 days, 1000 days for never-used keys). Fix: rotate or delete the keys"),
                annotation);
        assertFalse(annotation.contains(longTag), annotation);

        StaleKeyPolicy shortTag = new StaleKeyPolicy(
                MaxKeyAge.DEFAULT,
                Exemptions.parse("exemptUsers", "", "exemptionTagKey", "KeyRotationExempt"),
                Clock.fixed(NOW, ZoneOffset.UTC));
        assertTrue(
                shortTag.judge(ALICE, List.of(usedAgo("AKIASTALE", Duration.ofDays(143))), user -> Map.of())
                        .annotation()
                        .contains(", or tag the user KeyRotationExempt"),
                "with room for it the hint is kept");
    }

    @Test
    void theAnnotationSaysWhereEachStaleKeyWasLastUsedWhenItFits() {
        AccessKeyActivity stale = new AccessKeyActivity(
                "AKIASTALE",
                KeyStatus.ACTIVE,
                NOW.minus(Duration.ofDays(400)),
                Optional.of(NOW.minus(Duration.ofDays(143))),
                UsageSite.recorded("s3", "eu-west-1"));
        AccessKeyActivity global = new AccessKeyActivity(
                "AKIAGLOBAL",
                KeyStatus.ACTIVE,
                NOW.minus(Duration.ofDays(400)),
                Optional.of(NOW.minus(Duration.ofDays(120))),
                UsageSite.recorded("iam", "N/A"));
        assertEquals(
                "AKIASTALE unused since 2026-07-08, last used with s3 in eu-west-1; AKIAGLOBAL unused since 2026-07-31,"
                        + " last used with iam (limit 90 days). Fix: rotate or delete the keys",
                policy.judge(ALICE, List.of(stale, global), NO_TAG_CALLS).annotation());
    }

    @Test
    void theSitesAreLeftOutRatherThanCuttingAKeyOff() {
        String longName = "a".repeat(100);
        AccessKeyActivity first = new AccessKeyActivity(
                "AKIAFIRST00000000001",
                KeyStatus.ACTIVE,
                NOW.minus(Duration.ofDays(400)),
                Optional.of(NOW.minus(Duration.ofDays(143))),
                UsageSite.recorded(longName, "ap-southeast-1"));
        AccessKeyActivity second = new AccessKeyActivity(
                "AKIASECOND0000000002",
                KeyStatus.ACTIVE,
                NOW.minus(Duration.ofDays(400)),
                Optional.of(NOW.minus(Duration.ofDays(120))),
                UsageSite.recorded(longName, "ap-southeast-1"));
        String annotation =
                policy.judge(ALICE, List.of(first, second), NO_TAG_CALLS).annotation();
        assertEquals(
                "AKIAFIRST00000000001 unused since 2026-07-08; AKIASECOND0000000002 unused since 2026-07-31"
                        + " (limit 90 days). Fix: rotate or delete the keys",
                annotation);
    }
}
