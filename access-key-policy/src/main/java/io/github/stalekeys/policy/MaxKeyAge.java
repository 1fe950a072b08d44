package io.github.stalekeys.policy;

import java.time.Duration;

/**
 * How long an active key may go without activity, in whole days (1..3650).
 *
 * @param days the threshold; a key unused for exactly this long is still compliant
 */
public record MaxKeyAge(int days) {

    public static final int MIN_DAYS = 1;
    public static final int MAX_DAYS = 3650;
    public static final MaxKeyAge DEFAULT = new MaxKeyAge(90);

    public MaxKeyAge {
        if (days < MIN_DAYS || days > MAX_DAYS) {
            throw new IllegalArgumentException(
                    "max key age must be a whole number of days in " + MIN_DAYS + ".." + MAX_DAYS + ", got " + days);
        }
    }

    /**
     * Parses a threshold given as text (rule parameters and runbook payloads carry strings).
     *
     * @param name  the setting's name, quoted in the error
     * @param value the text to parse
     * @throws InvalidSettingException naming {@code name} when the value is not a whole number in range
     */
    public static MaxKeyAge parse(String name, String value) {
        if (value == null || !value.strip().matches("[0-9]{1,9}")) {
            throw new InvalidSettingException(
                    name,
                    "must be a whole number of days in " + MIN_DAYS + ".." + MAX_DAYS + ", got "
                            + InvalidSettingException.echo(value));
        }
        int days = Integer.parseInt(value.strip());
        if (days < MIN_DAYS || days > MAX_DAYS) {
            throw new InvalidSettingException(name, "must be in " + MIN_DAYS + ".." + MAX_DAYS + ", got " + days);
        }
        return new MaxKeyAge(days);
    }

    public Duration asDuration() {
        return Duration.ofDays(days);
    }
}
