package io.github.stalekeys.keychange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.BackoutGrace;
import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.KeyAssessment;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.MaxKeyAge;
import io.github.stalekeys.policy.SkippedKey;
import io.github.stalekeys.policy.StaleKeyPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Both plans over generated users: up to IAM's two keys plus one long gone, in any status and of any age, and
 * a history of remediation records and backout restorations over them, at any moment. The remediation never
 * plans to disable a key that is not active and stale, or one in a running grace, records exactly what it plans
 * to disable, and removes only records with nothing left to do; the backout restores only keys a record holds
 * outstanding that are inactive and unused since, and records each with its grace in exactly one record.
 */
class PlanPropertiesTest {

    private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    private static final List<String> KEY_IDS =
            List.of("AKIAAAAAAAAAAAAAAAA1", "AKIAAAAAAAAAAAAAAAA2", "AKIAGONEGONEGONEGONE");
    private static final IamUser ALICE = new IamUser("AIDAALICE00000000001", "alice");

    record KeySpec(KeyStatus status, int createdDaysAgo, Optional<Integer> usedHoursAgo) {}

    record RecordSpec(
            Set<Integer> keys, int disabledMinutesAgo, Set<Integer> restored, int restoredMinutesAgo, int graceDays) {}

    record Case(List<KeySpec> keys, List<RecordSpec> records, int graceDays) {

        UserSnapshot snapshot() {
            List<AccessKeyActivity> activities = new ArrayList<>();
            for (int i = 0; i < keys.size(); i++) {
                KeySpec key = keys.get(i);
                activities.add(new AccessKeyActivity(
                        KEY_IDS.get(i),
                        key.status(),
                        NOW.minus(Duration.ofDays(key.createdDaysAgo())),
                        key.usedHoursAgo().map(hours -> NOW.minus(Duration.ofHours(hours)))));
            }
            List<AuditRecord> remediations = new ArrayList<>();
            List<RestorationRecord> restorations = new ArrayList<>();
            for (int r = 0; r < records.size(); r++) {
                RecordSpec spec = records.get(r);
                AuditRecord record = AuditRecord.disabled(
                        "00000000-0000-4000-8000-00000000000" + r,
                        spec.keys().stream().sorted().map(KEY_IDS::get).toList(),
                        NOW.minus(Duration.ofMinutes(spec.disabledMinutesAgo())));
                remediations.add(record);
                List<String> restored = spec.restored().stream()
                        .filter(spec.keys()::contains)
                        .sorted()
                        .map(KEY_IDS::get)
                        .toList();
                if (!restored.isEmpty()) {
                    restorations.add(RestorationRecord.of(
                            record,
                            "bbbbbbbb-0000-4000-8000-00000000000" + r,
                            restored,
                            NOW.minus(Duration.ofMinutes(spec.restoredMinutesAgo())),
                            spec.graceDays()));
                }
            }
            return new UserSnapshot(ALICE, activities, Ledgers.ledger(remediations, restorations));
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<KeySpec> key = Combinators.combine(
                        Arbitraries.of(KeyStatus.class),
                        Arbitraries.integers().between(0, 400),
                        Arbitraries.integers().between(0, 400 * 24).optional())
                .as(KeySpec::new);
        Arbitrary<Set<Integer>> keySet =
                Arbitraries.integers().between(0, 2).set().ofMinSize(1).ofMaxSize(3);
        Arbitrary<RecordSpec> record = Combinators.combine(
                        keySet,
                        Arbitraries.integers().between(0, 300 * 24 * 60),
                        Arbitraries.integers().between(0, 2).set().ofMaxSize(3),
                        Arbitraries.integers().between(0, 60 * 24 * 60),
                        Arbitraries.of(0, 1, 7, 30, BackoutGrace.MAX_DAYS))
                .as(RecordSpec::new);
        return Combinators.combine(
                        key.list().ofMinSize(0).ofMaxSize(2), record.list().ofMaxSize(3), Arbitraries.of(0, 7, 30))
                .as(Case::new);
    }

    @Property(tries = 500)
    void theRemediationDisablesOnlyActiveStaleKeysOutsideAnyGraceAndRecordsExactlyThose(
            @ForAll("cases") Case generated) {
        UserSnapshot snapshot = generated.snapshot();
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        StaleKeyPolicy policy = new StaleKeyPolicy(MaxKeyAge.DEFAULT, Exemptions.NONE, clock);
        BackoutGrace grace = new BackoutGrace(snapshot.ledger().graceGrants(), clock);

        DisablePlan plan = DisablePlan.of(snapshot, policy, "cccccccc-0000-4000-8000-000000000000", clock);

        List<String> planned =
                plan.toDisable().stream().map(key -> key.key().accessKeyId()).toList();
        for (KeyAssessment key : plan.toDisable()) {
            assertEquals(KeyStatus.ACTIVE, key.key().status());
            assertTrue(key.stale());
            assertTrue(grace.sparing(key.key()).isEmpty(), "a key in its grace is never disabled");
        }
        Set<String> judged = new HashSet<>(planned);
        plan.skipped().stream().map(SkippedKey::accessKeyId).forEach(judged::add);
        assertEquals(snapshot.keys().size(), planned.size() + plan.skipped().size(), "each key judged once");
        assertEquals(snapshot.statuses().keySet(), judged);
        assertEquals(planned, plan.record().disabledKeyIds());
        assertEquals(NOW, plan.record().disabledAt());
        for (AuditLedger.Sealed<?> pruned : plan.prune()) {
            if (pruned.record() instanceof AuditRecord record) {
                assertFalse(record.disabledAt().isAfter(NOW.minus(AuditLedger.IN_FLIGHT)), "never a record in flight");
                snapshot.ledger()
                        .outstanding(record)
                        .forEach(keyId -> assertTrue(
                                snapshot.key(keyId)
                                        .map(key -> key.status() == KeyStatus.ACTIVE)
                                        .orElse(true),
                                "never a record a backout still needs"));
            }
            if (pruned.record() instanceof RestorationRecord restoration) {
                assertTrue(restoration
                        .lastGraceEnd()
                        .map(until -> !NOW.isBefore(until))
                        .orElse(true));
            }
        }
        if (planned.isEmpty()) {
            assertEquals(List.of(), plan.prune());
        }
    }

    @Property(tries = 500)
    void theBackoutRestoresOnlyOutstandingInactiveKeysUnusedSinceAndRecordsEachOnce(@ForAll("cases") Case generated) {
        UserSnapshot snapshot = generated.snapshot();
        RestorePlan plan;
        try {
            plan = RestorePlan.of(
                    snapshot,
                    new RestorePlan.Selection("alice", List.of(), Optional.empty()),
                    "dddddddd-0000-4000-8000-000000000000",
                    generated.graceDays(),
                    NOW);
        } catch (InvalidSettingException impossible) {
            throw new AssertionError("restoring everything is always a valid request", impossible);
        }

        Set<String> candidates = new java.util.LinkedHashSet<>(snapshot.ledger().outstandingKeys());
        for (String keyId : plan.toRestore()) {
            assertTrue(candidates.contains(keyId));
            AccessKeyActivity key = snapshot.key(keyId).orElseThrow();
            assertFalse(key.status() == KeyStatus.ACTIVE, "an active key is not restored");
            Instant disabledAt = snapshot.ledger().disabledAt(keyId).orElseThrow();
            assertTrue(key.lastUsed().map(used -> !used.isAfter(disabledAt)).orElse(true), "never a key used since");
        }
        assertEquals(
                candidates.size(),
                plan.toRestore().size() + plan.kept().size() + plan.failures().size(),
                "each candidate key is restored, kept or failed");
        List<String> recorded = plan.records().stream()
                .flatMap(record -> record.restoredKeyIds().stream())
                .distinct()
                .toList();
        assertEquals(Set.copyOf(plan.toRestore()), Set.copyOf(recorded));
        for (RestorationRecord record : plan.records()) {
            AuditRecord of = snapshot.ledger().records().stream()
                    .filter(record::restores)
                    .findFirst()
                    .orElseThrow();
            assertTrue(of.disabledKeyIds().containsAll(record.restoredKeyIds()), "a record that disabled the key");
            record.restoredKeyIds()
                    .forEach(keyId -> assertEquals(
                            snapshot.ledger().latestHolding(keyId), Optional.of(of), "the latest record holding it"));
            record.restorations().forEach(restoration -> assertEquals(generated.graceDays(), restoration.graceDays()));
        }
        assertEquals(plan.records(), plan.recordsFor(plan.toRestore()));
        assertTrue(Stream.of(plan.toRestore())
                .allMatch(keys -> keys.stream().distinct().count() == keys.size()));
    }
}
