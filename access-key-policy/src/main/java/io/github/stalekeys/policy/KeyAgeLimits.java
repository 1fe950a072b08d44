package io.github.stalekeys.policy;

import java.util.Objects;

/**
 * How long an active key may go without activity: {@code used} for keys used at least once (judged from their
 * last use), {@code neverUsed} for keys never used (judged from their creation). CIS asks that keys not be
 * created and left unused, so some teams want the second limit stricter; by default both are the same.
 */
public record KeyAgeLimits(MaxKeyAge used, MaxKeyAge neverUsed) {

    public static final KeyAgeLimits DEFAULT = same(MaxKeyAge.DEFAULT);

    public KeyAgeLimits {
        Objects.requireNonNull(used, "used");
        Objects.requireNonNull(neverUsed, "neverUsed");
    }

    /** One limit for every key. */
    public static KeyAgeLimits same(MaxKeyAge limit) {
        return new KeyAgeLimits(limit, limit);
    }

    /** The limit that applies to this key. */
    public MaxKeyAge forKey(AccessKeyActivity key) {
        return key.neverUsed() ? neverUsed : used;
    }

    public boolean differ() {
        return used.days() != neverUsed.days();
    }

    /** For annotations and messages: "limit 90 days", or "limits 90 days, 30 days for never-used keys". */
    public String describe() {
        return differ()
                ? "limits " + used.days() + " days, " + neverUsed.days() + " days for never-used keys"
                : "limit " + used.days() + " days";
    }
}
