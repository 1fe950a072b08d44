package io.github.stalekeys.findings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.BackoutGrace;
import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyAgeLimits;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.MaxKeyAge;
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.policy.UsageSite;
import io.github.stalekeys.policy.UserVerdict;
import io.github.stalekeys.policy.WarningSchedule;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The state each key's finding should be in, from the verdict, the keys and what Security Hub holds. */
class KeyLifecycleTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private static final IamUser ALICE = new IamUser("AIDAALICE00000000001", "alice");
    private static final StaleKeyPolicy POLICY = new StaleKeyPolicy(
            KeyAgeLimits.same(MaxKeyAge.DEFAULT),
            WarningSchedule.DEFAULT,
            Exemptions.NONE,
            Clock.fixed(NOW, ZoneOffset.UTC));
    private static final KeyLifecycle.AuditFacts NO_READS = new KeyLifecycle.AuditFacts() {
        @Override
        public Optional<String> disabledBy(IamUser user, String accessKeyId) {
            return fail("no audit read expected");
        }

        @Override
        public Optional<BackoutGrace.Grant> grace(IamUser user, String accessKeyId) {
            return fail("no audit read expected");
        }
    };

    private static AccessKeyActivity used(String id, KeyStatus status, int daysAgo) {
        return new AccessKeyActivity(
                id,
                status,
                NOW.minus(Duration.ofDays(400)),
                Optional.of(NOW.minus(Duration.ofDays(daysAgo))),
                UsageSite.recorded("s3", "eu-west-1"));
    }

    private static List<KeyFinding> judge(
            AccessKeyActivity key, Map<String, StoredFinding> stored, KeyLifecycle.AuditFacts audit) {
        UserVerdict verdict = POLICY.judge(ALICE, List.of(key), user -> Map.of());
        return new KeyLifecycle(POLICY, stored, audit).of(verdict, List.of(key), false);
    }

    private static StoredFinding stored(KeyFinding finding) {
        return new StoredFinding(
                "id-" + finding.key().accessKeyId(),
                finding.key().accessKeyId(),
                finding.user().userId(),
                finding.user().userName(),
                finding.key().createDate(),
                finding.state(),
                finding.fingerprint(),
                finding.detail(),
                NOW,
                NOW);
    }

    @Test
    void aStaleKeyIsNonCompliantAndSaysWhereItWasLastUsed() {
        KeyFinding finding =
                judge(used("AKIA1", KeyStatus.ACTIVE, 143), Map.of(), NO_READS).get(0);
        assertEquals(KeyState.NON_COMPLIANT, finding.state());
        assertEquals("Last used on 2026-07-08 (s3 in eu-west-1) (limit 90 days)", finding.detail());
    }

    @Test
    void aKeyWithinTheWarningDaysIsWarnedWithTheDayItTurns() {
        KeyFinding finding =
                judge(used("AKIA1", KeyStatus.ACTIVE, 80), Map.of(), NO_READS).get(0);
        assertEquals(KeyState.WARNED, finding.state());
        assertTrue(finding.detail().contains("turns non-compliant on 2026-12-08"), finding.detail());
    }

    @Test
    void aFreshKeyWithoutAFindingGetsNone() {
        assertEquals(List.of(), judge(used("AKIA1", KeyStatus.ACTIVE, 3), Map.of(), NO_READS));
    }

    @Test
    void aKeyUsedAgainResolvesItsFinding() {
        KeyFinding before =
                judge(used("AKIA1", KeyStatus.ACTIVE, 143), Map.of(), NO_READS).get(0);
        KeyFinding after = judge(used("AKIA1", KeyStatus.ACTIVE, 3), Map.of("AKIA1", stored(before)), NO_READS)
                .get(0);
        assertEquals(KeyState.RESOLVED, after.state());
        assertEquals("ARCHIVED", after.state().recordState());
    }

    @Test
    void aDisabledKeyNamesTheExecutionFromTheSealedRecordOnceAndThenKeepsIt() {
        KeyFinding stale =
                judge(used("AKIA1", KeyStatus.ACTIVE, 143), Map.of(), NO_READS).get(0);
        KeyLifecycle.AuditFacts audit = new KeyLifecycle.AuditFacts() {
            @Override
            public Optional<String> disabledBy(IamUser user, String accessKeyId) {
                return Optional.of("exec-42");
            }

            @Override
            public Optional<BackoutGrace.Grant> grace(IamUser user, String accessKeyId) {
                return fail("not restored");
            }
        };
        KeyFinding disabled = judge(used("AKIA1", KeyStatus.INACTIVE, 143), Map.of("AKIA1", stored(stale)), audit)
                .get(0);
        assertEquals(KeyState.DISABLED, disabled.state());
        assertEquals("Disabled by remediation execution exec-42", disabled.detail());

        KeyFinding nextRun = judge(used("AKIA1", KeyStatus.INACTIVE, 143), Map.of("AKIA1", stored(disabled)), NO_READS)
                .get(0);
        assertEquals(disabled.fingerprint(), nextRun.fingerprint(), "no audit read, no change");
    }

    @Test
    void aKeyTheReportListsWithoutIdIsMatchedToItsFindingByCreation() {
        KeyFinding stale =
                judge(used("AKIA1", KeyStatus.ACTIVE, 143), Map.of(), NO_READS).get(0);
        AccessKeyActivity fromReport = used("", KeyStatus.ACTIVE, 143);
        UserVerdict verdict = POLICY.judge(ALICE, List.of(used("AKIA1", KeyStatus.ACTIVE, 143)), u -> Map.of());
        List<KeyFinding> again = new KeyLifecycle(POLICY, Map.of("AKIA1", stored(stale)), NO_READS)
                .of(verdict, List.of(fromReport), false);
        assertEquals(stale.fingerprint(), again.get(0).fingerprint());
    }

    @Test
    void findingsOfADeletedUserOrKeyAreResolvedSayingWhich() {
        KeyFinding stale =
                judge(used("AKIA1", KeyStatus.ACTIVE, 143), Map.of(), NO_READS).get(0);
        Map<String, StoredFinding> held = new HashMap<>(Map.of("AKIA1", stored(stale)));
        KeyLifecycle userGone = new KeyLifecycle(POLICY, held, NO_READS);
        userGone.of(UserVerdict.notApplicable(new IamUser(ALICE.userId(), ""), "gone"), List.of(), true);
        assertTrue(userGone.rest().get(0).detail().contains("IAM user was deleted"));

        KeyLifecycle keyGone = new KeyLifecycle(POLICY, held, NO_READS);
        keyGone.of(POLICY.judge(ALICE, List.of(), u -> Map.of()), List.of(), false);
        assertTrue(keyGone.rest().get(0).detail().contains("access key was deleted"));
    }

    @Test
    void onlyWhatChangedIsImportedAndAResolvedKeyWithoutAFindingIsNot() {
        KeyFinding stale =
                judge(used("AKIA1", KeyStatus.ACTIVE, 143), Map.of(), NO_READS).get(0);
        KeyFinding resolved = new KeyFinding(
                ALICE, used("AKIA2", KeyStatus.ACTIVE, 1), KeyState.RESOLVED, "Resolved", 90, Optional.empty());
        assertEquals(
                1, FindingChanges.select(List.of(stale, resolved), Map.of()).size());
        assertEquals(List.of(), FindingChanges.select(List.of(stale), Map.of("AKIA1", stored(stale))));
        KeyFinding changed =
                judge(used("AKIA1", KeyStatus.ACTIVE, 150), Map.of(), NO_READS).get(0);
        assertEquals(
                1,
                FindingChanges.select(List.of(changed), Map.of("AKIA1", stored(stale)))
                        .size());
    }

    @Test
    void aKeySparedByABackoutsGraceIsRestoredUntilItsEnd() {
        KeyFinding stale =
                judge(used("AKIA1", KeyStatus.ACTIVE, 143), Map.of(), NO_READS).get(0);
        AccessKeyActivity key = used("AKIA1", KeyStatus.ACTIVE, 143);
        UserVerdict spared =
                new UserVerdict(ALICE, io.github.stalekeys.policy.Compliance.COMPLIANT, "spared", List.of());
        KeyLifecycle.AuditFacts audit = new KeyLifecycle.AuditFacts() {
            @Override
            public Optional<String> disabledBy(IamUser user, String accessKeyId) {
                return fail("active");
            }

            @Override
            public Optional<BackoutGrace.Grant> grace(IamUser user, String accessKeyId) {
                return Optional.of(new BackoutGrace.Grant(
                        accessKeyId, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(29))));
            }
        };
        KeyFinding restored = new KeyLifecycle(POLICY, Map.of("AKIA1", stored(stale)), audit)
                .of(spared, List.of(key), false)
                .get(0);
        assertEquals(KeyState.RESTORED, restored.state());
        assertEquals(
                "Restored by a backout on 2026-11-27; not reported until 2026-12-27 unless used", restored.detail());
    }

    @Test
    void anExemptUsersKeyWithAFindingSaysWhyAndUntilWhen() {
        KeyFinding stale =
                judge(used("AKIA1", KeyStatus.ACTIVE, 143), Map.of(), NO_READS).get(0);
        UserVerdict exempt = UserVerdict.notApplicable(ALICE, "Exempt: tagged KeyRotationExempt until 2027-01-31");
        KeyFinding finding = new KeyLifecycle(POLICY, Map.of("AKIA1", stored(stale)), NO_READS)
                .of(exempt, List.of(used("AKIA1", KeyStatus.ACTIVE, 143)), false)
                .get(0);
        assertEquals(KeyState.EXEMPT, finding.state());
        assertTrue(finding.detail().contains("until 2027-01-31"), finding.detail());
        assertEquals(
                List.of(),
                new KeyLifecycle(POLICY, Map.of(), NO_READS)
                        .of(exempt, List.of(used("AKIA1", KeyStatus.ACTIVE, 143)), false),
                "no finding of its own");
    }
}
