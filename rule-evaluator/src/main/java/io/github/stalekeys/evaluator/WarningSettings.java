package io.github.stalekeys.evaluator;

import io.github.stalekeys.policy.EvaluationFrequency;
import io.github.stalekeys.policy.WarningSchedule;
import java.util.Optional;

/**
 * How the rule warns key owners ahead of the limit.
 *
 * @param schedule             {@code warningDays}: 0..365, default 14 (0: no warnings)
 * @param frequency            {@code evaluationFrequency}: the rule's periodic frequency (the template passes the
 *                             one it configures), default {@code TwentyFour_Hours}; accepted and checked, but
 *                             no longer needed to avoid repeats ({@link WarningWindow})
 * @param ownerTagKey          {@code ownerTagKey}: the user tag naming the key's owner, if any
 * @param automaticRemediation {@code automaticRemediation}: whether Config remediates by itself (the template
 *                             passes its AutomaticRemediation setting), said in every warning
 */
record WarningSettings(
        WarningSchedule schedule,
        EvaluationFrequency frequency,
        Optional<String> ownerTagKey,
        boolean automaticRemediation) {

    static final WarningSettings DEFAULTS = new WarningSettings(
            WarningSchedule.DEFAULT, EvaluationFrequency.TWENTY_FOUR_HOURS, Optional.empty(), false);
}
