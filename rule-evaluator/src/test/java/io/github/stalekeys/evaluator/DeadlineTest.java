package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.configrule.DeadlineReachedException;
import io.github.stalekeys.configrule.Sleeper;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.Fault;
import io.github.stalekeys.emulator.FaultPlan;
import io.github.stalekeys.logging.StructuredLogger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.regions.Region;

/** The evaluator watches Lambda's remaining time and stops with a clear error, having posted nothing. */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class DeadlineTest {

    @Test
    void tooLittleTimeToConfirmAFlaggedUserStopsBeforePostingAnything(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        harness.account().keyUsed(harness.account().user("stale"), 143);
        harness.account().keyUsed(harness.account().user("fresh"), 3);
        emulator.iamClient().generateCredentialReport(); // a report less than 4 hours old exists
        emulator.resetCallCounts();

        DeadlineReachedException error = assertThrows(
                DeadlineReachedException.class,
                () -> harness.handler.handleRequest(
                        EvaluatorHarness.scheduledEvent(harness.token(), "{}"),
                        TestContext.withRemaining(Duration.ofSeconds(10))));

        assertTrue(error.getMessage().contains("close to its deadline"), error.getMessage());
        assertTrue(error.getMessage().contains("no evaluations were posted"), error.getMessage());
        assertEquals(0, harness.calls("config:PutEvaluations"));
        assertTrue(harness.stored().isEmpty());
    }

    @Test
    void tooLittleTimeToWaitForTheReportStopsAfterOneAttempt(AwsEmulator emulator) {
        EvaluatorHarness harness = new EvaluatorHarness(emulator);
        harness.account().user("alice");
        emulator.credentialReportReadyAfter(2);
        emulator.resetCallCounts();

        CredentialReportUnavailableException error = assertThrows(
                CredentialReportUnavailableException.class,
                () -> harness.handler.handleRequest(
                        EvaluatorHarness.scheduledEvent(harness.token(), "{}"),
                        TestContext.withRemaining(Duration.ofSeconds(15))));

        assertTrue(error.getMessage().contains("not ready after 1 attempt;"), error.getMessage());
        assertEquals(1, harness.calls("iam:GenerateCredentialReport"));
        assertEquals(0, harness.calls("config:PutEvaluations"));
        assertEquals(0, harness.clock.waits().size(), "no wait that would overrun the deadline");
    }

    @Test
    void slowIamCallsWithARealClockStopTheRunAtTheDeadline(AwsEmulator emulator) {
        EvaluatorHarness seeding = new EvaluatorHarness(emulator);
        for (int i = 0; i < 40; i++) {
            seeding.account().keyUsed(seeding.account().user("stale-" + i), 143);
        }
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        AccessKeyComplianceHandler handler = new AccessKeyComplianceHandler(
                AwsClients.create(Region.of(emulator.region()), emulator.credentials(), emulator.endpoint()),
                Clock.systemUTC(),
                Sleeper.REAL,
                new StructuredLogger(
                        "rule-evaluator", new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC()));
        String token = seeding.token();
        emulator.iamClient().generateCredentialReport();
        emulator.resetCallCounts();
        emulator.injectFaults(FaultPlan.of(1.0, 1, Fault.DELAY)
                .withDelay(Duration.ofMillis(60))
                .onlyFor("iam:ListAccessKeys", "iam:GetAccessKeyLastUsed"));
        long started = System.nanoTime();

        // 20.5 s left: the 20 s reserve for posting leaves half a second for the live confirmations.
        DeadlineReachedException error = assertThrows(
                DeadlineReachedException.class,
                () -> handler.handleRequest(
                        EvaluatorHarness.scheduledEvent(token, "{}"),
                        TestContext.withRemaining(Duration.ofMillis(20_500))));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        emulator.clearFaults();

        assertTrue(error.getMessage().startsWith("stopped before confirming stale-"), error.getMessage());
        assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "stopped soon after the deadline: " + took);
        long confirmed = seeding.calls("iam:ListAccessKeys");
        assertTrue(confirmed > 0 && confirmed < 40, "stopped part-way: " + confirmed + " of 40 users read");
        assertEquals(0, seeding.calls("config:PutEvaluations"));
        assertTrue(seeding.stored().isEmpty());
    }
}
