package io.github.stalekeys.evaluator;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.EvaluationResult;

/**
 * The users this rule reported on before, read through every page of
 * {@code GetComplianceDetailsByConfigRule} (stopping at the first 100 is a known bug of public rules).
 */
final class PreviousResults {

    private static final int PAGE_SIZE = 100;

    private final ConfigClient config;

    PreviousResults(ConfigClient config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** Ids of IAM users with a standing COMPLIANT or NON_COMPLIANT result from this rule. */
    Set<String> evaluatedUserIds(String configRuleName) {
        Set<String> ids = new HashSet<>();
        for (EvaluationResult result : config.getComplianceDetailsByConfigRulePaginator(
                        request -> request.configRuleName(configRuleName)
                                .complianceTypes(ComplianceType.COMPLIANT, ComplianceType.NON_COMPLIANT)
                                .limit(PAGE_SIZE))
                .evaluationResults()) {
            var qualifier = result.evaluationResultIdentifier().evaluationResultQualifier();
            if (RuleEvaluation.IAM_USER.equals(qualifier.resourceType())) {
                ids.add(qualifier.resourceId());
            }
        }
        return ids;
    }
}
