package io.github.stalekeys.remediation;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.HeldCall;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Forces one interleaving of two executions: the first runs until its {@code nth} AWS call, which the emulator
 * holds before it takes effect; the second runs to its end; then the first goes on. Swept over every {@code nth},
 * it puts the second execution between each pair of the first one's calls.
 */
final class Interleaving {

    /** How an execution ended: its answer, or what it threw. */
    record Outcome(JsonNode result, RuntimeException error) {

        static Outcome of(Supplier<JsonNode> execution) {
            try {
                return new Outcome(execution.get(), null);
            } catch (RuntimeException e) {
                return new Outcome(null, e);
            }
        }

        JsonNode answer() {
            if (error != null) {
                throw new AssertionError("the execution failed: " + error, error);
            }
            return result;
        }
    }

    /** Both outcomes. */
    record Run(Outcome first, Outcome second) {}

    private Interleaving() {}

    static Run run(AwsEmulator emulator, int nth, Supplier<JsonNode> first, Supplier<JsonNode> second) {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (HeldCall hold = emulator.hold("*", nth)) {
            Future<Outcome> running = pool.submit(() -> Outcome.of(first));
            boolean held = false;
            while (!held && !running.isDone()) {
                held = hold.isHeld(Duration.ofMillis(100));
            }
            if (!held) {
                // A sweep past the first's last call would test nothing new: say so rather than pass.
                throw new AssertionError("the first execution finished before its call " + nth + ": " + running.get());
            }
            Outcome between = Outcome.of(second);
            hold.release();
            return new Run(running.get(30, TimeUnit.SECONDS), between);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the held execution did not finish", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The number of AWS calls {@code execution} makes when it runs alone. */
    static int callsOf(AwsEmulator emulator, Supplier<JsonNode> execution) {
        long before = total(emulator);
        Outcome.of(execution);
        return (int) (total(emulator) - before);
    }

    private static long total(AwsEmulator emulator) {
        return emulator.callCounts().values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }
}
