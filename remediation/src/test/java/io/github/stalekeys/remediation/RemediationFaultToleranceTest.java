package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.Fault;
import io.github.stalekeys.emulator.FaultPlan;
import io.github.stalekeys.emulator.FaultReport;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * Two identical sets of users: one remediated without faults, the other with 20% of AWS calls faulted. The
 * faulted remediation disables exactly the same keys, and the faulted backout restores every one of them.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class RemediationFaultToleranceTest {

    private static final int USERS = 15;

    private record Seeded(SeededUser user, List<SeededKey> keys) {}

    @Test
    void underTwentyPercentFaultsTheRemediationDisablesTheSameKeysAndTheBackoutRestoresThem(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        List<Seeded> clean = seed(harness, "clean-");
        List<Seeded> faulted = seed(harness, "faulted-");
        List<List<String>> before = statuses(harness, faulted);

        List<String> cleanOutcomes = remediate(harness, clean);
        emulator.injectFaults(FaultPlan.allKinds(0.2, 4242));
        List<String> faultedOutcomes = remediate(harness, faulted);
        FaultReport remediationFaults = emulator.clearFaults();

        assertEquals(cleanOutcomes, faultedOutcomes);
        assertEquals(statuses(harness, clean), statuses(harness, faulted), "the same keys disabled");
        assertTrue(statuses(harness, faulted).stream()
                        .flatMap(List::stream)
                        .filter("Inactive"::equals)
                        .count()
                > USERS / 2);

        emulator.injectFaults(FaultPlan.allKinds(0.2, 2424));
        for (Seeded seeded : faulted) {
            harness.invoke(RemediationHarness.restorePayload(seeded.user().userName()));
        }
        FaultReport backoutFaults = emulator.clearFaults();

        assertEquals(before, statuses(harness, faulted), "every key back to its status before the remediation");
        for (Fault kind : List.of(Fault.THROTTLE, Fault.HTTP_500, Fault.HTTP_503, Fault.RESET, Fault.RESET_AFTER)) {
            assertTrue(remediationFaults.of(kind) + backoutFaults.of(kind) > 0, kind + ": " + remediationFaults);
        }
        System.out.printf(
                "remediation of %d users, faults %s over %d calls; backout faults %s over %d calls%n",
                USERS,
                remediationFaults.injected(),
                remediationFaults.callsSeen(),
                backoutFaults.injected(),
                backoutFaults.callsSeen());
    }

    /** One user per shape, repeated: stale, never used and old, fresh and stale, fresh, inactive and old. */
    private static List<Seeded> seed(RemediationHarness harness, String prefix) {
        List<Seeded> seeded = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            SeededUser user = harness.account.user(prefix + i);
            List<SeededKey> keys = new ArrayList<>();
            switch (i % 5) {
                case 0 -> keys.add(harness.account.keyUsed(user, 143));
                case 1 -> keys.add(harness.account.keyNeverUsed(user, 200));
                case 2 -> {
                    keys.add(harness.account.keyUsed(user, 3));
                    keys.add(harness.account.keyUsed(user, 100));
                }
                case 3 -> keys.add(harness.account.keyUsed(user, 89));
                default -> {
                    SeededKey key = harness.account.keyUsed(user, 400);
                    harness.account.setStatus(user, key, StatusType.INACTIVE);
                    keys.add(key);
                }
            }
            seeded.add(new Seeded(user, keys));
        }
        return seeded;
    }

    private static List<String> remediate(RemediationHarness harness, List<Seeded> users) {
        List<String> outcomes = new ArrayList<>();
        for (Seeded seeded : users) {
            JsonNode result = harness.invoke(
                    RemediationHarness.disablePayload(seeded.user().userId()));
            outcomes.add(result.get("outcome").asText() + " "
                    + result.get("disabledKeyIds").size());
        }
        return outcomes;
    }

    private static List<List<String>> statuses(RemediationHarness harness, List<Seeded> users) {
        return users.stream()
                .map(seeded -> seeded.keys().stream()
                        .map(key -> harness.account.status(seeded.user(), key))
                        .toList())
                .toList();
    }
}
