package io.github.stalekeys.keychange;

import static io.github.stalekeys.keychange.Ledgers.B1;
import static io.github.stalekeys.keychange.Ledgers.K1;
import static io.github.stalekeys.keychange.Ledgers.K2;
import static io.github.stalekeys.keychange.Ledgers.NOW;
import static io.github.stalekeys.keychange.Ledgers.R1;
import static io.github.stalekeys.keychange.Ledgers.R2;
import static io.github.stalekeys.keychange.Ledgers.daysAgo;
import static io.github.stalekeys.keychange.Ledgers.key;
import static io.github.stalekeys.keychange.Ledgers.ledger;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyAssessment;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.MaxKeyAge;
import io.github.stalekeys.policy.SkippedKey;
import io.github.stalekeys.policy.StaleKeyPolicy;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DisablePlanTest {

    private static final IamUser ALICE = new IamUser("AIDAALICE0000000001", "alice");
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final StaleKeyPolicy policy = new StaleKeyPolicy(MaxKeyAge.DEFAULT, Exemptions.NONE, clock);

    @Test
    void disablesTheActiveStaleKeysAndRecordsThemUnderItsExecutionBeforeAnyChange() {
        UserSnapshot snapshot = new UserSnapshot(
                ALICE,
                List.of(key(K1, KeyStatus.ACTIVE, 400, 143L), key(K2, KeyStatus.ACTIVE, 400, 3L)),
                AuditLedger.EMPTY);

        DisablePlan plan = DisablePlan.of(snapshot, policy, R2, clock);

        assertEquals(List.of(K1), ids(plan.toDisable()));
        assertEquals(List.of(new SkippedKey(K2, "used 3 days ago, within the 90-day limit")), plan.skipped());
        assertEquals(AuditRecord.disabled(R2, List.of(K1), NOW), plan.record());
        assertEquals(List.of(), plan.prune());
    }

    @Test
    void aKeyInItsBackoutGraceIsLeftAloneWithTheReason() {
        AuditRecord earlier = AuditRecord.disabled(R1, List.of(K1), daysAgo(150));
        UserSnapshot snapshot = new UserSnapshot(
                ALICE,
                List.of(key(K1, KeyStatus.ACTIVE, 400, 143L)),
                ledger(List.of(earlier), List.of(RestorationRecord.of(earlier, B1, List.of(K1), daysAgo(2), 30))));

        DisablePlan plan = DisablePlan.of(snapshot, policy, R2, clock);

        assertEquals(List.of(), plan.toDisable());
        assertEquals(
                List.of(new SkippedKey(
                        K1, "restored by a backout on 2026-12-02, not used since; left alone until 2027-01-01")),
                plan.skipped());
        assertEquals(List.of(), plan.prune(), "nothing to disable, nothing to clean up");
    }

    @Test
    void settledRecordsAreRemovedBeforeANewOneIsWritten() {
        AuditRecord settled = AuditRecord.disabled(R1, List.of(K2), daysAgo(200));
        UserSnapshot snapshot = new UserSnapshot(
                ALICE,
                List.of(key(K1, KeyStatus.ACTIVE, 400, 143L), key(K2, KeyStatus.ACTIVE, 400, 3L)),
                ledger(List.of(settled), List.of()));

        DisablePlan plan = DisablePlan.of(snapshot, policy, R2, clock);

        assertEquals(List.of(Ledgers.sealed(settled)), plan.prune());
    }

    @Test
    void theRecheckLeavesAKeyAloneThatChangedSinceThePlan() {
        KeyAssessment stale = policy.assess(key(K1, KeyStatus.ACTIVE, 400, 143L));
        AuditRecord earlier = AuditRecord.disabled(R1, List.of(K1), daysAgo(150));
        AuditLedger restoredMeanwhile =
                ledger(List.of(earlier), List.of(RestorationRecord.of(earlier, B1, List.of(K1), NOW, 30)));
        AuditLedger restoredWithoutGrace =
                ledger(List.of(earlier), List.of(RestorationRecord.of(earlier, B1, List.of(K1), NOW, 0)));

        assertEquals(
                Optional.empty(), DisablePlan.recheck(stale, Optional.of(KeyStatus.ACTIVE), AuditLedger.EMPTY, clock));
        assertEquals(
                Optional.of("was deleted meanwhile: nothing to disable"),
                DisablePlan.recheck(stale, Optional.empty(), AuditLedger.EMPTY, clock));
        assertEquals(
                Optional.of("was set inactive meanwhile by another execution or someone else: left as it is"),
                DisablePlan.recheck(stale, Optional.of(KeyStatus.INACTIVE), AuditLedger.EMPTY, clock));
        assertEquals(
                Optional.of("was restored by a backout meanwhile (grace until 2027-01-03T12:00:00Z): left alone"),
                DisablePlan.recheck(stale, Optional.of(KeyStatus.ACTIVE), restoredMeanwhile, clock));
        assertEquals(
                Optional.empty(),
                DisablePlan.recheck(stale, Optional.of(KeyStatus.ACTIVE), restoredWithoutGrace, clock),
                "a backout without grace asked for none");
        assertTrue(DisablePlan.recheck(stale, Optional.of(KeyStatus.UNRECOGNIZED), AuditLedger.EMPTY, clock)
                .isPresent());
    }

    static List<String> ids(List<KeyAssessment> keys) {
        return keys.stream().map(key -> key.key().accessKeyId()).toList();
    }

    @Test
    void aSnapshotGivesEachKeysStatusAndFindsAKeyById() {
        UserSnapshot snapshot = new UserSnapshot(
                ALICE,
                List.of(key(K1, KeyStatus.ACTIVE, 400, 143L), key(K2, KeyStatus.INACTIVE, 400, 3L)),
                AuditLedger.EMPTY);

        assertEquals(java.util.Map.of(K1, KeyStatus.ACTIVE, K2, KeyStatus.INACTIVE), snapshot.statuses());
        assertEquals(K2, snapshot.key(K2).orElseThrow().accessKeyId());
        assertEquals(Optional.empty(), snapshot.key("AKIAOTHEROTHEROTHER1"));
    }
}
