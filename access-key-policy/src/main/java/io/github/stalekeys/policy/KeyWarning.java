package io.github.stalekeys.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * An active key that will turn non-compliant soon unless it is used.
 *
 * @param key                the key
 * @param daysBefore         the warning stage: how many days ahead of the limit this warning is
 * @param nonCompliantAfter  the instant after which the key is stale (its last activity plus its limit)
 * @param limit              the limit that applies to the key (never-used keys may have their own)
 */
public record KeyWarning(AccessKeyActivity key, int daysBefore, Instant nonCompliantAfter, MaxKeyAge limit) {

    public KeyWarning {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(nonCompliantAfter, "nonCompliantAfter");
        Objects.requireNonNull(limit, "limit");
    }

    /** The stage's moment: {@code daysBefore} days before the key turns non-compliant. */
    public Instant stageReachedAt() {
        return nonCompliantAfter.minus(java.time.Duration.ofDays(daysBefore));
    }

    /** The day (UTC) the key turns non-compliant, as annotations and events show it. */
    public LocalDate nonCompliantOn() {
        return LocalDate.ofInstant(nonCompliantAfter, ZoneOffset.UTC);
    }
}
