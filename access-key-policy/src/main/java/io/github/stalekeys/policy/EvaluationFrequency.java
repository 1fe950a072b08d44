package io.github.stalekeys.policy;

import java.time.Duration;
import java.util.Arrays;

/**
 * How often AWS Config runs the rule's periodic evaluation ({@code MaximumExecutionFrequency}). A warning stage
 * is announced by the one periodic run whose period ends at or after the stage's moment, so the rule must know
 * the period: without it an hourly rule would repeat each warning 24 times a day.
 */
public enum EvaluationFrequency {
    ONE_HOUR("One_Hour", Duration.ofHours(1)),
    THREE_HOURS("Three_Hours", Duration.ofHours(3)),
    SIX_HOURS("Six_Hours", Duration.ofHours(6)),
    TWELVE_HOURS("Twelve_Hours", Duration.ofHours(12)),
    TWENTY_FOUR_HOURS("TwentyFour_Hours", Duration.ofHours(24));

    private final String configName;
    private final Duration period;

    EvaluationFrequency(String configName, Duration period) {
        this.configName = configName;
        this.period = period;
    }

    /** The name AWS Config gives it, e.g. {@code TwentyFour_Hours}. */
    public String configName() {
        return configName;
    }

    public Duration period() {
        return period;
    }

    /** @throws InvalidSettingException naming {@code name} for anything but one of Config's five values */
    public static EvaluationFrequency parse(String name, String value) {
        String wanted = value == null ? "" : value.strip();
        return Arrays.stream(values())
                .filter(frequency -> frequency.configName.equals(wanted))
                .findFirst()
                .orElseThrow(() -> new InvalidSettingException(
                        name,
                        "must be one of "
                                + String.join(
                                        ", ",
                                        Arrays.stream(values())
                                                .map(EvaluationFrequency::configName)
                                                .toList())
                                + ", got " + InvalidSettingException.echo(value)));
    }
}
