package io.github.stalekeys.evaluator;

import io.github.stalekeys.policy.Annotation;
import io.github.stalekeys.policy.Compliance;
import io.github.stalekeys.policy.UserVerdict;
import java.util.Objects;

/** One result to report to AWS Config. */
record RuleEvaluation(String resourceType, String resourceId, Compliance compliance, String annotation) {

    static final String IAM_USER = "AWS::IAM::User";

    RuleEvaluation {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(compliance, "compliance");
        annotation = Annotation.fit(annotation);
    }

    static RuleEvaluation of(UserVerdict verdict) {
        return new RuleEvaluation(IAM_USER, verdict.user().userId(), verdict.compliance(), verdict.annotation());
    }

    static RuleEvaluation notApplicable(String resourceType, String resourceId, String reason) {
        return new RuleEvaluation(resourceType, resourceId, Compliance.NOT_APPLICABLE, reason);
    }
}
