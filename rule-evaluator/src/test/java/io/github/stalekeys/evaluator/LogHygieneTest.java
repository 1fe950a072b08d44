package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.FaultPlan;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import io.github.stalekeys.emulator.LogScan;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.opentest4j.AssertionFailedError;

/**
 * No secret access key, session token or whole event reaches a log line. {@link EvaluatorHarness#run} scans
 * the logs (and the error, which Lambda logs) of every scenario run through it; these add the scenarios most
 * likely to leak: faults (SDK errors in messages), the cross-account mode (assumed-role sessions) and errors.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class LogHygieneTest {

    @Test
    void theScanCatchesEachKindOfLeak() {
        assertThrows(
                AssertionFailedError.class,
                () -> LogScan.assertClean("{\"secret\":\"s3cr3tS3CR3T\"}", List.of("s3cr3tS3CR3T")));
        assertThrows(AssertionFailedError.class, () -> LogScan.assertClean("\"SessionToken\": \"x\"", List.of()));
        assertThrows(AssertionFailedError.class, () -> LogScan.assertClean("token FQoGZXIvYXdzEBYaD...", List.of()));
        assertThrows(
                AssertionFailedError.class,
                () -> LogScan.assertClean("event {\"messageType\":\"x\"}", List.of(), "{\"messageType\":\"x\"}"));
    }

    @Test
    void aPeriodicRunUnderFaultsLogsNoSecret(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        SeededAccount account = SeededAccount.create(emulator, 100, 25, harness.clock.instant());
        String token = harness.token();
        emulator.injectFaults(FaultPlan.allKinds(0.2, 5));

        harness.run(EvaluatorHarness.scheduledEvent(token, SeededAccount.PARAMETERS));
        emulator.clearFaults();

        assertTrue(harness.logText().contains("\"user has unused access keys\""));
        LogScan.assertClean(harness.logText(), account.secrets());
    }

    @Test
    void theCrossAccountModeLogsNoSessionToken(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        SeededUser alice = harness.account().user("alice");
        harness.account().keyUsed(alice, 143);
        ConfigRuleEvent event = BadEventCatalogueTest.changeEvent(harness.token());
        event.setInvokingEvent(event.getInvokingEvent().replace("AIDAEXAMPLEALICE00001", alice.userId()));
        event.setRuleParameters("{\"executionRoleName\": \"StaleKeysRuleExecution\"}");
        emulator.resetCallCounts();

        harness.run(event);
        harness.run(EvaluatorHarness.scheduledEvent(
                harness.token(), "{\"executionRoleName\": \"StaleKeysRuleExecution\"}"));

        assertEquals(1, harness.calls("sts:AssumeRole"), "one session, reused");
        assertTrue(harness.logText().contains(alice.userId()));
        LogScan.assertClean(harness.logText(), harness.secrets(), event.getInvokingEvent());
    }
}
