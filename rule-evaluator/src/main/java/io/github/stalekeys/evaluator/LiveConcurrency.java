package io.github.stalekeys.evaluator;

import io.github.stalekeys.policy.InvalidSettingException;

/** How many flagged users a periodic run confirms live at once. */
final class LiveConcurrency {

    private LiveConcurrency() {}

    /** The {@value EvaluatorSettings#LIVE_CONCURRENCY_VARIABLE} setting: unset means the default of 4. */
    static int parse(String value) {
        if (value == null || value.isBlank()) {
            return AccountEvaluator.DEFAULT_LIVE_CONCURRENCY;
        }
        String number = value.strip();
        if (!number.matches("[0-9]{1,2}") || Integer.parseInt(number) < 1 || Integer.parseInt(number) > 16) {
            throw new InvalidSettingException(
                    EvaluatorSettings.LIVE_CONCURRENCY_VARIABLE,
                    "must be a whole number 1..16, got " + InvalidSettingException.echo(value));
        }
        return Integer.parseInt(number);
    }
}
