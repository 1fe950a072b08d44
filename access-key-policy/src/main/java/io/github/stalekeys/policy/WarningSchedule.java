package io.github.stalekeys.policy;

import java.util.List;
import java.util.TreeSet;

/**
 * When key owners are warned ahead of the limit: {@code warningDays} (0..365, 0 for no warnings) before a key
 * turns non-compliant, then 7 days and 1 day before (the stages that fall within {@code warningDays}).
 *
 * @param warningDays how far ahead the first warning comes, in days
 */
public record WarningSchedule(int warningDays) {

    public static final int MIN_DAYS = 0;
    public static final int MAX_DAYS = 365;
    /** Two weeks: long enough to reach an owner on leave, short enough not to be noise. */
    public static final WarningSchedule DEFAULT = new WarningSchedule(14);

    public static final WarningSchedule OFF = new WarningSchedule(0);

    private static final List<Integer> LATER_STAGES = List.of(7, 1);

    public WarningSchedule {
        if (warningDays < MIN_DAYS || warningDays > MAX_DAYS) {
            throw new IllegalArgumentException(
                    "warning days must be in " + MIN_DAYS + ".." + MAX_DAYS + ", got " + warningDays);
        }
    }

    /**
     * Parses the setting (rule parameters carry strings).
     *
     * @throws InvalidSettingException naming {@code name} when the value is not a whole number in 0..365
     */
    public static WarningSchedule parse(String name, String value) {
        if (value == null || !value.strip().matches("[0-9]{1,9}")) {
            throw new InvalidSettingException(
                    name,
                    "must be a whole number of days in " + MIN_DAYS + ".." + MAX_DAYS + " (0 turns warnings off), got "
                            + InvalidSettingException.echo(value));
        }
        int days = Integer.parseInt(value.strip());
        if (days > MAX_DAYS) {
            throw new InvalidSettingException(name, "must be in " + MIN_DAYS + ".." + MAX_DAYS + ", got " + days);
        }
        return new WarningSchedule(days);
    }

    public boolean enabled() {
        return warningDays > 0;
    }

    /** The stages, in days before the key turns non-compliant, earliest first (e.g. 14, 7, 1); empty when off. */
    public List<Integer> stages() {
        if (!enabled()) {
            return List.of();
        }
        TreeSet<Integer> stages = new TreeSet<>(java.util.Comparator.reverseOrder());
        stages.add(warningDays);
        LATER_STAGES.stream().filter(days -> days <= warningDays).forEach(stages::add);
        return List.copyOf(stages);
    }
}
