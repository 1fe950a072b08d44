package io.github.stalekeys.evaluator;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The period a periodic run announces warnings for: {@code (runAt - period, runAt]}.
 *
 * @param runAt  the notification's creation time (the same for a retried invocation)
 * @param period the rule's evaluation frequency
 */
record WarningWindow(Instant runAt, Duration period) {

    WarningWindow {
        Objects.requireNonNull(runAt, "runAt");
        Objects.requireNonNull(period, "period");
    }
}
