package io.github.stalekeys.evaluator;

import io.github.stalekeys.configrule.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** A clock that stands still until a wait moves it: the test's {@link Sleeper}, without real sleeping. */
final class SteppingClock extends Clock implements Sleeper {

    private Instant now;
    private final List<Duration> waits = new ArrayList<>();

    SteppingClock(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized void sleep(Duration duration) {
        waits.add(duration);
        now = now.plus(duration);
    }

    synchronized List<Duration> waits() {
        return List.copyOf(waits);
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("UTC only");
    }
}
