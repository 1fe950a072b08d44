package io.github.stalekeys.evaluator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When this invocation must have finished its own work: Lambda's deadline minus a reserve kept for posting
 * the evaluations, so the function stops with a clear error rather than being killed half-way.
 */
record Deadline(Instant at, Clock clock) {

    static final Duration POSTING_RESERVE = Duration.ofSeconds(20);

    static Deadline fromRemaining(Duration remaining, Clock clock) {
        return new Deadline(clock.instant().plus(remaining).minus(POSTING_RESERVE), clock);
    }

    /** Whether waiting {@code wait} more still leaves us before the deadline. */
    boolean allows(Duration wait) {
        return !clock.instant().plus(wait).isAfter(at);
    }

    boolean passed() {
        return clock.instant().isAfter(at);
    }
}
