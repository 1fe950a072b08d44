package io.github.stalekeys.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BackoutGraceTest {

    private static final Instant RESTORED = Instant.parse("2026-11-29T10:00:00Z");
    private static final Instant UNTIL = RESTORED.plus(Duration.ofDays(30));
    private static final IamUser ALICE = new IamUser("AIDAEXAMPLE000000001", "alice");
    private static final BackoutGrace.Grant GRANT = new BackoutGrace.Grant("AKIARESTORED", RESTORED, UNTIL);

    @Test
    void aRestoredKeyUnusedSinceIsSparedUntilItsGraceEnds() {
        AccessKeyActivity key = stale("AKIARESTORED", Optional.of(RESTORED.minus(Duration.ofDays(143))));

        assertEquals(Optional.of(GRANT), grace(RESTORED.plusSeconds(60)).sparing(key));
        assertEquals(Optional.of(GRANT), grace(UNTIL.minusSeconds(1)).sparing(key));
        assertEquals(Optional.empty(), grace(UNTIL).sparing(key), "the grace expires by itself at its date");
    }

    @Test
    void aKeyUsedSinceItsRestoreFollowsTheNormalRule() {
        AccessKeyActivity used = stale("AKIARESTORED", Optional.of(RESTORED.plusSeconds(1)));

        assertEquals(Optional.empty(), grace(RESTORED.plus(Duration.ofDays(2))).sparing(used));
    }

    @Test
    void aGrantForAnotherKeySparesNothing() {
        assertEquals(Optional.empty(), grace(RESTORED).sparing(stale("AKIAOTHER", Optional.empty())));
    }

    @Test
    void aUserWhoseOnlyStaleKeyIsSparedIsCompliantAndTheAnnotationGivesTheDate() {
        Instant now = RESTORED.plus(Duration.ofDays(1));
        StaleKeyPolicy policy =
                new StaleKeyPolicy(MaxKeyAge.DEFAULT, Exemptions.NONE, Clock.fixed(now, ZoneOffset.UTC));
        AccessKeyActivity key = stale("AKIARESTORED", Optional.of(RESTORED.minus(Duration.ofDays(143))));
        UserVerdict flagged = policy.judge(ALICE, List.of(key), user -> java.util.Map.of());

        UserVerdict verdict = grace(now).apply(flagged);

        assertEquals(Compliance.COMPLIANT, verdict.compliance());
        assertEquals(
                "AKIARESTORED restored by a backout on 2026-11-29: not reported until 2026-12-29 unless used",
                verdict.annotation());
    }

    @Test
    void anotherStaleKeyKeepsTheUserNonCompliantAndTheAnnotationNamesBoth() {
        Instant now = RESTORED.plus(Duration.ofDays(1));
        StaleKeyPolicy policy =
                new StaleKeyPolicy(MaxKeyAge.DEFAULT, Exemptions.NONE, Clock.fixed(now, ZoneOffset.UTC));
        AccessKeyActivity spared = stale("AKIARESTORED", Optional.of(RESTORED.minus(Duration.ofDays(143))));
        AccessKeyActivity other = stale("AKIAOTHER", Optional.of(now.minus(Duration.ofDays(200))));
        UserVerdict flagged = policy.judge(ALICE, List.of(spared, other), user -> java.util.Map.of());

        UserVerdict verdict = grace(now).apply(flagged);

        assertEquals(Compliance.NON_COMPLIANT, verdict.compliance());
        assertEquals(
                List.of(other),
                verdict.staleKeys().stream().map(KeyAssessment::key).toList());
        String unusedSince = java.time.LocalDate.ofInstant(now.minus(Duration.ofDays(200)), ZoneOffset.UTC)
                .toString();
        String restoredOn =
                java.time.LocalDate.ofInstant(RESTORED, ZoneOffset.UTC).toString();
        assertTrue(
                verdict.annotation().startsWith("AKIARESTORED restored by a backout on " + restoredOn),
                verdict.annotation());
        assertTrue(
                verdict.annotation()
                        .endsWith("; AKIAOTHER unused since " + unusedSince
                                + " (limit 90 days). Fix: rotate or delete the key"),
                "the key still stale comes last, with what to do about it (one key): " + verdict.annotation());

        // Dates, not day counts: the next day's run finds the same annotation and records nothing new.
        Instant nextDay = now.plus(Duration.ofDays(1));
        StaleKeyPolicy nextDayPolicy =
                new StaleKeyPolicy(MaxKeyAge.DEFAULT, Exemptions.NONE, Clock.fixed(nextDay, ZoneOffset.UTC));
        UserVerdict nextDayVerdict =
                grace(nextDay).apply(nextDayPolicy.judge(ALICE, List.of(spared, other), user -> java.util.Map.of()));
        assertEquals(verdict.annotation(), nextDayVerdict.annotation());
    }

    @Test
    void compliantAndExemptVerdictsAreLeftAsTheyAre() {
        UserVerdict exempt = UserVerdict.notApplicable(ALICE, "Exempt: listed in exemptUsers");

        assertSame(exempt, grace(RESTORED).apply(exempt));
    }

    @Test
    void theRemediationLeavesASparedKeyAloneAndSaysUntilWhen() {
        Instant now = RESTORED.plus(Duration.ofDays(1));
        StaleKeyPolicy policy =
                new StaleKeyPolicy(MaxKeyAge.DEFAULT, Exemptions.NONE, Clock.fixed(now, ZoneOffset.UTC));
        AccessKeyActivity spared = stale("AKIARESTORED", Optional.of(RESTORED.minus(Duration.ofDays(143))));
        AccessKeyActivity other = stale("AKIAOTHER", Optional.of(now.minus(Duration.ofDays(200))));

        RemediationPlan plan = grace(now).apply(RemediationPlan.of(policy, List.of(spared, other)));

        assertEquals(
                List.of(other),
                plan.toDisable().stream().map(KeyAssessment::key).toList());
        assertEquals(
                List.of(new SkippedKey(
                        "AKIARESTORED",
                        "restored by a backout on 2026-11-29, not used since; left alone until 2026-12-29")),
                plan.skipped());
    }

    @Test
    void graceDaysAreAWholeNumberUpToAYear() {
        assertEquals(0, BackoutGrace.parseDays("graceDays", "0"));
        assertEquals(30, BackoutGrace.parseDays("graceDays", " 30 "));
        assertEquals(365, BackoutGrace.parseDays("graceDays", "365"));
        for (String bad : new String[] {"366", "-1", "thirty", "", "1.5", "0001"}) {
            InvalidSettingException error =
                    assertThrows(InvalidSettingException.class, () -> BackoutGrace.parseDays("graceDays", bad));
            assertEquals("graceDays", error.settingName(), bad);
        }
    }

    private static BackoutGrace grace(Instant now) {
        return new BackoutGrace(List.of(GRANT), Clock.fixed(now, ZoneOffset.UTC));
    }

    private static AccessKeyActivity stale(String id, Optional<Instant> lastUsed) {
        return new AccessKeyActivity(id, KeyStatus.ACTIVE, Instant.parse("2024-01-01T00:00:00Z"), lastUsed);
    }
}
