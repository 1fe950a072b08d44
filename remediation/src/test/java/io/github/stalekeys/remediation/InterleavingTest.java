package io.github.stalekeys.remediation;

import static io.github.stalekeys.remediation.StaleKeyRemediationTest.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.keychange.AuditRecord;
import io.github.stalekeys.keychange.AuditTags;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two executions on one user, the second forced between each pair of calls of the first (the emulator holds the
 * first's n-th call until the second has finished, for every n): a backout and a remediation in both orders, two
 * remediations, two backouts. Each ends in a state that matches what both executions reported, and no grace a
 * backout granted is lost.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class InterleavingTest {

    private static final String GRACE = "30";

    @Test
    void aRemediationBetweenAnyTwoCallsOfABackoutNeverUndoesIt(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        Remediated probe = remediated(harness, "probe");
        int calls = Interleaving.callsOf(emulator, () -> backout(harness, probe, GRACE));

        for (int nth = 1; nth <= calls; nth++) {
            Remediated user = remediated(harness, "alice" + nth);
            Interleaving.Run run = Interleaving.run(
                    emulator, nth, () -> backout(harness, user, GRACE), () -> remediation(harness, user.user()));

            String at = "the remediation before call " + nth + " of " + calls + " of the backout: ";
            JsonNode backout = run.first().answer();
            JsonNode remediation = run.second().answer();
            assertEquals(List.of(user.key().accessKeyId()), ids(backout.get("restoredKeyIds")), at + backout);
            assertEquals(List.of(), ids(remediation.get("disabledKeyIds")), at + remediation);
            assertEquals("Active", harness.account.status(user.user(), user.key()), at + "the key is Active");
            assertGraceRecorded(harness, user, backout, GRACE, at);
            assertEquals(
                    "NOTHING_STALE",
                    remediation(harness, user.user()).get("outcome").asText(),
                    at + "the grace still spares it");
        }
    }

    @Test
    void aBackoutBetweenAnyTwoCallsOfARemediationReportsWhatItFinds(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser probe = harness.account.user("probe");
        harness.account.keyUsed(probe, 143);
        int calls = Interleaving.callsOf(emulator, () -> remediation(harness, probe));

        for (int nth = 1; nth <= calls; nth++) {
            SeededUser user = harness.account.user("bob" + nth);
            SeededKey key = harness.account.keyUsed(user, 143);
            Interleaving.Run run = Interleaving.run(
                    emulator,
                    nth,
                    () -> remediation(harness, user),
                    () -> harness.invoke(
                            RemediationHarness.restorePayload(user.userName()).put("graceDays", GRACE)));

            String at = "the backout before call " + nth + " of " + calls + " of the remediation: ";
            JsonNode remediation = run.first().answer();
            JsonNode backout = run.second().answer();
            assertEquals(List.of(key.accessKeyId()), ids(remediation.get("disabledKeyIds")), at + remediation);
            if (ids(backout.get("restoredKeyIds")).contains(key.accessKeyId())) {
                assertEquals("Active", harness.account.status(user, key), at + "restored after it was disabled");
                assertGraceRecorded(harness, new Remediated(user, key), backout, GRACE, at);
            } else {
                assertEquals("Inactive", harness.account.status(user, key), at + backout);
                JsonNode later = harness.invoke(RemediationHarness.restorePayload(user.userName()));
                assertEquals(List.of(key.accessKeyId()), ids(later.get("restoredKeyIds")), at + "still restorable");
            }
        }
    }

    @Test
    void twoRemediationsInAnyInterleavingEachRecordWhatTheyDisabled(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser probe = harness.account.user("probe");
        harness.account.keyUsed(probe, 143);
        harness.account.keyNeverUsed(probe, 300);
        int calls = Interleaving.callsOf(emulator, () -> remediation(harness, probe));

        for (int nth = 1; nth <= calls; nth++) {
            SeededUser user = harness.account.user("carol" + nth);
            SeededKey used = harness.account.keyUsed(user, 143);
            SeededKey neverUsed = harness.account.keyNeverUsed(user, 300);
            ObjectNode first = RemediationHarness.disablePayload(user.userId());
            ObjectNode second = RemediationHarness.disablePayload(user.userId());
            Interleaving.Run run =
                    Interleaving.run(emulator, nth, () -> harness.invoke(first), () -> harness.invoke(second));

            String at = "the second remediation before call " + nth + " of " + calls + " of the first: ";
            Set<String> disabled = new HashSet<>();
            for (Map.Entry<ObjectNode, JsonNode> execution : Map.of(
                            first, run.first().answer(), second, run.second().answer())
                    .entrySet()) {
                List<String> ids = ids(execution.getValue().get("disabledKeyIds"));
                assertEquals(ids, recordOf(harness, user, execution.getKey()), at + "the record names what it did");
                disabled.addAll(ids);
            }
            assertEquals(Set.of(used.accessKeyId(), neverUsed.accessKeyId()), disabled, at);
            assertEquals("Inactive", harness.account.status(user, used), at);
            assertEquals("Inactive", harness.account.status(user, neverUsed), at);
            JsonNode backout = harness.invoke(RemediationHarness.restorePayload(user.userName()));
            assertEquals(disabled, Set.copyOf(ids(backout.get("restoredKeyIds"))), at + backout);
            assertEquals(2, ids(backout.get("restoredKeyIds")).size(), at + "each key once");
        }
    }

    @Test
    void twoBackoutsOfOneRecordInAnyInterleavingKeepBothGraces(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        Remediated probe = remediated(harness, "probe", true);
        int calls = Interleaving.callsOf(
                emulator,
                () -> harness.invoke(RemediationHarness.restorePayload("probe")
                        .put("accessKeyIds", probe.key().accessKeyId())));

        for (int nth = 1; nth <= calls; nth++) {
            Remediated user = remediated(harness, "dave" + nth, true);
            String other = otherKey(harness, user);
            ObjectNode first = RemediationHarness.restorePayload(user.user().userName())
                    .put("accessKeyIds", user.key().accessKeyId())
                    .put("graceDays", "30");
            ObjectNode second = RemediationHarness.restorePayload(user.user().userName())
                    .put("accessKeyIds", other)
                    .put("graceDays", "10");
            Interleaving.Run run =
                    Interleaving.run(emulator, nth, () -> harness.invoke(first), () -> harness.invoke(second));

            String at = "the second backout before call " + nth + " of " + calls + " of the first: ";
            JsonNode one = run.first().answer();
            JsonNode two = run.second().answer();
            assertEquals(List.of(user.key().accessKeyId()), ids(one.get("restoredKeyIds")), at + one);
            assertEquals(List.of(other), ids(two.get("restoredKeyIds")), at + two);
            assertGraceRecorded(harness, user, one, "30", at);
            assertGraceRecorded(harness, new Remediated(user.user(), null, other), two, "10", at);
            JsonNode after = remediation(harness, user.user());
            assertEquals("NOTHING_STALE", after.get("outcome").asText(), at + "both graces spare their keys: " + after);
        }
    }

    @Test
    void twoBackoutsOfTheSameKeysInAnyInterleavingLeaveThemActiveWithAGrace(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        Remediated probe = remediated(harness, "probe");
        int calls = Interleaving.callsOf(emulator, () -> backout(harness, probe, "30"));

        for (int nth = 1; nth <= calls; nth++) {
            Remediated user = remediated(harness, "erin" + nth);
            Interleaving.Run run = Interleaving.run(
                    emulator, nth, () -> backout(harness, user, "30"), () -> backout(harness, user, "7"));

            String at = "the second backout before call " + nth + " of " + calls + " of the first: ";
            int restoredBy = 0;
            for (JsonNode backout : List.of(run.first().answer(), run.second().answer())) {
                if (ids(backout.get("restoredKeyIds")).contains(user.key().accessKeyId())) {
                    restoredBy++;
                    assertGraceRecorded(
                            harness, user, backout, backout == run.first().result() ? "30" : "7", at);
                }
            }
            assertTrue(restoredBy >= 1, at + "one of them restored it");
            assertEquals("Active", harness.account.status(user.user(), user.key()), at);
            assertEquals(
                    "NOTHING_STALE",
                    remediation(harness, user.user()).get("outcome").asText(),
                    at);
        }
    }

    /** A user whose stale key (and, with {@code twoKeys}, a second one) one remediation has disabled. */
    record Remediated(SeededUser user, SeededKey key, String keyId) {

        Remediated(SeededUser user, SeededKey key) {
            this(user, key, key.accessKeyId());
        }
    }

    private static Remediated remediated(RemediationHarness harness, String name) {
        return remediated(harness, name, false);
    }

    private static Remediated remediated(RemediationHarness harness, String name, boolean twoKeys) {
        SeededUser user = harness.account.user(name);
        SeededKey key = harness.account.keyUsed(user, 143);
        if (twoKeys) {
            harness.account.keyNeverUsed(user, 300);
        }
        JsonNode disabled = remediation(harness, user);
        assertEquals(twoKeys ? 2 : 1, ids(disabled.get("disabledKeyIds")).size(), disabled.toString());
        return new Remediated(user, key);
    }

    private static String otherKey(RemediationHarness harness, Remediated user) {
        return harness
                .emulator
                .iamClient()
                .listAccessKeys(list -> list.userName(user.user().userName()))
                .accessKeyMetadata()
                .stream()
                .map(key -> key.accessKeyId())
                .filter(id -> !id.equals(user.key().accessKeyId()))
                .findFirst()
                .orElseThrow();
    }

    private static JsonNode remediation(RemediationHarness harness, SeededUser user) {
        return harness.invoke(RemediationHarness.disablePayload(user.userId()));
    }

    private static JsonNode backout(RemediationHarness harness, Remediated user, String graceDays) {
        return harness.invoke(
                RemediationHarness.restorePayload(user.user().userName()).put("graceDays", graceDays));
    }

    /** The keys the record of that remediation execution names, or none when it left no record. */
    private static List<String> recordOf(RemediationHarness harness, SeededUser user, ObjectNode payload) {
        String tagKey =
                AuditRecord.tagKeyOf(payload.get("automationExecutionId").asText());
        String value = harness.remediationRecords(user.userName()).get(tagKey);
        if (value == null) {
            return List.of();
        }
        AuditTags.Read read = AuditTags.read(tagKey, value).orElseThrow();
        return ((AuditTags.Remediation) read).record().disabledKeyIds();
    }

    /** The backout's own restoration record holds the key with that grace. */
    private static void assertGraceRecorded(
            RemediationHarness harness, Remediated user, JsonNode backout, String graceDays, String at) {
        String keyId = user.keyId();
        String execution = backout.path("automationExecutionId").asText(null);
        boolean recorded = harness.restorationRecords(user.user().userName()).entrySet().stream()
                .filter(tag -> execution == null || tag.getKey().endsWith("/restored/" + execution))
                .anyMatch(tag -> tag.getValue().matches("restored=(\\S+/)?" + keyId + "@\\S+\\+" + graceDays + "d.*"));
        assertTrue(
                recorded,
                at + "the grace of " + keyId + " is recorded: "
                        + harness.restorationRecords(user.user().userName()));
    }
}
