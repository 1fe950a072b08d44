package io.github.stalekeys.configrule;

import io.github.stalekeys.policy.Annotation;
import io.github.stalekeys.policy.Compliance;
import java.util.Objects;

/** One result to report to AWS Config; the annotation is fitted to Config's 256 characters. */
public record RuleEvaluation(String resourceType, String resourceId, Compliance compliance, String annotation) {

    public RuleEvaluation {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(resourceId, "resourceId");
        Objects.requireNonNull(compliance, "compliance");
        annotation = Annotation.fit(annotation);
    }

    public static RuleEvaluation notApplicable(String resourceType, String resourceId, String reason) {
        return new RuleEvaluation(resourceType, resourceId, Compliance.NOT_APPLICABLE, reason);
    }
}
