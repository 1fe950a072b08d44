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
import io.github.stalekeys.keychange.AuditRecord;
import io.github.stalekeys.keychange.AuditTags;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Nothing forced: two remediations and two backouts of one user at once, every call late by a random delay
 * (seeded), so they interleave as they happen to. Whatever the order: each remediation's record names exactly the
 * keys it reports disabled, each key a backout reports restored has that backout's grace on record, no key that
 * was not stale is touched, and whatever ends Inactive is still on record for the next backout, which restores it.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class UnforcedInterleavingTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 7, 42, 1009, 31337})
    void remediationsAndBackoutsAtOnceUnderRandomDelaysLeaveEveryRecordTrue(long seed, AwsEmulator emulator)
            throws Exception {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser user = harness.account.user("stress" + seed);
        SeededKey used = harness.account.keyUsed(user, 143);
        SeededKey neverUsed = harness.account.keyNeverUsed(user, 300);
        SeededUser other = harness.account.user("fresh" + seed);
        SeededKey fresh = harness.account.keyUsed(other, 1);
        harness.invoke(RemediationHarness.disablePayload(user.userId())); // something for the backouts from the start
        emulator.injectFaults(FaultPlan.of(0.5, seed, Fault.DELAY).withDelay(Duration.ofMillis(30)));

        List<ObjectNode> remediations = List.of(
                RemediationHarness.disablePayload(user.userId()), RemediationHarness.disablePayload(user.userId()));
        List<ObjectNode> backouts = List.of(
                RemediationHarness.restorePayload(user.userName()).put("graceDays", "30"),
                RemediationHarness.restorePayload(user.userName()).put("graceDays", "5"));
        ExecutorService pool = Executors.newFixedThreadPool(5);
        Map<ObjectNode, JsonNode> answers = new java.util.LinkedHashMap<>();
        try {
            List<Future<JsonNode>> running = new ArrayList<>();
            List<ObjectNode> all = List.of(remediations.get(0), backouts.get(0), remediations.get(1), backouts.get(1));
            for (ObjectNode payload : all) {
                running.add(pool.submit(() -> harness.invoke(payload)));
            }
            running.add(pool.submit(() -> harness.invoke(RemediationHarness.disablePayload(other.userId()))));
            for (int i = 0; i < all.size(); i++) {
                answers.put(all.get(i), running.get(i).get());
            }
            running.get(all.size()).get();
        } finally {
            pool.shutdown();
            emulator.clearFaults();
        }

        Set<String> stale = Set.of(used.accessKeyId(), neverUsed.accessKeyId());
        assertEquals("Active", harness.account.status(other, fresh), "a fresh key is never touched");
        for (ObjectNode payload : remediations) {
            List<String> disabled = ids(answers.get(payload).get("disabledKeyIds"));
            assertTrue(stale.containsAll(disabled), "only stale keys: " + disabled);
            String tagKey =
                    AuditRecord.tagKeyOf(payload.get("automationExecutionId").asText());
            String value = harness.remediationRecords(user.userName()).get(tagKey);
            List<String> recorded = value == null
                    ? List.of()
                    : ((AuditTags.Remediation) AuditTags.read(tagKey, value).orElseThrow())
                            .record()
                            .disabledKeyIds();
            assertEquals(disabled, recorded, "seed " + seed + ": the record names what the run disabled");
        }
        for (ObjectNode payload : backouts) {
            String execution = payload.get("automationExecutionId").asText();
            String grace = payload.get("graceDays").asText();
            for (String keyId : ids(answers.get(payload).get("restoredKeyIds"))) {
                assertTrue(
                        harness.restorationRecords(user.userName()).entrySet().stream()
                                .filter(tag -> tag.getKey().endsWith("/restored/" + execution))
                                .anyMatch(tag -> tag.getValue()
                                        .matches("restored=(\\S+/)?" + keyId + "@\\S+\\+" + grace + "d.*")),
                        "seed " + seed + ": the grace of " + keyId + " is on record: "
                                + harness.auditTags(user.userName()));
            }
        }
        JsonNode last = harness.invoke(RemediationHarness.restorePayload(user.userName()));
        assertEquals("Active", harness.account.status(user, used), "seed " + seed + ": " + last);
        assertEquals("Active", harness.account.status(user, neverUsed), "seed " + seed + ": " + last);
    }
}
