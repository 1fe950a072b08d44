package io.github.stalekeys.evaluator;

/**
 * What one invocation did, returned to the caller (Config ignores it; {@code sam local invoke} and the
 * tests read it).
 *
 * @param posted how many evaluations AWS Config accepted (validated only, when {@code testMode})
 */
public record EvaluationReport(
        String configRuleName,
        String accountId,
        String trigger,
        boolean testMode,
        int compliant,
        int nonCompliant,
        int notApplicable,
        int posted) {}
