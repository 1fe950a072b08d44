package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.Fault;
import io.github.stalekeys.emulator.FaultPlan;
import io.github.stalekeys.emulator.FaultReport;
import io.github.stalekeys.emulator.LogScan;
import io.github.stalekeys.emulator.StoredEvaluation;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.Evaluation;

/**
 * Under throttling, server errors, dropped connections and delays on a share of every AWS call, a periodic
 * run posts exactly what it posts without faults: the SDK's adaptive retries (8 attempts) absorb them.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class FaultToleranceTest {

    private static final String GONE_USER_ID = "AIDAGONEUSER000000001";

    @Test
    void aPeriodicRunOverAThousandUsersPostsUnderFaultsExactlyWhatItPostsWithout(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        SeededAccount account = SeededAccount.create(emulator, 1000, 100, harness.clock.instant());

        Map<String, List<String>> clean = run(harness, "rule-without-faults", null);
        Map<String, List<String>> faulted = run(harness, "rule-with-faults", FaultPlan.allKinds(0.2, 20261128));
        FaultReport report = emulator.clearFaults();

        assertEquals(1001, clean.size(), "every user, and the one gone since the last run");
        assertEquals(clean, faulted);
        assertEquals(
                List.of("AWS::IAM::User", "NOT_APPLICABLE", AccountEvaluator.USER_GONE), faulted.get(GONE_USER_ID));
        assertEquals(
                10 + 10 + 10,
                faulted.values().stream()
                        .filter(e -> e.get(1).equals("NON_COMPLIANT"))
                        .count());
        assertTrue(report.total() >= 0.15 * report.callsSeen(), report.toString());
        for (Fault kind : Fault.values()) {
            assertTrue(report.of(kind) > 0, kind + " was injected: " + report);
        }
        LogScan.assertClean(harness.logText(), account.secrets());
        System.out.printf(
                "periodic run, 1,000 users, faults %s over %d calls%n", report.injected(), report.callsSeen());
    }

    @Test
    void configThrottlingOfPutEvaluationsLosesNoEvaluation(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        SeededAccount.create(emulator, 250, 25, harness.clock.instant());

        Map<String, List<String>> clean = run(harness, "rule-without-faults", null);
        Map<String, List<String>> faulted = run(
                harness,
                "rule-with-faults",
                FaultPlan.of(0.3, 11, Fault.THROTTLE, Fault.RESET_AFTER, Fault.HTTP_500)
                        .onlyFor("config:*"));
        FaultReport report = emulator.clearFaults();

        assertEquals(clean, faulted);
        assertTrue(report.total() > 0, report.toString());
    }

    /** Runs a periodic evaluation under {@code faults} (none if null); the stored results, without times. */
    private static Map<String, List<String>> run(EvaluatorHarness harness, String ruleName, FaultPlan faults) {
        String token = harness.emulator.registerResultToken(ruleName);
        harness.emulator
                .configClient()
                .putEvaluations(request -> request.resultToken(token)
                        .evaluations(Evaluation.builder()
                                .complianceResourceType("AWS::IAM::User")
                                .complianceResourceId(GONE_USER_ID)
                                .complianceType(ComplianceType.NON_COMPLIANT)
                                .annotation("an earlier run")
                                .orderingTimestamp(Instant.now().minus(Duration.ofDays(1)))
                                .build()));
        ConfigRuleEvent event = EvaluatorHarness.scheduledEvent(token, SeededAccount.PARAMETERS);
        event.setConfigRuleName(ruleName);
        if (faults != null) {
            harness.emulator.injectFaults(faults);
        }
        harness.run(event); // the caller reads the fault report and disarms
        Map<String, List<String>> stored = new TreeMap<>();
        for (StoredEvaluation evaluation : harness.emulator.storedEvaluations(ruleName)) {
            stored.put(
                    evaluation.resourceId(),
                    List.of(
                            evaluation.resourceType(),
                            evaluation.complianceType(),
                            String.valueOf(evaluation.annotation())));
        }
        return stored;
    }
}
