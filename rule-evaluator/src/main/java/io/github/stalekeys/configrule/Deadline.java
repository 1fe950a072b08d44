package io.github.stalekeys.configrule;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When this invocation must have finished its own work: Lambda's deadline minus a reserve kept for posting
 * the evaluations, so the function stops with a clear error rather than being killed half-way.
 */
public record Deadline(Instant at, Clock clock) {

    public static final Duration POSTING_RESERVE = Duration.ofSeconds(20);
    /** Kept free even while posting: to fail with a clear error rather than be cut off. */
    public static final Duration FINAL_MARGIN = Duration.ofSeconds(5);

    public static Deadline fromRemaining(Duration remaining, Clock clock) {
        return new Deadline(clock.instant().plus(remaining).minus(POSTING_RESERVE), clock);
    }

    /** The deadline for posting: the reserve kept for it, all but the final margin. */
    public Deadline forPosting() {
        return new Deadline(at.plus(POSTING_RESERVE).minus(FINAL_MARGIN), clock);
    }

    /** Whether waiting {@code wait} more still leaves us before the deadline. */
    public boolean allows(Duration wait) {
        return !clock.instant().plus(wait).isAfter(at);
    }

    public boolean passed() {
        return clock.instant().isAfter(at);
    }
}
