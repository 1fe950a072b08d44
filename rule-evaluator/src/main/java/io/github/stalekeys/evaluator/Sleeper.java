package io.github.stalekeys.evaluator;

import java.time.Duration;

/** Waits between polls and retries; tests pass one that only records the waits. */
@FunctionalInterface
interface Sleeper {

    Sleeper REAL = duration -> {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    };

    void sleep(Duration duration);
}
