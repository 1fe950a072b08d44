package io.github.stalekeys.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Warnings ahead of the limit, the never-used limit, and lapsed exemptions in the verdict. */
class KeyWarningsTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final IamUser ALICE = new IamUser("AIDAALICE00000000001", "alice");
    private static final StaleKeyPolicy.TagLookup NO_TAG_CALLS = user -> fail("tags must not be looked up");

    private static StaleKeyPolicy policy(KeyAgeLimits limits, WarningSchedule warnings, Instant now) {
        return new StaleKeyPolicy(limits, warnings, Exemptions.NONE, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static AccessKeyActivity usedAt(String id, Instant lastUsed) {
        return new AccessKeyActivity(id, KeyStatus.ACTIVE, lastUsed.minus(Duration.ofDays(400)), Optional.of(lastUsed));
    }

    @Test
    void compliantAnnotationGivesTheDateTheKeyTurnsNonCompliant() {
        // Last used 80 days ago with a 90-day limit: within the default 14 warning days.
        AccessKeyActivity key = usedAt("AKIAWARN", NOW.minus(Duration.ofDays(80)));
        UserVerdict verdict =
                policy(KeyAgeLimits.DEFAULT, WarningSchedule.DEFAULT, NOW).judge(ALICE, List.of(key), NO_TAG_CALLS);
        assertEquals(Compliance.COMPLIANT, verdict.compliance());
        assertEquals(
                "An active access key turns non-compliant on 2026-12-08 unless used (limit 90 days)",
                verdict.annotation());
    }

    @Test
    void theAnnotationDoesNotChangeFromDayToDayWithinTheWarning() {
        AccessKeyActivity key = usedAt("AKIAWARN", NOW.minus(Duration.ofDays(80)));
        String today = policy(KeyAgeLimits.DEFAULT, WarningSchedule.DEFAULT, NOW)
                .judge(ALICE, List.of(key), NO_TAG_CALLS)
                .annotation();
        String tomorrow = policy(KeyAgeLimits.DEFAULT, WarningSchedule.DEFAULT, NOW.plus(Duration.ofDays(1)))
                .judge(ALICE, List.of(key), NO_TAG_CALLS)
                .annotation();
        assertEquals(today, tomorrow);
    }

    @Test
    void noWarningAnnotationBeforeTheWindowOrWhenOff() {
        AccessKeyActivity early = usedAt("AKIAEARLY", NOW.minus(Duration.ofDays(70)));
        assertEquals(
                "The active access key was used or created within 90 days",
                policy(KeyAgeLimits.DEFAULT, WarningSchedule.DEFAULT, NOW)
                        .judge(ALICE, List.of(early), NO_TAG_CALLS)
                        .annotation());
        AccessKeyActivity close = usedAt("AKIACLOSE", NOW.minus(Duration.ofDays(89)));
        assertEquals(
                "The active access key was used or created within 90 days",
                policy(KeyAgeLimits.DEFAULT, WarningSchedule.OFF, NOW)
                        .judge(ALICE, List.of(close), NO_TAG_CALLS)
                        .annotation());
    }

    /** Runs at the given instants, each comparing with the one before (as the re-recorded result makes it). */
    private static List<String> announcedOver(StaleKeyPolicy policy, AccessKeyActivity key, List<Instant> runs) {
        List<String> announced = new ArrayList<>();
        Optional<Instant> previous = Optional.empty();
        for (Instant run : runs) {
            for (KeyWarning warning : policy.warningsReached(List.of(key), previous, run)) {
                announced.add(warning.daysBefore() + "@" + run);
            }
            previous = Optional.of(run);
        }
        return announced;
    }

    @Test
    void eachStageIsAnnouncedByExactlyOneOfTheRunsHoweverOftenTheyCome() {
        // The key turns non-compliant on 2026-12-10 at 07:30 UTC; hourly runs over 20 days.
        AccessKeyActivity key = usedAt("AKIAHOURLY", Instant.parse("2026-09-11T07:30:00Z"));
        StaleKeyPolicy policy = policy(KeyAgeLimits.DEFAULT, WarningSchedule.DEFAULT, NOW);
        List<Instant> hourly = new ArrayList<>();
        for (Instant run = Instant.parse("2026-11-22T00:17:00Z");
                run.isBefore(Instant.parse("2026-12-12T00:00:00Z"));
                run = run.plus(Duration.ofHours(1))) {
            hourly.add(run);
        }
        assertEquals(
                List.of("14@2026-11-26T08:17:00Z", "7@2026-12-03T08:17:00Z", "1@2026-12-09T08:17:00Z"),
                announcedOver(policy, key, hourly));
        for (KeyWarning warning :
                policy.warningsReached(List.of(key), Optional.empty(), Instant.parse("2026-12-03T08:17:00Z"))) {
            assertEquals(LocalDate.parse("2026-12-10"), warning.nonCompliantOn());
            assertEquals(Instant.parse("2026-12-03T07:30:00Z"), warning.stageReachedAt());
        }
    }

    @Test
    void twoRunsOnOneDayAnnounceTheStageOnce() {
        AccessKeyActivity key = usedAt("AKIATWICE", Instant.parse("2026-09-11T07:30:00Z"));
        StaleKeyPolicy policy = policy(KeyAgeLimits.DEFAULT, WarningSchedule.DEFAULT, NOW);
        assertEquals(
                List.of("14@2026-11-26T09:00:00Z"),
                announcedOver(
                        policy,
                        key,
                        List.of(
                                Instant.parse("2026-11-25T09:00:00Z"),
                                Instant.parse("2026-11-26T09:00:00Z"),
                                Instant.parse("2026-11-26T15:00:00Z"),
                                Instant.parse("2026-11-26T15:00:00Z"))));
    }

    @Test
    void aSkippedRunAnnouncesTheLatestStageReachedOnceNotEachOnePassed() {
        AccessKeyActivity key = usedAt("AKIASKIP", Instant.parse("2026-09-11T07:30:00Z"));
        StaleKeyPolicy policy = policy(KeyAgeLimits.DEFAULT, WarningSchedule.DEFAULT, NOW);
        // A day without a run on the 14-day stage's day: announced the day after, late but not lost.
        assertEquals(
                List.of("14@2026-11-27T09:00:00Z"),
                announcedOver(
                        policy,
                        key,
                        List.of(Instant.parse("2026-11-25T09:00:00Z"), Instant.parse("2026-11-27T09:00:00Z"))));
        // A week without runs across the 14- and 7-day stages: the 7-day stage alone.
        assertEquals(
                List.of("7@2026-12-04T09:00:00Z"),
                announcedOver(
                        policy,
                        key,
                        List.of(Instant.parse("2026-11-25T09:00:00Z"), Instant.parse("2026-12-04T09:00:00Z"))));
    }

    @Test
    void aKeyUsedAgainHasReachedNoStageAndIsWarnedAfreshWhenItComesCloseAgain() {
        StaleKeyPolicy policy = policy(KeyAgeLimits.DEFAULT, WarningSchedule.DEFAULT, NOW);
        Instant announcedAt = Instant.parse("2026-11-26T09:00:00Z");
        AccessKeyActivity usedAgain = usedAt("AKIAAGAIN", Instant.parse("2026-11-27T10:00:00Z"));
        assertEquals(
                List.of(),
                policy.warningsReached(
                        List.of(usedAgain), Optional.of(announcedAt), Instant.parse("2026-11-28T09:00:00Z")));
        List<KeyWarning> again = policy.warningsReached(
                List.of(usedAgain),
                Optional.of(Instant.parse("2027-02-10T09:00:00Z")),
                Instant.parse("2027-02-11T11:00:00Z"));
        assertEquals(List.of(14), again.stream().map(KeyWarning::daysBefore).toList());
        assertEquals(LocalDate.parse("2027-02-25"), again.get(0).nonCompliantOn());
    }

    @Test
    void aStageMomentExactlyAtARunBelongsToThatRunNotTheNext() {
        Instant staleAfter = Instant.parse("2026-12-10T00:00:00Z");
        AccessKeyActivity key = usedAt("AKIAEDGE", staleAfter.minus(Duration.ofDays(90)));
        StaleKeyPolicy policy = policy(KeyAgeLimits.DEFAULT, WarningSchedule.DEFAULT, NOW);
        Instant moment = staleAfter.minus(Duration.ofDays(7));
        assertEquals(
                1,
                policy.warningsReached(List.of(key), Optional.of(moment.minusSeconds(1)), moment)
                        .size());
        assertEquals(
                0,
                policy.warningsReached(List.of(key), Optional.of(moment), moment.plus(Duration.ofDays(1)))
                        .size());
    }

    @Test
    void aStaleKeyIsNotWarnedOfItIsJudged() {
        AccessKeyActivity key = usedAt("AKIASTALE", NOW.minus(Duration.ofDays(91)));
        StaleKeyPolicy policy = policy(KeyAgeLimits.DEFAULT, WarningSchedule.DEFAULT, NOW);
        assertEquals(List.of(), policy.warningsReached(List.of(key), Optional.empty(), NOW));
    }

    @Test
    void inactiveKeysAreNeverAnnouncedNorAnnotated() {
        AccessKeyActivity inactive = new AccessKeyActivity(
                "AKIAOFF",
                KeyStatus.INACTIVE,
                NOW.minus(Duration.ofDays(400)),
                Optional.of(NOW.minus(Duration.ofDays(83))));
        StaleKeyPolicy policy = policy(KeyAgeLimits.DEFAULT, WarningSchedule.DEFAULT, NOW);
        assertEquals(List.of(), policy.warningsReached(List.of(inactive), Optional.empty(), NOW));
        assertEquals(List.of(), policy.upcoming(List.of(inactive)));
    }

    @Test
    void neverUsedKeysAreJudgedFromCreationAgainstTheirOwnLimit() {
        KeyAgeLimits limits = new KeyAgeLimits(new MaxKeyAge(90), new MaxKeyAge(30));
        StaleKeyPolicy policy = policy(limits, WarningSchedule.OFF, NOW);
        AccessKeyActivity neverUsed =
                new AccessKeyActivity("AKIANEVER", KeyStatus.ACTIVE, NOW.minus(Duration.ofDays(31)), Optional.empty());
        AccessKeyActivity used = usedAt("AKIAUSED", NOW.minus(Duration.ofDays(31)));
        KeyAssessment assessment = policy.assess(neverUsed);
        assertTrue(assessment.stale());
        assertEquals(30, assessment.limit().days());
        assertEquals(false, policy.assess(used).stale());
        UserVerdict verdict = policy.judge(ALICE, List.of(neverUsed, used), user -> Map.of());
        assertEquals(Compliance.NON_COMPLIANT, verdict.compliance());
        assertEquals(
                "AKIANEVER never used, created 2026-10-28 (limits 90 days, 30 days for never-used keys). Fix: rotate or"
                        + " delete the key",
                verdict.annotation());
    }

    @Test
    void aLooserNeverUsedLimitSparesANeverUsedKeyTheUsedLimitWouldDisable() {
        KeyAgeLimits limits = new KeyAgeLimits(new MaxKeyAge(90), new MaxKeyAge(180));
        AccessKeyActivity neverUsed =
                new AccessKeyActivity("AKIANEVER", KeyStatus.ACTIVE, NOW.minus(Duration.ofDays(120)), Optional.empty());
        RemediationPlan plan = RemediationPlan.of(policy(limits, WarningSchedule.OFF, NOW), List.of(neverUsed));
        assertEquals(List.of(), plan.toDisable());
        assertEquals(
                "never used but created 120 days ago, within the 180-day limit",
                plan.skipped().get(0).reason());
    }

    @Test
    void neverUsedKeyWarningsCountFromCreation() {
        KeyAgeLimits limits = new KeyAgeLimits(new MaxKeyAge(90), new MaxKeyAge(30));
        AccessKeyActivity neverUsed = new AccessKeyActivity(
                "AKIANEW", KeyStatus.ACTIVE, Instant.parse("2026-11-01T12:00:00Z"), Optional.empty());
        List<KeyWarning> upcoming = policy(limits, WarningSchedule.DEFAULT, NOW).upcoming(List.of(neverUsed));
        assertEquals(1, upcoming.size());
        assertEquals(LocalDate.parse("2026-12-01"), upcoming.get(0).nonCompliantOn());
        assertEquals(7, upcoming.get(0).daysBefore());
    }

    @Test
    void aLapsedExemptionMakesTheUserNonCompliantAndTheAnnotationSaysSoFirst() {
        StaleKeyPolicy policy = new StaleKeyPolicy(
                KeyAgeLimits.DEFAULT,
                WarningSchedule.DEFAULT,
                Exemptions.parse("exemptUsers", "", "exemptionTagKey", "KeyRotationExempt"),
                Clock.fixed(NOW, ZoneOffset.UTC));
        AccessKeyActivity stale = usedAt("AKIASTALE", NOW.minus(Duration.ofDays(100)));
        UserVerdict lapsed =
                policy.judge(ALICE, List.of(stale), user -> Map.of("KeyRotationExempt", "until 2026-11-27 CHG-1"));
        assertEquals(Compliance.NON_COMPLIANT, lapsed.compliance());
        assertEquals(
                "exemption tag KeyRotationExempt lapsed after 2026-11-27; AKIASTALE unused since 2026-08-20 (limit 90 days)."
                        + " Fix: rotate or delete the key, or tag the user KeyRotationExempt = \"until YYYY-MM-DD"
                        + " <ticket>\"",
                lapsed.annotation());
        UserVerdict exempt =
                policy.judge(ALICE, List.of(stale), user -> Map.of("KeyRotationExempt", "until 2026-11-28 CHG-1"));
        assertEquals(Compliance.NOT_APPLICABLE, exempt.compliance());
        assertEquals(
                "Exempt: tagged KeyRotationExempt until 2026-11-28 (value 'until 2026-11-28 CHG-1')",
                exempt.annotation());
    }

    @Test
    void stagesAsLongAsTheLimitAreSkipped() {
        // A 7-day limit with 14 warning days: only the 1-day stage makes sense (7 and 14 would fire at use).
        StaleKeyPolicy policy = policy(KeyAgeLimits.same(new MaxKeyAge(7)), WarningSchedule.DEFAULT, NOW);
        AccessKeyActivity justUsed = usedAt("AKIAJUST", NOW);
        assertEquals(List.of(), policy.warningsReached(List.of(justUsed), Optional.empty(), NOW));
        AccessKeyActivity sixDays = usedAt("AKIASIX", NOW.minus(Duration.ofDays(6)));
        assertEquals(
                List.of(1),
                policy.warningsReached(List.of(sixDays), Optional.empty(), NOW).stream()
                        .map(KeyWarning::daysBefore)
                        .toList());
    }
}
