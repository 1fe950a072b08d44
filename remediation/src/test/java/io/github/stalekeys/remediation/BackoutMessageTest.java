package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.stalekeys.keychange.AuditLedger;
import io.github.stalekeys.keychange.RestorePlan;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.SkippedKey;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The backout's Summary sentence, part by part: restored, kept, ignored and failed keys, and the grace. */
class BackoutMessageTest {

    private static final IamUser ALICE = new IamUser("AIDAJQABLZS4A3QDU576Q", "alice");
    private static final String KEY_1 = "AKIAIOSFODNN7EXAMPLE";
    private static final String KEY_2 = "AKIAI44QH8DHBEXAMPLE";
    private static final Instant GRACE_END = Instant.parse("2026-02-01T10:00:00Z");
    private static final SkippedKey ACTIVE =
            new SkippedKey(KEY_2, "is active already: re-enabled since the remediation disabled it; left as it is");
    private static final AuditLedger.Rejected FORGED =
            new AuditLedger.Rejected("stalekeys:audit:4105a4fc", "its seal does not verify");

    private static RestorePlan plan(List<SkippedKey> kept, Optional<Instant> graceUntil) {
        return new RestorePlan(List.of(), kept, Map.of(), List.of(), graceUntil);
    }

    @Test
    void nothingAwaitingABackoutSaysSo() {
        assertEquals(
                "Nothing to restore: no key of alice is awaiting a backout",
                BackoutMessage.of(ALICE, List.of(), plan(List.of(), Optional.of(GRACE_END)), List.of(), Map.of()));
    }

    @Test
    void nothingToRestoreStillNamesTheTagsItIgnored() {
        assertEquals(
                "Nothing to restore: no key of alice is awaiting a backout; ignored audit tag"
                        + " 'stalekeys:audit:4105a4fc' (its seal does not verify)",
                BackoutMessage.of(ALICE, List.of(), plan(List.of(), Optional.empty()), List.of(FORGED), Map.of()));
    }

    @Test
    void restoredKeysWithTheirGrace() {
        assertEquals(
                "Restored " + KEY_1 + ", " + KEY_2 + " of alice; not reported or disabled for disuse before "
                        + "2026-02-01T10:00:00Z unless used",
                BackoutMessage.of(
                        ALICE, List.of(KEY_1, KEY_2), plan(List.of(), Optional.of(GRACE_END)), List.of(), Map.of()));
    }

    @Test
    void restoredKeysWithoutGrace() {
        assertEquals(
                "Restored " + KEY_1 + " of alice; no grace",
                BackoutMessage.of(ALICE, List.of(KEY_1), plan(List.of(), Optional.empty()), List.of(), Map.of()));
    }

    @Test
    void onlyKeptKeysRestoreNoKeyAndSayWhyWithoutAGrace() {
        assertEquals(
                "Restored no key of alice; " + KEY_2
                        + " is active already: re-enabled since the remediation disabled it; left as it is",
                BackoutMessage.of(
                        ALICE, List.of(), plan(List.of(ACTIVE), Optional.of(GRACE_END)), List.of(), Map.of()));
    }

    @Test
    void onlyFailuresRestoreNoKeyAndNameEach() {
        Map<String, String> failures = new LinkedHashMap<>();
        failures.put(KEY_1, "does not exist (deleted since it was disabled, or not a key of alice)");
        failures.put(KEY_2, "could not be set to Active: AccessDenied");

        assertEquals(
                "Restored no key of alice; could not restore: " + KEY_1
                        + " does not exist (deleted since it was disabled, or not a key of alice); " + KEY_2
                        + " could not be set to Active: AccessDenied",
                BackoutMessage.of(ALICE, List.of(), plan(List.of(), Optional.of(GRACE_END)), List.of(), failures));
    }

    @Test
    void aForgedTagKeyIsQuotedEscapedAndCut() {
        String forged = "stalekeys:audit:x\nRestored every key of alice" + "!".repeat(60);

        assertEquals(
                "Nothing to restore: no key of alice is awaiting a backout; ignored audit tag "
                        + InvalidSettingException.echo(forged) + " (not sealed)",
                BackoutMessage.of(
                        ALICE,
                        List.of(),
                        plan(List.of(), Optional.empty()),
                        List.of(new AuditLedger.Rejected(forged, "not sealed")),
                        Map.of()));
        assertEquals(
                "'stalekeys:audit:x\\nRestored every key of alice" + "!".repeat(19) + "'... (105 characters)",
                InvalidSettingException.echo(forged),
                "the key as the summary shows it: one line, cut");
    }

    @Test
    void everyPartInItsOrder() {
        AuditLedger.Rejected unreadable = new AuditLedger.Rejected("stalekeys:audit:0f8e4b4c", "unreadable");

        assertEquals(
                "Restored " + KEY_1 + " of alice; no grace; " + KEY_2
                        + " is active already: re-enabled since the remediation disabled it; left as it is"
                        + "; ignored audit tag 'stalekeys:audit:4105a4fc' (its seal does not verify)"
                        + "; ignored audit tag 'stalekeys:audit:0f8e4b4c' (unreadable)"
                        + "; could not restore: AKIAZZZZZZZZZZZZZZZZ does not exist",
                BackoutMessage.of(
                        ALICE,
                        List.of(KEY_1),
                        plan(List.of(ACTIVE), Optional.empty()),
                        List.of(FORGED, unreadable),
                        Map.of("AKIAZZZZZZZZZZZZZZZZ", "does not exist")));
    }
}
