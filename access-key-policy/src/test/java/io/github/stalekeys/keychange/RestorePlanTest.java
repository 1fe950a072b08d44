package io.github.stalekeys.keychange;

import static io.github.stalekeys.keychange.Ledgers.B1;
import static io.github.stalekeys.keychange.Ledgers.B2;
import static io.github.stalekeys.keychange.Ledgers.K1;
import static io.github.stalekeys.keychange.Ledgers.K2;
import static io.github.stalekeys.keychange.Ledgers.NOW;
import static io.github.stalekeys.keychange.Ledgers.R1;
import static io.github.stalekeys.keychange.Ledgers.R2;
import static io.github.stalekeys.keychange.Ledgers.daysAgo;
import static io.github.stalekeys.keychange.Ledgers.key;
import static io.github.stalekeys.keychange.Ledgers.ledger;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.SkippedKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RestorePlanTest {

    private static final IamUser ALICE = new IamUser("AIDAALICE0000000001", "alice");
    private static final RestorePlan.Selection ALL = new RestorePlan.Selection("alice", List.of(), Optional.empty());
    private final AuditRecord r1 = AuditRecord.disabled(R1, List.of(K1, K2), daysAgo(10));

    @Test
    void restoresEveryOutstandingKeyAndRecordsItsGraceOnceForItsRecord() {
        UserSnapshot snapshot = snapshot(List.of(r1), List.of(), KeyStatus.INACTIVE, KeyStatus.INACTIVE);

        RestorePlan plan = RestorePlan.of(snapshot, ALL, B1, 30, NOW.plusMillis(700));

        assertEquals(List.of(K1, K2), plan.toRestore());
        assertEquals(List.of(RestorationRecord.of(r1, B1, List.of(K1, K2), NOW, 30)), plan.records());
        assertEquals(Optional.of(NOW.plus(Duration.ofDays(30))), plan.graceUntil());
        assertEquals(List.of(), plan.kept());
        assertEquals(Map.of(), plan.failures());
        assertEquals(Optional.empty(), RestorePlan.of(snapshot, ALL, B1, 0, NOW).graceUntil());
    }

    @Test
    void keysActiveAgainUsedSinceOrGoneAreNotRestored() {
        AuditRecord r2 = AuditRecord.disabled(R2, List.of("AKIAGONEGONEGONEGONE"), daysAgo(5));
        UserSnapshot snapshot = new UserSnapshot(
                ALICE,
                List.of(key(K1, KeyStatus.ACTIVE, 400, 150L), key(K2, KeyStatus.INACTIVE, 400, 4L)),
                ledger(List.of(r1, r2), List.of()));

        RestorePlan plan = RestorePlan.of(snapshot, ALL, B1, 30, NOW);

        assertEquals(List.of(), plan.toRestore());
        assertEquals(List.of(), plan.records());
        assertEquals(
                List.of(
                        new SkippedKey(
                                K1, "is active already: re-enabled since the remediation disabled it; left as it is"),
                        new SkippedKey(
                                K2,
                                "was used after the remediation disabled it (last used " + daysAgo(4)
                                        + "): someone re-enabled it since, so its status now is theirs; not restored")),
                plan.kept());
        assertEquals(
                Map.of("AKIAGONEGONEGONEGONE", "does not exist (deleted since it was disabled, or not a key of alice)"),
                plan.failures());
    }

    @Test
    void aKeyDisabledByTwoExecutionsIsRestoredOnceAndMarkedInTheLatestRecordOnly() {
        // The older record may belong to a run still disabling the key: left outstanding, the key stays restorable
        // if that run disables it after this backout.
        AuditRecord r2 = AuditRecord.disabled(R2, List.of(K1), daysAgo(1));
        UserSnapshot snapshot = snapshot(List.of(r1, r2), List.of(), KeyStatus.INACTIVE, KeyStatus.ACTIVE);

        RestorePlan plan = RestorePlan.of(snapshot, ALL, B1, 7, NOW);

        assertEquals(List.of(K1), plan.toRestore());
        assertEquals(List.of(RestorationRecord.of(r2, B1, List.of(K1), NOW, 7)), plan.records());
        RestorePlan byExecution =
                RestorePlan.of(snapshot, new RestorePlan.Selection("alice", List.of(), Optional.of(R1)), B1, 7, NOW);
        assertEquals(List.of(RestorationRecord.of(r1, B1, List.of(K1), NOW, 7)), byExecution.records());
    }

    @Test
    void aKeyRestoredBeforeIsNoLongerOutstanding() {
        RestorationRecord earlier = RestorationRecord.of(r1, B2, List.of(K1), daysAgo(3), 30);
        UserSnapshot snapshot = snapshot(List.of(r1), List.of(earlier), KeyStatus.ACTIVE, KeyStatus.INACTIVE);

        assertEquals(List.of(K2), RestorePlan.of(snapshot, ALL, B1, 30, NOW).toRestore());
        InvalidSettingException named = assertThrows(
                InvalidSettingException.class,
                () -> RestorePlan.of(
                        snapshot, new RestorePlan.Selection("alice", List.of(K1), Optional.empty()), B1, 30, NOW));
        assertEquals("accessKeyIds", named.settingName());
    }

    @Test
    void theSelectionNamesKeysOrAnExecutionThatARecordHoldsOutstanding() {
        AuditRecord r2 = AuditRecord.disabled(R2, List.of(K2), daysAgo(1));
        UserSnapshot snapshot = new UserSnapshot(
                ALICE,
                List.of(key(K1, KeyStatus.INACTIVE, 400, 150L), key(K2, KeyStatus.INACTIVE, 400, 150L)),
                ledger(List.of(AuditRecord.disabled(R1, List.of(K1), daysAgo(10)), r2), List.of()));

        assertEquals(
                List.of(K2),
                RestorePlan.of(
                                snapshot,
                                new RestorePlan.Selection("alice", List.of(K2, K2), Optional.empty()),
                                B1,
                                30,
                                NOW)
                        .toRestore());
        assertEquals(
                List.of(K2),
                RestorePlan.of(
                                snapshot,
                                new RestorePlan.Selection("alice", List.of(), Optional.of(R2.toUpperCase())),
                                B1,
                                30,
                                NOW)
                        .toRestore());
        InvalidSettingException unknown = assertThrows(
                InvalidSettingException.class,
                () -> RestorePlan.of(
                        snapshot, new RestorePlan.Selection("alice", List.of(), Optional.of(B2)), B1, 30, NOW));
        assertEquals("remediationExecutionId", unknown.settingName());
        assertTrue(unknown.getMessage().contains("disabled no key there"), unknown.getMessage());
        InvalidSettingException unrecorded = assertThrows(
                InvalidSettingException.class,
                () -> RestorePlan.of(
                        snapshot,
                        new RestorePlan.Selection("alice", List.of("AKIAOTHEROTHEROTHER1"), Optional.empty()),
                        B1,
                        30,
                        NOW));
        assertTrue(unrecorded.getMessage().contains("AKIAOTHEROTHEROTHER1"), unrecorded.getMessage());
        assertTrue(unrecorded.getMessage().endsWith("nothing was changed"), unrecorded.getMessage());
    }

    @Test
    void theRecordsAreNarrowedToTheKeysReallyActiveAgain() {
        AuditRecord r2 = AuditRecord.disabled(R2, List.of(K2), daysAgo(1));
        UserSnapshot snapshot = new UserSnapshot(
                ALICE,
                List.of(key(K1, KeyStatus.INACTIVE, 400, 150L), key(K2, KeyStatus.INACTIVE, 400, null)),
                ledger(List.of(r1, r2), List.of()));
        RestorePlan plan = RestorePlan.of(snapshot, ALL, B1, 30, NOW);

        assertEquals(plan.records(), plan.recordsFor(List.of(K1, K2)));
        assertEquals(List.of(RestorationRecord.of(r1, B1, List.of(K1), NOW, 30)), plan.recordsFor(List.of(K1)));
        assertEquals(List.of(), plan.recordsFor(List.of()));
    }

    private UserSnapshot snapshot(
            List<AuditRecord> records, List<RestorationRecord> restorations, KeyStatus first, KeyStatus second) {
        Instant usedBefore = daysAgo(150);
        return new UserSnapshot(
                ALICE,
                List.of(
                        key(K1, first, 400, 150L),
                        new io.github.stalekeys.policy.AccessKeyActivity(
                                K2, second, daysAgo(400), Optional.of(usedBefore))),
                ledger(records, restorations));
    }

    @Test
    void failuresAreListedInTheOrderTheKeysWereAskedFor() {
        List<String> gone = List.of(
                "AKIAGONE0000000000005",
                "AKIAGONE0000000000001",
                "AKIAGONE0000000000009",
                "AKIAGONE0000000000003",
                "AKIAGONE0000000000007");
        UserSnapshot snapshot = new UserSnapshot(
                ALICE, List.of(), ledger(List.of(AuditRecord.disabled(R1, gone, daysAgo(3))), List.of()));

        RestorePlan plan = RestorePlan.of(snapshot, ALL, B1, 30, NOW);

        assertEquals(gone, List.copyOf(plan.failures().keySet()));
    }

    @Test
    void aBackoutOfOneExecutionMarksThatExecutionsRecordWhereverItIs() {
        AuditRecord r2 = AuditRecord.disabled(R2, List.of(K1), daysAgo(20));
        UserSnapshot snapshot = snapshot(List.of(r1, r2), List.of(), KeyStatus.INACTIVE, KeyStatus.ACTIVE);

        RestorePlan plan =
                RestorePlan.of(snapshot, new RestorePlan.Selection("alice", List.of(), Optional.of(R2)), B1, 7, NOW);

        assertEquals(List.of(RestorationRecord.of(r2, B1, List.of(K1), NOW, 7)), plan.records());
    }
}
