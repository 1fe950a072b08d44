package io.github.stalekeys.keychange;

import static io.github.stalekeys.keychange.Ledgers.B1;
import static io.github.stalekeys.keychange.Ledgers.B2;
import static io.github.stalekeys.keychange.Ledgers.K1;
import static io.github.stalekeys.keychange.Ledgers.K2;
import static io.github.stalekeys.keychange.Ledgers.NOW;
import static io.github.stalekeys.keychange.Ledgers.R1;
import static io.github.stalekeys.keychange.Ledgers.R2;
import static io.github.stalekeys.keychange.Ledgers.daysAgo;
import static io.github.stalekeys.keychange.Ledgers.ledger;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.policy.BackoutGrace;
import io.github.stalekeys.policy.KeyStatus;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AuditLedgerTest {

    private final AuditRecord r1 = AuditRecord.disabled(R1, List.of(K1, K2), daysAgo(10));
    private final AuditRecord r2 = AuditRecord.disabled(R2, List.of(K1), daysAgo(2));

    @Test
    void aKeyIsOutstandingUntilABackoutRestoresItFromThatVeryRecord() {
        RestorationRecord ofR1 = RestorationRecord.of(r1, B1, List.of(K1), daysAgo(5), 30);
        AuditLedger ledger = ledger(List.of(r1, r2), List.of(ofR1));

        assertEquals(List.of(K2), ledger.outstanding(r1));
        assertEquals(List.of(K1), ledger.outstanding(r2), "restoring K1 of R1 does not restore R2's disable of it");
        assertEquals(List.of(K2, K1), ledger.outstandingKeys());
        assertEquals(Optional.of(r2.disabledAt()), ledger.disabledAt(K1), "the latest record holding it");
        assertEquals(Optional.of(r1.disabledAt()), ledger.disabledAt(K2));
        assertEquals(
                Optional.empty(),
                ledger(List.of(r1), List.of(RestorationRecord.of(r1, B1, List.of(K1, K2), NOW, 0)))
                        .disabledAt(K1));
    }

    @Test
    void restorationsMatchTheirRecordAsIamMatchesTagKeysWhateverTheCase() {
        RestorationRecord upper = new RestorationRecord(
                R1.toUpperCase(Locale.ROOT), B1, List.of(new AuditRecord.Restoration(K2, daysAgo(1), 0)));

        assertEquals(List.of(K1), ledger(List.of(r1), List.of(upper)).outstanding(r1));
    }

    @Test
    void restorationsInsideARecordOfAnEarlierVersionCountToo() {
        AuditRecord earlier = new AuditRecord(
                R1, List.of(K1, K2), daysAgo(10), List.of(new AuditRecord.Restoration(K1, daysAgo(3), 30)));
        AuditLedger ledger =
                ledger(List.of(earlier), List.of(RestorationRecord.of(earlier, B2, List.of(K2), daysAgo(1), 7)));

        assertEquals(List.of(), ledger.outstanding(earlier));
        assertEquals(
                List.of(
                        new BackoutGrace.Grant(K1, daysAgo(3), daysAgo(3).plus(Duration.ofDays(30))),
                        new BackoutGrace.Grant(K2, daysAgo(1), daysAgo(1).plus(Duration.ofDays(7)))),
                ledger.graceGrants());
    }

    @Test
    void anExecutionIsKnownByItsTagTrustedOrNot() {
        AuditLedger ledger = new AuditLedger(
                List.of(Ledgers.sealed(r1)),
                List.of(),
                List.of(new AuditLedger.Rejected(AuditRecord.tagKeyOf(R2), "its seal does not verify")));

        assertTrue(ledger.holdsExecution(R1));
        assertTrue(ledger.holdsExecution(R1.toUpperCase(Locale.ROOT)));
        assertTrue(ledger.holdsExecution(R2), "a forged tag under the id still takes the id");
        assertFalse(ledger.holdsExecution(B1));
        assertFalse(AuditLedger.EMPTY.holdsExecution(R1));
    }

    @Test
    void theValueAsReadIsKeptForEachTrustedTag() {
        RestorationRecord ofR1 = RestorationRecord.of(r1, B1, List.of(K1), daysAgo(5), 30);
        AuditLedger ledger = ledger(List.of(r1), List.of(ofR1));

        assertEquals(Optional.of(r1.content() + " mac=M"), ledger.valueOf(r1.tagKey()));
        assertEquals(Optional.of(ofR1.content() + " mac=M"), ledger.valueOf(ofR1.tagKey()));
        assertEquals(Optional.empty(), ledger.valueOf(AuditRecord.tagKeyOf(R2)));
        assertEquals(List.of(r1), ledger.records());
    }

    @Test
    void aRecordIsSettledOnceItsKeysAreBackItsGraceIsOverAndItIsOlderThanAnyRunningExecution() {
        RestorationRecord ofR1 = RestorationRecord.of(r1, B1, List.of(K1, K2), daysAgo(9), 7);
        AuditLedger ledger = ledger(List.of(r1), List.of(ofR1));
        Map<String, KeyStatus> active = Map.of(K1, KeyStatus.ACTIVE, K2, KeyStatus.ACTIVE);

        assertEquals(List.of(Ledgers.sealed(r1), Ledgers.sealed(ofR1)), ledger.settled(active, NOW));
        assertEquals(List.of(), ledger.settled(active, daysAgo(3)), "while the grace runs, it stays");
    }

    @Test
    void aRecordWithAKeyStillInactiveStaysForTheBackout() {
        AuditLedger ledger = ledger(List.of(r1), List.of());

        assertEquals(List.of(), ledger.settled(Map.of(K1, KeyStatus.ACTIVE, K2, KeyStatus.INACTIVE), NOW));
        assertEquals(
                List.of(Ledgers.sealed(r1)),
                ledger.settled(Map.of(K1, KeyStatus.ACTIVE), NOW),
                "a key deleted since has nothing left to restore");
        assertEquals(List.of(), ledger.settled(Map.of(K1, KeyStatus.ACTIVE, K2, KeyStatus.EXPIRED), NOW));
    }

    @Test
    void aYoungRecordWhoseKeysAreStillActiveMayBelongToARunDisablingThemNow() {
        AuditRecord young = AuditRecord.disabled(
                R2, List.of(K1), NOW.minus(AuditLedger.IN_FLIGHT).plusSeconds(1));
        AuditRecord hourOld = AuditRecord.disabled(R2, List.of(K1), NOW.minus(AuditLedger.IN_FLIGHT));
        Map<String, KeyStatus> active = Map.of(K1, KeyStatus.ACTIVE);

        assertEquals(List.of(), ledger(List.of(young), List.of()).settled(active, NOW));
        assertEquals(
                List.of(Ledgers.sealed(hourOld)),
                ledger(List.of(hourOld), List.of()).settled(active, NOW));
        assertTrue(AuditLedger.IN_FLIGHT.compareTo(Duration.ofMinutes(15)) > 0, "longer than Lambda's longest timeout");
    }

    @Test
    void aRestorationWhoseRecordIsGoneIsSettledOnceItsGraceEnds() {
        RestorationRecord orphan = RestorationRecord.of(r2, B2, List.of(K1), daysAgo(3), 30);
        RestorationRecord noGrace = RestorationRecord.of(r2, B1, List.of(K1), daysAgo(3), 0);
        AuditLedger ledger = ledger(List.of(), List.of(orphan, noGrace));

        assertEquals(List.of(Ledgers.sealed(noGrace)), ledger.settled(Map.of(), NOW));
        assertEquals(
                List.of(Ledgers.sealed(orphan), Ledgers.sealed(noGrace)),
                ledger.settled(Map.of(), daysAgo(3).plus(Duration.ofDays(30))));
        assertEquals(
                List.of(new BackoutGrace.Grant(K1, daysAgo(3), daysAgo(3).plus(Duration.ofDays(30)))),
                ledger.graceGrants(),
                "its grace counts while it runs, record or not");
    }

    @Test
    void aRecordWithAKeyStillInactiveIsNotSettledEvenWhenItsOtherKeyIsBack() {
        AuditLedger ledger = ledger(List.of(r1), List.of());

        assertEquals(List.of(), ledger.settled(Map.of(K1, KeyStatus.INACTIVE, K2, KeyStatus.ACTIVE), NOW));
    }

    @Test
    void anOrphanRestorationIsSettledOnlyWhenItsRecordIsGoneAndARecordWithARunningGraceStays() {
        RestorationRecord ofR1 = RestorationRecord.of(r1, B1, List.of(K1), daysAgo(9), 30);
        AuditLedger ledger = ledger(List.of(r1), List.of(ofR1));

        assertEquals(
                List.of(),
                ledger.settled(Map.of(K1, KeyStatus.ACTIVE, K2, KeyStatus.ACTIVE), NOW),
                "its record is there and its grace runs: neither is settled");
    }

    @Test
    void onlyARecordsOwnRestorationsKeepItFromBeingSettled() {
        AuditRecord other = AuditRecord.disabled(R2, List.of(K2), daysAgo(10));
        RestorationRecord ofOther = RestorationRecord.of(other, B1, List.of(K2), daysAgo(1), 30);
        AuditLedger ledger =
                ledger(List.of(AuditRecord.disabled(R1, List.of(K1), daysAgo(10)), other), List.of(ofOther));

        List<AuditLedger.Sealed<?>> settled = ledger.settled(Map.of(K1, KeyStatus.ACTIVE, K2, KeyStatus.ACTIVE), NOW);

        assertEquals(List.of(ledger.remediations().get(0)), settled, "the other record's running grace is not R1's");
    }

    @Test
    void aRestorationOfAnotherRecordIsNoOrphanWhileThatRecordIsThere() {
        AuditRecord other = AuditRecord.disabled(R2, List.of(K2), daysAgo(2)); // K2 still Inactive: it stays
        RestorationRecord orphan = RestorationRecord.of(r1, B2, List.of(K1), daysAgo(2), 0);
        AuditLedger ledger = ledger(List.of(other), List.of(orphan));

        assertEquals(List.of(Ledgers.sealed(orphan)), ledger.settled(Map.of(K2, KeyStatus.INACTIVE), NOW));
    }
}
