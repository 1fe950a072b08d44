package io.github.stalekeys.emulator;

import java.time.Duration;
import java.util.Objects;

/**
 * One AWS call the emulator holds before it takes effect ({@link AwsEmulator#hold}): the run that makes it waits
 * until {@link #release()} (or, forgotten, 60 s). Closing releases it, so a failed test never leaves a run hanging.
 */
public final class HeldCall implements AutoCloseable {

    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(20);

    private final AwsEmulator emulator;
    private final String name;
    private boolean released;

    HeldCall(AwsEmulator emulator, String name) {
        this.emulator = Objects.requireNonNull(emulator, "emulator");
        this.name = Objects.requireNonNull(name, "name");
    }

    /** Returns once the held call has arrived and waits; fails if it does not come within 20 s. */
    public HeldCall awaitHeld() {
        if (!emulator.awaitHeld(name, DEFAULT_WAIT)) {
            throw new IllegalStateException("the held call " + name + " did not come within " + DEFAULT_WAIT);
        }
        return this;
    }

    /** Whether the held call has arrived and waits, waiting for it at most {@code timeout}. */
    public boolean isHeld(Duration timeout) {
        return emulator.awaitHeld(name, timeout);
    }

    /** Lets the held call go on (or, if it has not come yet, pass when it comes). */
    public synchronized void release() {
        if (!released) {
            released = true;
            emulator.release(name);
        }
    }

    @Override
    public void close() {
        release();
    }
}
