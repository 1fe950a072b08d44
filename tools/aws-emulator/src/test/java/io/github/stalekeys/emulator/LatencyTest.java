package io.github.stalekeys.emulator;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.IamClient;

@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class LatencyTest {

    private static Duration timed(Runnable call) {
        long started = System.nanoTime();
        call.run();
        return Duration.ofNanos(System.nanoTime() - started);
    }

    @Test
    void everyCallWaitsTheLatencyAndParallelCallsWaitInParallel(AwsEmulator emulator) throws Exception {
        try (IamClient iam = emulator.iamClient();
                ExecutorService pool = Executors.newFixedThreadPool(8)) {
            iam.listUsers(); // connection and SDK warm-up outside the measurement
            emulator.setLatency(Duration.ofMillis(200));

            Duration one = timed(iam::listUsers);
            assertTrue(one.toMillis() >= 200, "one call took " + one);

            Duration eight = timed(() -> IntStream.range(0, 8)
                    .mapToObj(i -> pool.submit(() -> iam.listUsers()))
                    .toList()
                    .forEach(LatencyTest::await));
            assertTrue(eight.toMillis() < 8 * 200, "eight parallel calls took " + eight + ": they waited in turn");

            emulator.reset();
            Duration after = timed(iam::listUsers);
            assertTrue(after.toMillis() < 200, "reset clears the latency: " + after);
        }
    }

    @Test
    void aLatencyOutOfRangeIsRefused(AwsEmulator emulator) {
        assertThrows(IllegalStateException.class, () -> emulator.setLatency(Duration.ofSeconds(11)));
    }

    private static void await(Future<?> future) {
        try {
            future.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
