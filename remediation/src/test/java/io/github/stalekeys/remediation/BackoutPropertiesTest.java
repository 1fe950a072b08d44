package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.keychange.AuditRecord;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * The backout over generated histories of a user's two keys: remediations, backouts, owners re-enabling and
 * using keys, responders disabling them, time passing, and forged audit tags. Property: every backout restores
 * exactly the keys a remediation disabled that are still inactive and unused since that remediation, never a
 * key only a forged record names; and every remediation disables exactly the active keys unused beyond the
 * deployed 90 days. The oracle is an independent model of the keys and of the remediation's records.
 */
@Tag("emulator") // jqwik's own tag: the JUnit Platform filters on it like JUnit's
class BackoutPropertiesTest {

    private static final Duration LIMIT = Duration.ofDays(90);
    private static AwsEmulator emulator;

    @BeforeContainer
    static void startEmulator() {
        emulator = AwsEmulator.start();
    }

    @AfterContainer
    static void stopEmulator() {
        emulator.close();
    }

    /** Something that happens to the user's keys; {@code key} is 0 or 1. */
    sealed interface Action {}

    record Remediate() implements Action {}

    record Restore() implements Action {}

    record OwnerReEnables(int key) implements Action {}

    record ResponderDisables(int key) implements Action {}

    record Use(int key) implements Action {}

    record Forge(int key) implements Action {}

    record Wait(int days) implements Action {}

    @Provide
    Arbitrary<List<Action>> histories() {
        Arbitrary<Integer> key = Arbitraries.integers().between(0, 1);
        Arbitrary<Action> action = Arbitraries.oneOf(
                Arbitraries.just(new Remediate()),
                Arbitraries.just(new Restore()),
                key.map(OwnerReEnables::new),
                key.map(ResponderDisables::new),
                key.map(Use::new),
                key.map(Forge::new),
                Arbitraries.integers().between(1, 200).map(Wait::new));
        return action.list().ofMinSize(1).ofMaxSize(10);
    }

    @Provide
    Arbitrary<List<Integer>> lastUseDaysAgo() {
        // Per key: days since last use at the start (0..300); -1 for a key never used, created 200 days ago.
        return Arbitraries.integers().between(-1, 300).list().ofSize(2);
    }

    @Property(tries = 30)
    void theBackoutRestoresOnlyKeysTheRemediationDisabledAndNobodyTouchedSince(
            @ForAll("histories") List<Action> history, @ForAll("lastUseDaysAgo") List<Integer> lastUse) {
        emulator.reset();
        MovableClock clock = new MovableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
        RemediationHarness harness = new RemediationHarness(emulator, RemediationHarness.deployed(90, "", ""), clock);
        SeededUser user = harness.account.user("alice");
        List<Model> keys = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Instant now = clock.instant();
            Optional<Instant> used =
                    lastUse.get(i) < 0 ? Optional.empty() : Optional.of(now.minus(Duration.ofDays(lastUse.get(i))));
            Instant created = used.orElse(now).minus(Duration.ofDays(200));
            keys.add(new Model(harness.account.key(user, created, used.orElse(null)), created, used));
        }
        List<Record> records = new ArrayList<>();
        String trace = "start " + lastUse;

        for (Action action : history) {
            clock.advance(Duration.ofDays(1)); // no two events in the same second
            Instant now = clock.instant();
            trace += " -> " + action;
            switch (action) {
                case Remediate remediate -> {
                    Set<String> expected = keys.stream()
                            .filter(k ->
                                    k.active && now.isAfter(k.lastActivity().plus(LIMIT)))
                            .map(Model::id)
                            .collect(Collectors.toCollection(TreeSet::new));
                    JsonNode result = harness.invoke(RemediationHarness.disablePayload(user.userId()));
                    assertEquals(expected, ids(result.get("disabledKeyIds")), trace);
                    if (!expected.isEmpty()) {
                        records.add(new Record(now, expected, new TreeSet<>()));
                        keys.stream().filter(k -> expected.contains(k.id())).forEach(k -> k.active = false);
                    }
                }
                case Restore restore -> {
                    Set<String> expected = new TreeSet<>();
                    for (Model key : keys) {
                        Optional<Instant> recordedAt = records.stream()
                                .filter(r -> r.outstanding().contains(key.id()))
                                .map(Record::at)
                                .max(Instant::compareTo);
                        boolean usedSince = recordedAt.isPresent()
                                && key.lastUsed
                                        .map(u -> u.isAfter(recordedAt.get()))
                                        .orElse(false);
                        if (recordedAt.isPresent() && !key.active && !usedSince) {
                            expected.add(key.id());
                        }
                    }
                    JsonNode result = harness.invoke(
                            RemediationHarness.restorePayload("alice").put("graceDays", "0"));
                    assertEquals(expected, ids(result.get("restoredKeyIds")), trace);
                    records.forEach(r -> r.restored.addAll(
                            r.disabled.stream().filter(expected::contains).toList()));
                    keys.stream().filter(k -> expected.contains(k.id())).forEach(k -> k.active = true);
                }
                case OwnerReEnables reEnable -> {
                    harness.account.setStatus(user, keys.get(reEnable.key()).seeded, StatusType.ACTIVE);
                    keys.get(reEnable.key()).active = true;
                }
                case ResponderDisables disable -> {
                    harness.account.setStatus(user, keys.get(disable.key()).seeded, StatusType.INACTIVE);
                    keys.get(disable.key()).active = false;
                }
                case Use use -> {
                    Model key = keys.get(use.key());
                    if (key.active) { // IAM refuses a request signed with an inactive key
                        emulator.seedKeyActivity(key.id(), key.created, now);
                        key.lastUsed = Optional.of(now);
                    }
                }
                case Forge forge -> {
                    String value = "disabled=" + keys.get(forge.key()).id() + " at=2020-01-01T00:00:00Z mac="
                            + "A".repeat(43) + "=";
                    emulator.iamClient()
                            .tagUser(tag -> tag.userName("alice")
                                    .tags(t -> t.key(AuditRecord.TAG_PREFIX + UUID.randomUUID())
                                            .value(value)));
                }
                case Wait wait -> clock.advance(Duration.ofDays(wait.days()));
            }
            for (Model key : keys) {
                assertEquals(key.active ? "Active" : "Inactive", harness.account.status(user, key.seeded), trace);
            }
        }
    }

    private static Set<String> ids(JsonNode list) {
        Set<String> ids = new TreeSet<>();
        list.forEach(id -> ids.add(id.asText()));
        return ids;
    }

    /** The model of one key: what IAM should say about it. */
    private static final class Model {
        final SeededKey seeded;
        final Instant created;
        Optional<Instant> lastUsed;
        boolean active = true;

        Model(SeededKey seeded, Instant created, Optional<Instant> lastUsed) {
            this.seeded = seeded;
            this.created = created;
            this.lastUsed = lastUsed;
        }

        String id() {
            return seeded.accessKeyId();
        }

        Instant lastActivity() {
            return lastUsed.orElse(created);
        }
    }

    /** The model of one remediation record. */
    private record Record(Instant at, Set<String> disabled, Set<String> restored) {
        Set<String> outstanding() {
            Set<String> outstanding = new TreeSet<>(disabled);
            outstanding.removeAll(restored);
            return outstanding;
        }
    }
}
