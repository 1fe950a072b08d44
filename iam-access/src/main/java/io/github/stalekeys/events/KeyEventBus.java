package io.github.stalekeys.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Puts key events on the account's default event bus with {@code PutEvents}: at most 10 entries a call (the
 * API's limit: https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html). PutEvents can
 * accept part of a call: each result entry with an error code is a failed event, retried with backoff; events
 * still failing after the attempts make the call fail, naming them, so none is dropped silently.
 */
public final class KeyEventBus {

    /** PutEvents takes 1 to 10 entries. */
    public static final int BATCH_SIZE = 10;

    private static final int ATTEMPTS = 4;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

    /** Waits between attempts; tests pass one that does not sleep. */
    @FunctionalInterface
    public interface Pause {
        Pause REAL = duration -> {
            try {
                Thread.sleep(duration);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting to retry PutEvents", interrupted);
            }
        };

        void pause(Duration duration);
    }

    private final EventBridgeClient events;
    private final Pause pause;

    public KeyEventBus(EventBridgeClient events, Pause pause) {
        this.events = Objects.requireNonNull(events, "events");
        this.pause = Objects.requireNonNull(pause, "pause");
    }

    /**
     * Publishes every event; returns how many were published.
     *
     * @throws EventsNotPublishedException when some events were still refused after the retries (the others
     *     were published)
     */
    public int publish(List<KeyEvent> keyEvents) {
        List<String> failed = new ArrayList<>();
        for (int from = 0; from < keyEvents.size(); from += BATCH_SIZE) {
            List<KeyEvent> batch = keyEvents.subList(from, Math.min(from + BATCH_SIZE, keyEvents.size()));
            failed.addAll(putWithRetries(batch));
        }
        if (!failed.isEmpty()) {
            throw new EventsNotPublishedException("EventBridge refused " + failed.size() + " of " + keyEvents.size()
                    + " events after " + ATTEMPTS + " attempts: " + String.join(", ", failed));
        }
        return keyEvents.size();
    }

    private List<String> putWithRetries(List<KeyEvent> batch) {
        List<KeyEvent> pending = batch;
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            List<KeyEvent> sent = pending;
            PutEventsResponse response = events.putEvents(request ->
                    request.entries(sent.stream().map(KeyEventBus::entry).toList()));
            List<KeyEvent> refused = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            List<PutEventsResultEntry> results = response.hasEntries() ? response.entries() : List.of();
            for (int i = 0; i < sent.size(); i++) {
                // Result entries come in the order of the request's entries.
                PutEventsResultEntry result = i < results.size() ? results.get(i) : null;
                if (result == null || result.errorCode() != null) {
                    refused.add(sent.get(i));
                    errors.add(describe(sent.get(i), result));
                }
            }
            if (refused.isEmpty()) {
                return List.of();
            }
            if (attempt == ATTEMPTS) {
                return errors;
            }
            pending = refused;
            pause.pause(backoff);
            backoff = backoff.multipliedBy(2);
        }
    }

    private static PutEventsRequestEntry entry(KeyEvent event) {
        return PutEventsRequestEntry.builder()
                .source(KeyEvent.SOURCE)
                .detailType(event.detailType())
                .detail(event.detailJson())
                .build();
    }

    private static String describe(KeyEvent event, PutEventsResultEntry result) {
        return event.detailType() + " " + event.detail().path("accessKeyId").asText() + " ("
                + (result == null ? "no result entry" : result.errorCode() + ": " + result.errorMessage()) + ")";
    }
}
