package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyAgeLimits;
import io.github.stalekeys.policy.KeyAssessment;
import io.github.stalekeys.policy.KeyOwner;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.MaxKeyAge;
import io.github.stalekeys.policy.SkippedKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The small values around a run: results, the deployed rule's floor, and the two exceptions that carry data. */
class RemediationValuesTest {

    private static final String EXECUTION = "4105a4fc-f944-11e6-9d32-0a1b2c3d4e5f";
    private static final String USER_ID = "AIDAJQABLZS4A3QDU576Q";
    private static final Instant NOW = Instant.parse("2026-01-02T00:00:00Z");

    private static RunbookRequest.DisableStaleKeys request(boolean dryRun) {
        return new RunbookRequest.DisableStaleKeys(
                USER_ID, new MaxKeyAge(90), dryRun, Exemptions.NONE, EXECUTION, new MaxKeyAge(30));
    }

    private static RuleSettings rule(int used, int neverUsed) {
        return new RuleSettings(
                "iam-user-unused-access-keys",
                new KeyAgeLimits(new MaxKeyAge(used), new MaxKeyAge(neverUsed)),
                Exemptions.NONE,
                Optional.empty());
    }

    private static KeyAgeLimits limits(int used, int neverUsed) {
        return new KeyAgeLimits(new MaxKeyAge(used), new MaxKeyAge(neverUsed));
    }

    @Test
    void aResultAboutAUserCarriesItsKeysAndOwner() {
        KeyAssessment used = new KeyAssessment(
                new AccessKeyActivity(
                        "AKIAIOSFODNN7EXAMPLE",
                        KeyStatus.ACTIVE,
                        NOW.minus(Duration.ofDays(400)),
                        Optional.of(NOW.minus(Duration.ofDays(143)))),
                Duration.ofDays(143).plusHours(5),
                true,
                new MaxKeyAge(90));
        KeyAssessment neverUsed = new KeyAssessment(
                new AccessKeyActivity(
                        "AKIAI44QH8DHBEXAMPLE", KeyStatus.ACTIVE, NOW.minus(Duration.ofDays(31)), Optional.empty()),
                Duration.ofDays(31),
                true,
                new MaxKeyAge(30));
        List<SkippedKey> skipped = List.of(new SkippedKey("AKIAJ55RI9EICEXAMPLE", "is inactive already"));

        RemediationResult result = RemediationResult.of(
                request(true),
                new IamUser(USER_ID, "pipeline"),
                KeyOwner.of(Optional.of("Owner"), Map.of("owner", "team-payments@example.com")),
                RemediationResult.Outcome.DRY_RUN,
                List.of(used, neverUsed),
                List.of(),
                skipped,
                "Dry run: would disable two keys");

        assertEquals(
                new RemediationResult(
                        "DISABLE_STALE_KEYS",
                        USER_ID,
                        "pipeline",
                        true,
                        RemediationResult.Outcome.DRY_RUN,
                        List.of(
                                new RemediationResult.StaleKey("AKIAIOSFODNN7EXAMPLE", 143, false),
                                new RemediationResult.StaleKey("AKIAI44QH8DHBEXAMPLE", 31, true)),
                        List.of(),
                        skipped,
                        "Dry run: would disable two keys",
                        "team-payments@example.com",
                        "TAGGED"),
                result);
    }

    @Test
    void anOwnerNotKnownIsNullWithTheReasonInItsStatus() {
        RemediationResult result = RemediationResult.of(
                request(false),
                new IamUser(USER_ID, "pipeline"),
                KeyOwner.of(Optional.of("Owner"), Map.of()),
                RemediationResult.Outcome.NOTHING_STALE,
                List.of(),
                List.of(),
                List.of(),
                "nothing stale");

        assertNull(result.owner());
        assertEquals("TAG_ABSENT", result.ownerStatus());
        assertEquals(false, result.dryRun());
        assertEquals(List.of(), result.staleKeys());
    }

    @Test
    void anUnreadableOwnerIsNullToo() {
        RemediationResult result = RemediationResult.of(
                request(false),
                new IamUser(USER_ID, "pipeline"),
                KeyOwner.of(Optional.of("Owner"), Map.of("Owner", "https://evil.example/\u202e")),
                RemediationResult.Outcome.NOTHING_STALE,
                List.of(),
                List.of(),
                List.of(),
                "nothing stale");

        assertNull(result.owner());
        assertEquals("TAG_UNREADABLE", result.ownerStatus());
    }

    @Test
    void aUserGoneSaysSoAndNamesNoOwner() {
        RemediationResult result = RemediationResult.userGone(request(true));

        assertEquals(
                new RemediationResult(
                        "DISABLE_STALE_KEYS",
                        USER_ID,
                        null,
                        true,
                        RemediationResult.Outcome.USER_NOT_FOUND,
                        List.of(),
                        List.of(),
                        List.of(),
                        "IAM user " + USER_ID + " no longer exists: nothing to do",
                        null,
                        null),
                result);
    }

    @Test
    void aPayloadMayAskForMoreTimeThanTheRule() {
        assertEquals(limits(120, 60), rule(90, 30).floorFor(limits(120, 60)));
    }

    @Test
    void aPayloadAskingForLessGetsTheRulesLimitEachOnItsOwn() {
        assertEquals(limits(90, 60), rule(90, 30).floorFor(limits(10, 60)));
        assertEquals(limits(120, 30), rule(90, 30).floorFor(limits(120, 1)));
        assertEquals(limits(90, 30), rule(90, 30).floorFor(limits(89, 29)));
    }

    @Test
    void theRulesOwnLimitsAreKept() {
        assertEquals(limits(90, 30), rule(90, 30).floorFor(limits(90, 30)));
    }

    @Test
    void ruleSettingsNeedEveryPart() {
        KeyAgeLimits limits = limits(90, 90);
        assertEquals(
                "ruleName",
                assertThrows(
                                NullPointerException.class,
                                () -> new RuleSettings(null, limits, Exemptions.NONE, Optional.empty()))
                        .getMessage());
        assertEquals(
                "limits",
                assertThrows(
                                NullPointerException.class,
                                () -> new RuleSettings("r", null, Exemptions.NONE, Optional.empty()))
                        .getMessage());
        assertEquals(
                "exemptions",
                assertThrows(NullPointerException.class, () -> new RuleSettings("r", limits, null, Optional.empty()))
                        .getMessage());
        assertEquals(
                "ownerTagKey",
                assertThrows(NullPointerException.class, () -> new RuleSettings("r", limits, Exemptions.NONE, null))
                        .getMessage());
    }

    @Test
    void anIncompleteRestoreCarriesWhatWasRestoredAndWhy() {
        RestoreResult partial = new RestoreResult(
                "RESTORE_KEYS",
                "alice",
                List.of("AKIAIOSFODNN7EXAMPLE"),
                List.of(new RestoreResult.RestoredKey("AKIAIOSFODNN7EXAMPLE", "Active", null, null, null)),
                List.of(),
                null,
                "Restored AKIAIOSFODNN7EXAMPLE of alice; no grace; could not restore: AKIAI44QH8DHBEXAMPLE throttled",
                null,
                "UNKNOWN");
        IllegalStateException cause = new IllegalStateException("throttled");

        RestoreIncompleteException incomplete = new RestoreIncompleteException(partial, cause);

        assertEquals(partial.message(), incomplete.getMessage());
        assertSame(cause, incomplete.getCause());
        assertSame(partial, incomplete.partial());
        assertTrue(assertThrows(NullPointerException.class, () -> new RestoreIncompleteException(null, cause))
                .getMessage()
                .contains("partial"));
    }

    @Test
    void anAuditRecordNotStoredCarriesTheTagToAttach() {
        AuditRecordNotStoredException error = new AuditRecordNotStoredException(
                "at IAM's quota of 50 tags", "stalekeys:audit:4105a4fc", "sealed", null);

        assertEquals("at IAM's quota of 50 tags", error.getMessage());
        assertEquals("stalekeys:audit:4105a4fc", error.tagKey());
        assertEquals("sealed", error.tagValue());
    }
}
