package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.events.KeyEventBus;
import io.github.stalekeys.logging.StructuredLogger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/** A notice that cannot be published never undoes or fails a change that is done: it is logged as an error. */
class KeyChangeNotifierTest {

    private static final String EXECUTION = "4105a4fc-f944-11e6-9d32-0a1b2c3d4e5f";

    private static final class UnreachableBus implements EventBridgeClient {
        int calls;

        @Override
        public PutEventsResponse putEvents(PutEventsRequest request) {
            calls++;
            throw EventBridgeException.builder().message("AccessDenied").build();
        }

        @Override
        public String serviceName() {
            return "events";
        }

        @Override
        public void close() {}
    }

    @Test
    void aNoticeThatCannotBePublishedIsLoggedAndDoesNotFailTheRemediation() {
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        UnreachableBus bus = new UnreachableBus();
        KeyChangeNotifier notifier = new KeyChangeNotifier(
                new KeyEventBus(bus, pause -> {}),
                "StaleKeys-RestoreAccessKeys",
                new StructuredLogger(
                        "remediation", new PrintStream(logs, true, StandardCharsets.UTF_8), Clock.systemUTC()));
        RemediationResult disabled = new RemediationResult(
                RunbookRequestParser.DISABLE_STALE_KEYS,
                "AIDAJQABLZS4A3QDU576Q",
                "pipeline",
                false,
                RemediationResult.Outcome.DISABLED,
                List.of(new RemediationResult.StaleKey("AKIAIOSFODNN7EXAMPLE", 143, false)),
                List.of("AKIAIOSFODNN7EXAMPLE"),
                List.of(),
                "Disabled AKIAIOSFODNN7EXAMPLE unused 143 days",
                "team-payments@example.com",
                "TAGGED");

        notifier.remediated(disabled, EXECUTION, "123456789012");

        assertEquals(1, bus.calls);
        String text = logs.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("change notices not published"), text);
        assertTrue(text.contains("AKIAIOSFODNN7EXAMPLE"), text);
        assertTrue(text.contains("\"level\":\"ERROR\""), text);
    }

    @Test
    void nothingStaleNothingPublished() {
        UnreachableBus bus = new UnreachableBus();
        new KeyChangeNotifier(
                        new KeyEventBus(bus, pause -> {}),
                        "StaleKeys-RestoreAccessKeys",
                        new StructuredLogger(
                                "remediation", new PrintStream(new ByteArrayOutputStream()), Clock.systemUTC()))
                .remediated(
                        new RemediationResult(
                                RunbookRequestParser.DISABLE_STALE_KEYS,
                                "AIDAJQABLZS4A3QDU576Q",
                                "pipeline",
                                false,
                                RemediationResult.Outcome.NOTHING_STALE,
                                List.of(),
                                List.of(),
                                List.of(),
                                "nothing",
                                null,
                                "NOT_CONFIGURED"),
                        EXECUTION,
                        null);
        assertEquals(0, bus.calls);
    }
}
