package io.github.stalekeys.evaluator;

import io.github.stalekeys.logging.StructuredLogger;

/**
 * What one invocation did, returned to the caller (Config ignores it; {@code sam local invoke} and the
 * tests read it).
 *
 * @param posted    how many evaluations AWS Config accepted (validated only, when {@code testMode})
 * @param unchanged evaluations not posted because Config already holds the same result
 * @param refreshed unchanged evaluations posted again because their refresh was due (or their warning was decided)
 * @param warned    warnings due this run (published; only logged in test mode)
 */
public record EvaluationReport(
        String configRuleName,
        String accountId,
        String trigger,
        boolean testMode,
        int compliant,
        int nonCompliant,
        int notApplicable,
        int posted,
        int unchanged,
        int refreshed,
        int warned) {

    /** One log line with every count, the rule and the account. */
    void logTo(StructuredLogger log) {
        log.info(
                "evaluations posted",
                "configRuleName",
                configRuleName,
                "accountId",
                accountId,
                "trigger",
                trigger,
                "testMode",
                testMode,
                "compliant",
                compliant,
                "nonCompliant",
                nonCompliant,
                "notApplicable",
                notApplicable,
                "posted",
                posted,
                "unchanged",
                unchanged,
                "refreshed",
                refreshed,
                "warned",
                warned);
    }
}
