package io.github.stalekeys.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * PutEvents takes at most 10 entries a call and may accept part of a call, listing the refused entries with an
 * error code in the order of the request
 * (https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html).
 */
class KeyEventBusTest {

    /** Refuses the entries whose key id is in {@code refuse} for the first {@code refusals} calls. */
    private static final class FakeBus implements EventBridgeClient {
        final List<List<String>> calls = new ArrayList<>();
        final List<String> refuse;
        int refusals;

        FakeBus(List<String> refuse, int refusals) {
            this.refuse = refuse;
            this.refusals = refusals;
        }

        @Override
        public PutEventsResponse putEvents(PutEventsRequest request) {
            List<String> ids = request.entries().stream()
                    .map(PutEventsRequestEntry::detail)
                    .map(detail -> detail.replaceAll(".*\"accessKeyId\":\"([^\"]+)\".*", "$1"))
                    .toList();
            calls.add(ids);
            boolean refusing = refusals-- > 0;
            List<PutEventsResultEntry> results = ids.stream()
                    .map(id -> refusing && refuse.contains(id)
                            ? PutEventsResultEntry.builder()
                                    .errorCode("InternalFailure")
                                    .errorMessage("try again")
                                    .build()
                            : PutEventsResultEntry.builder().eventId("e-" + id).build())
                    .toList();
            return PutEventsResponse.builder()
                    .entries(results)
                    .failedEntryCount((int)
                            results.stream().filter(r -> r.errorCode() != null).count())
                    .build();
        }

        @Override
        public String serviceName() {
            return "events";
        }

        @Override
        public void close() {}
    }

    private static List<KeyEvent> events(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> new KeyEvent(KeyEvent.WARNING, KeyEvent.detail("AKIA" + i, "user" + i)))
                .toList();
    }

    @Test
    void sendsAtMostTenEntriesACall() {
        FakeBus fake = new FakeBus(List.of(), 0);
        assertEquals(23, new KeyEventBus(fake, pause -> {}).publish(events(23)));
        assertEquals(List.of(10, 10, 3), fake.calls.stream().map(List::size).toList());
    }

    @Test
    void resendsOnlyTheRefusedEntries() {
        FakeBus fake = new FakeBus(List.of("AKIA2", "AKIA5"), 1);
        List<Duration> pauses = new ArrayList<>();
        new KeyEventBus(fake, pauses::add).publish(events(7));
        assertEquals(List.of("AKIA2", "AKIA5"), fake.calls.get(1));
        assertEquals(List.of(Duration.ofMillis(200)), pauses);
    }

    @Test
    void failsNamingTheEventsStillRefusedAfterTheAttempts() {
        FakeBus fake = new FakeBus(List.of("AKIA1"), 100);
        EventsNotPublishedException error = assertThrows(
                EventsNotPublishedException.class, () -> new KeyEventBus(fake, pause -> {}).publish(events(3)));
        assertTrue(error.getMessage().contains("1 of 3"), error.getMessage());
        assertTrue(error.getMessage().contains("AKIA1 (InternalFailure: try again)"), error.getMessage());
        assertEquals(4, fake.calls.size());
    }
}
