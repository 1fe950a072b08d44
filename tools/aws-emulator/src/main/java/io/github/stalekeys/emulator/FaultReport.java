package io.github.stalekeys.emulator;

import java.util.Map;

/**
 * What fault injection did since it was armed.
 *
 * @param callsSeen AWS calls the plan applied to (faulted or not)
 * @param injected  faults inflicted, by kind
 */
public record FaultReport(long callsSeen, Map<Fault, Long> injected) {

    public FaultReport {
        injected = Map.copyOf(injected);
    }

    public long total() {
        return injected.values().stream().mapToLong(Long::longValue).sum();
    }

    public long of(Fault fault) {
        return injected.getOrDefault(fault, 0L);
    }
}
