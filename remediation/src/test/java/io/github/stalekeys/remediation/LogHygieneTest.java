package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.Fault;
import io.github.stalekeys.emulator.FaultPlan;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.emulator.LogScan;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.AssertionFailedError;

/**
 * No secret access key, session token or whole payload reaches a log line. {@link RemediationHarness#invoke}
 * scans the logs (and the error, which Lambda logs) of every scenario run through it; this runs every action
 * and outcome once more in one log, under faults, and checks that the scan would catch a leak.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class LogHygieneTest {

    @Test
    void theScanCatchesEachKindOfLeak() {
        SeededKey key = new SeededKey("AKIAEXAMPLE000000001", "s3cr3tS3CR3Ts3cr3tS3CR3T");
        assertThrows(
                AssertionFailedError.class,
                () -> LogScan.assertClean("x " + key.secretAccessKey(), List.of(key.secretAccessKey())));
        assertThrows(AssertionFailedError.class, () -> LogScan.assertClean("aws_session_token=x", List.of()));
        assertThrows(AssertionFailedError.class, () -> LogScan.assertClean("{\"a\":1}", List.of(), "{\"a\":1}"));
    }

    @Test
    void everyActionAndOutcomeUnderFaultsLogsNoSecret(AwsEmulator emulator) {
        RemediationHarness harness = new RemediationHarness(emulator);
        SeededUser alice = harness.account.user("alice");
        harness.account.keyUsed(alice, 143);
        SeededKey deleted = harness.account.keyNeverUsed(alice, 300);
        SeededUser bob = harness.account.userTagged("bob", "KeyRotationExempt", "CHG-1");
        harness.account.keyUsed(bob, 300);
        SeededUser carol = harness.account.user("carol");
        harness.account.keyUsed(carol, 3);
        emulator.injectFaults(FaultPlan.of(0.2, 77, Fault.HTTP_500, Fault.RESET, Fault.RESET_AFTER, Fault.DELAY));

        harness.invoke(RemediationHarness.disablePayload(alice.userId()).put("dryRun", "true"));
        harness.invoke(RemediationHarness.disablePayload(alice.userId()));
        harness.invoke(RemediationHarness.disablePayload(bob.userId()).put("exemptionTagKey", "KeyRotationExempt"));
        harness.invoke(RemediationHarness.disablePayload(carol.userId()));
        harness.invoke(RemediationHarness.disablePayload("AIDAGONEGONEGONE00001"));
        emulator.clearFaults();
        emulator.iamClient().deleteAccessKey(r -> r.userName("alice").accessKeyId(deleted.accessKeyId()));
        assertThrows(
                RestoreIncompleteException.class, () -> harness.invoke(RemediationHarness.restorePayload("alice")));
        assertThrows(RuntimeException.class, () -> harness.invoke("{\"action\": \"RESTORE_KEYS\", \"userName\": "));

        assertTrue(harness.logText().contains("\"access key disabled\""));
        assertTrue(harness.logText().contains("\"access key restored\""));
        LogScan.assertClean(harness.logText(), harness.account.seededSecrets());
    }
}
