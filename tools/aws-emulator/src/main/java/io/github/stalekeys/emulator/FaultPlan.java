package io.github.stalekeys.emulator;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which AWS calls the emulator faults and how: each call matching {@code operations} (patterns such as
 * {@code "iam:*"} or {@code "config:PutEvaluations"}; empty for every call) is faulted with probability
 * {@code rate}, with a kind drawn uniformly from {@code kinds}. The draws come from a generator seeded
 * with {@code seed}, so a run that makes its calls in the same order is faulted the same way every time.
 *
 * @param delay how late a {@link Fault#DELAY} answer comes
 * @param spared how many matching calls pass untouched before faults start (a failure in the middle of a run)
 */
public record FaultPlan(double rate, long seed, Set<Fault> kinds, List<String> operations, Duration delay, int spared) {

    public FaultPlan {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("rate must be in 0..1, was " + rate);
        }
        Objects.requireNonNull(kinds, "kinds");
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("kinds must not be empty");
        }
        kinds = Set.copyOf(kinds);
        operations = List.copyOf(operations);
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative() || delay.compareTo(Duration.ofSeconds(10)) > 0) {
            throw new IllegalArgumentException("delay must be in 0..10 s, was " + delay);
        }
        if (spared < 0) {
            throw new IllegalArgumentException("spared must not be negative, was " + spared);
        }
    }

    /** Every call, faulted at {@code rate} with one of {@code kinds}; delays of 50 ms. */
    public static FaultPlan of(double rate, long seed, Fault first, Fault... more) {
        return new FaultPlan(rate, seed, EnumSet.of(first, more), List.of(), Duration.ofMillis(50), 0);
    }

    /** Every kind of fault at {@code rate}. */
    public static FaultPlan allKinds(double rate, long seed) {
        return new FaultPlan(rate, seed, EnumSet.allOf(Fault.class), List.of(), Duration.ofMillis(50), 0);
    }

    /** This plan, restricted to calls matching one of {@code patterns} (e.g. {@code "iam:*"}). */
    public FaultPlan onlyFor(String... patterns) {
        return new FaultPlan(rate, seed, kinds, List.of(patterns), delay, spared);
    }

    public FaultPlan withDelay(Duration newDelay) {
        return new FaultPlan(rate, seed, kinds, operations, newDelay, spared);
    }

    /** This plan, starting only after the first {@code calls} matching calls. */
    public FaultPlan afterCalls(int calls) {
        return new FaultPlan(rate, seed, kinds, operations, delay, calls);
    }
}
