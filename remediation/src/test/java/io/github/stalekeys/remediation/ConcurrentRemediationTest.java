package io.github.stalekeys.remediation;

import static io.github.stalekeys.remediation.StaleKeyRemediationTest.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.Fault;
import io.github.stalekeys.emulator.FaultPlan;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.emulator.LogScan;
import io.github.stalekeys.keychange.AuditRecord;
import io.github.stalekeys.keychange.AuditTags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several remediations of one user at once (automatic remediation retrying while an operator clicks), with
 * random delays so their calls interleave differently (and another user's runs alongside): a fresh key is
 * never touched, each stale key ends
 * disabled, every audit record names only keys that are stale, together they name each stale key, and one
 * backout restores each key exactly once.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class ConcurrentRemediationTest {

    private static final int RUNS = 4;

    @Test
    void concurrentRunsUnderDelaysKeepEveryRecordTrueAndTheBackoutRestoresEachKeyOnce(AwsEmulator emulator)
            throws Exception {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        SeededKey stale = harness.account.keyUsed(alice, 143);
        SeededKey neverUsed = harness.account.keyNeverUsed(alice, 300);
        SeededUser bob = harness.account.user("bob");
        SeededKey fresh = harness.account.keyUsed(bob, 1);
        SeededKey bobsStale = harness.account.keyUsed(bob, 100);
        emulator.injectFaults(FaultPlan.of(0.5, 99, Fault.DELAY).withDelay(Duration.ofMillis(40)));

        List<ObjectNode> payloads = new ArrayList<>();
        List<JsonNode> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(RUNS + 2);
        try {
            List<Future<JsonNode>> runs = new ArrayList<>();
            List<Future<JsonNode>> bobsRuns = List.of(
                    pool.submit(() -> harness.invoke(RemediationHarness.disablePayload(bob.userId()))),
                    pool.submit(() -> harness.invoke(RemediationHarness.disablePayload(bob.userId()))));
            for (int i = 0; i < RUNS; i++) {
                ObjectNode payload = RemediationHarness.disablePayload(alice.userId());
                payloads.add(payload);
                runs.add(pool.submit(() -> harness.invoke(payload)));
            }
            for (Future<JsonNode> run : runs) {
                results.add(run.get());
            }
            for (Future<JsonNode> run : bobsRuns) {
                assertTrue(
                        staleOnly(ids(run.get().get("disabledKeyIds")), bobsStale),
                        "bob's fresh key is never disabled");
            }
        } finally {
            pool.shutdown();
        }
        emulator.clearFaults();

        Set<String> staleIds = Set.of(stale.accessKeyId(), neverUsed.accessKeyId());
        assertEquals("Inactive", harness.account.status(alice, stale));
        assertEquals("Inactive", harness.account.status(alice, neverUsed));
        assertEquals("Active", harness.account.status(bob, fresh));
        assertEquals("Inactive", harness.account.status(bob, bobsStale));
        Map<String, String> records = harness.auditTags("alice");
        Set<String> recorded = new HashSet<>();
        for (int i = 0; i < RUNS; i++) {
            String record = records.get(AuditRecord.TAG_PREFIX
                    + payloads.get(i).get("automationExecutionId").asText());
            List<String> disabled = ids(results.get(i).get("disabledKeyIds"));
            assertTrue(staleIds.containsAll(disabled), "run " + i + " disabled only stale keys: " + disabled);
            if (disabled.isEmpty()) {
                assertEquals(null, record, "a run that disabled nothing leaves no record");
            } else {
                AuditRecord parsed = AuditTags.read(
                                AuditRecord.TAG_PREFIX
                                        + payloads.get(i)
                                                .get("automationExecutionId")
                                                .asText(),
                                record)
                        .map(read -> ((AuditTags.Remediation) read).record())
                        .orElseThrow();
                assertEquals(disabled, parsed.disabledKeyIds(), "run " + i + "'s record names what it disabled");
                recorded.addAll(disabled);
            }
        }
        assertEquals(staleIds, recorded, "together the records name every stale key");

        JsonNode backout = harness.invoke(RemediationHarness.restorePayload("alice"));
        List<String> restored = ids(backout.get("restoredKeyIds"));
        assertEquals(staleIds, Set.copyOf(restored));
        assertEquals(
                restored.size(), restored.stream().collect(Collectors.toSet()).size(), "each key restored once");
        assertEquals("Active", harness.account.status(alice, stale));
        assertEquals("Active", harness.account.status(alice, neverUsed));
        assertEquals(
                List.of(),
                ids(harness.invoke(RemediationHarness.restorePayload("alice")).get("restoredKeyIds")));
        LogScan.assertClean(harness.logText(), harness.account.seededSecrets());
    }

    private static boolean staleOnly(List<String> disabled, SeededKey stale) {
        return disabled.isEmpty() || disabled.equals(List.of(stale.accessKeyId()));
    }
}
