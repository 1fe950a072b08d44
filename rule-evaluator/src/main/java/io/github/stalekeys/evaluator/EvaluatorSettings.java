package io.github.stalekeys.evaluator;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The function's own settings, read once per container from its environment (the rule's settings are its
 * parameters, read per invocation: {@link RuleParameters}).
 *
 * @param auditRecordKeyId the KMS HMAC key that seals the remediation's audit records ({@value
 *                         #AUDIT_RECORD_KEY_ID}), to honour a backout's grace; empty: none is
 * @param liveConcurrency  how many flagged users are confirmed live at a time ({@value
 *                         #LIVE_CONCURRENCY_VARIABLE}, 1..16)
 * @param findings         whether and how per-key findings go to Security Hub ({@link SecurityHubFindings})
 */
record EvaluatorSettings(Optional<String> auditRecordKeyId, int liveConcurrency, FindingsSettings findings) {

    static final String AUDIT_RECORD_KEY_ID = "AUDIT_RECORD_KEY_ID";
    static final String LIVE_CONCURRENCY_VARIABLE = "LIVE_CONFIRMATION_CONCURRENCY";

    /** No audit key, the default concurrency, no findings: what an unconfigured environment gives. */
    static final EvaluatorSettings DEFAULTS = new EvaluatorSettings(
            Optional.empty(), AccountEvaluator.DEFAULT_LIVE_CONCURRENCY, FindingsSettings.DISABLED);

    EvaluatorSettings {
        Objects.requireNonNull(auditRecordKeyId, "auditRecordKeyId");
        Objects.requireNonNull(findings, "findings");
    }

    /** Each variable checked, an error naming the one that is wrong. */
    static EvaluatorSettings fromEnvironment(Function<String, String> environment) {
        return new EvaluatorSettings(
                Optional.ofNullable(environment.apply(AUDIT_RECORD_KEY_ID)).filter(id -> !id.isBlank()),
                LiveConcurrency.parse(environment.apply(LIVE_CONCURRENCY_VARIABLE)),
                FindingsSettings.from(environment));
    }

    EvaluatorSettings withAuditRecordKey(String keyId) {
        return new EvaluatorSettings(Optional.of(keyId), liveConcurrency, findings);
    }

    EvaluatorSettings withFindings(FindingsSettings findings) {
        return new EvaluatorSettings(auditRecordKeyId, liveConcurrency, findings);
    }
}
