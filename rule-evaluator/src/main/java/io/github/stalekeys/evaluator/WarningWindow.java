package io.github.stalekeys.evaluator;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The instants a periodic run's warnings are judged between: for each user, the ordering timestamp of the result
 * Config holds (the instant the run that recorded it judged at), and this run's notification time. A stage reached
 * between the two is announced, and the user is recorded again at {@code runAt}; so each stage is announced once
 * whether runs come twice a day, skip a day or are retried, with no state beyond Config's own results.
 *
 * @param runAt        the notification's creation time (the same for a retried invocation), posted as the
 *                     evaluations' ordering timestamp
 * @param lastRecorded by user id, the ordering timestamp of the user's standing result
 */
record WarningWindow(Instant runAt, Map<String, Instant> lastRecorded) {

    WarningWindow {
        // Config keeps ordering timestamps to the millisecond (or less): both ends are judged to the second, so
        // the instant read back is the instant judged at, and a retry of this run finds nothing new.
        runAt = Objects.requireNonNull(runAt, "runAt").truncatedTo(ChronoUnit.SECONDS);
        lastRecorded = Map.copyOf(lastRecorded);
    }

    /** When the user was last judged, as Config recorded it; empty for a user Config holds no result for. */
    Optional<Instant> since(String userId) {
        return Optional.ofNullable(lastRecorded.get(userId)).map(at -> at.truncatedTo(ChronoUnit.SECONDS));
    }
}
