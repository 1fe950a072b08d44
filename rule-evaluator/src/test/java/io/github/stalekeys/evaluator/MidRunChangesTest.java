package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.emulator.StoredEvaluation;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The account changes while the rule runs, or holds keys in statuses the rule must not take for active: the
 * documented safe outcome is a verdict on what exists now, never a non-compliant verdict for a key or user
 * that is gone, and never an unrecognised status treated as active.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class MidRunChangesTest {

    @Test
    void aFlaggedUserDeletedAfterTheListingIsNotApplicable(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        SeededUser leaver = harness.account().user("leaver");
        harness.account().keyUsed(leaver, 143);
        SeededUser stale = harness.account().user("stale");
        SeededKey staleKey = harness.account().keyUsed(stale, 143);
        // The report is read first, then the users: the leaver is listed, then gone before the live confirmation.
        emulator.deleteUserAfter("iam:GetAccountAuthorizationDetails", 1, "leaver");

        harness.run(EvaluatorHarness.scheduledEvent(harness.token(), "{}"));

        Map<String, StoredEvaluation> stored = harness.stored();
        assertEquals("NOT_APPLICABLE", stored.get(leaver.userId()).complianceType());
        assertEquals(AccountEvaluator.USER_GONE, stored.get(leaver.userId()).annotation());
        assertEquals(
                staleKey.accessKeyId() + " unused since " + harness.daysAgo(143)
                        + ", last used with s3 in us-east-1 (limit 90 days)" + EvaluatorHarness.FIX,
                stored.get(stale.userId()).annotation());
    }

    @Test
    void aStaleKeyDeletedAfterTheReportLeavesItsUserCompliant(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        SeededUser alice = harness.account().user("alice");
        SeededKey stale = harness.account().keyUsed(alice, 143);
        emulator.deleteAccessKeyAfter("iam:GetCredentialReport", 1, stale.accessKeyId());

        harness.run(EvaluatorHarness.scheduledEvent(harness.token(), "{}"));

        StoredEvaluation stored = harness.stored().get(alice.userId());
        assertEquals("COMPLIANT", stored.complianceType());
        assertEquals("No active access keys", stored.annotation());
    }

    @Test
    void aKeyDeletedBetweenListingAndLastUseIsLeftOutOfAChangeEventsVerdict(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        SeededUser alice = harness.account().user("alice");
        SeededKey stale = harness.account().keyUsed(alice, 143);
        harness.account().keyUsed(alice, 3);
        emulator.deleteAccessKeyAfter("iam:ListAccessKeys", 1, stale.accessKeyId());

        harness.run(changeEventFor(harness, alice));

        StoredEvaluation stored = harness.stored().get(alice.userId());
        assertEquals("COMPLIANT", stored.complianceType());
        assertEquals("The active access key was used or created within 90 days", stored.annotation());
    }

    @Test
    void aUserDeletedBetweenItsKeysAndItsReadIsNotApplicable(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        SeededUser alice = harness.account().user("alice");
        harness.account().keyUsed(alice, 143);
        emulator.deleteUserAfter("iam:ListAccessKeys", 1, "alice");

        harness.run(changeEventFor(harness, alice));

        // The user is read after its keys (for the tags behind a grace), and is gone by then: not applicable, as
        // Config's ResourceDeleted event that follows will say too.
        StoredEvaluation stored = harness.stored().get(alice.userId());
        assertEquals("NOT_APPLICABLE", stored.complianceType());
        assertEquals(AccountEvaluator.USER_GONE, stored.annotation());
        assertEquals(0, harness.calls("iam:GetAccessKeyLastUsed"), "a gone user's keys are not looked up");
    }

    @Test
    void aUserDeletedAfterItWasReadAndBeforeLastUseIsNeverNonCompliant(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        SeededUser alice = harness.account().user("alice");
        harness.account().keyUsed(alice, 143);
        emulator.deleteUserAfter("iam:GetUser", 1, "alice");

        harness.run(changeEventFor(harness, alice));

        // Its keys are gone with it: no active key is left to be stale. Config's ResourceDeleted event follows.
        StoredEvaluation stored = harness.stored().get(alice.userId());
        assertEquals("COMPLIANT", stored.complianceType());
        assertEquals("No active access keys", stored.annotation());
    }

    @Test
    void expiredAndUnknownStatusesAreNeverTakenForActive(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        IamSeeder account = harness.account();
        SeededUser expired = account.user("expired");
        emulator.forceKeyStatus(account.keyUsed(expired, 400).accessKeyId(), "Expired");
        SeededUser odd = account.user("odd");
        emulator.forceKeyStatus(account.keyNeverUsed(odd, 500).accessKeyId(), "Quarantined");
        SeededUser mixed = account.user("mixed");
        emulator.forceKeyStatus(account.keyUsed(mixed, 400).accessKeyId(), "Expired");
        SeededKey mixedStale = account.keyUsed(mixed, 143);
        emulator.resetCallCounts();

        harness.run(EvaluatorHarness.scheduledEvent(harness.token(), "{}"));
        Map<String, StoredEvaluation> periodic = harness.stored();

        assertEquals("No active access keys", periodic.get(expired.userId()).annotation());
        assertEquals("COMPLIANT", periodic.get(odd.userId()).complianceType());
        assertEquals("No active access keys", periodic.get(odd.userId()).annotation());
        assertEquals(
                mixedStale.accessKeyId() + " unused since " + harness.daysAgo(143)
                        + ", last used with s3 in us-east-1 (limit 90 days)" + EvaluatorHarness.FIX,
                periodic.get(mixed.userId()).annotation());
        assertEquals(1, harness.calls("iam:GetAccessKeyLastUsed"), "only the active key of the flagged user");

        harness.run(changeEventFor(harness, odd));
        assertEquals("No active access keys", harness.stored().get(odd.userId()).annotation());
    }

    private static ConfigRuleEvent changeEventFor(EvaluatorHarness harness, SeededUser user) {
        ConfigRuleEvent event = BadEventCatalogueTest.changeEvent(harness.token());
        event.setInvokingEvent(BadEventCatalogueTest.item("\"" + user.userName() + "\"", "OK", "2026-11-28T09:15:00Z")
                .replace("AIDAEXAMPLEALICE00001", user.userId()));
        return event;
    }
}
