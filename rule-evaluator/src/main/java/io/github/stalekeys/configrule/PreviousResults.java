package io.github.stalekeys.configrule;

import io.github.stalekeys.policy.Compliance;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.EvaluationResult;
import software.amazon.awssdk.services.config.model.NoSuchConfigRuleException;

/**
 * The results AWS Config holds for a rule, read through every page of {@code GetComplianceDetailsByConfigRule}
 * (stopping at the first 100 is a known bug of public rules).
 */
public final class PreviousResults {

    /**
     * One stored result.
     *
     * @param recorded {@code ResultRecordedTime}: when Config recorded this result
     * @param ordered  the result's {@code OrderingTimestamp}: for a periodic run's result, the notification time
     *                 the run judged at (the recorded time when Config gives none)
     */
    public record Result(
            String resourceId, Compliance compliance, String annotation, Instant recorded, Instant ordered) {

        public Result {
            Objects.requireNonNull(resourceId, "resourceId");
            Objects.requireNonNull(compliance, "compliance");
            Objects.requireNonNull(recorded, "recorded");
            Objects.requireNonNull(ordered, "ordered");
        }

        public Result(String resourceId, Compliance compliance, String annotation, Instant recorded) {
            this(resourceId, compliance, annotation, recorded, recorded);
        }

        /** Whether posting {@code evaluation} would record the same thing again. */
        public boolean sameAs(RuleEvaluation evaluation) {
            return compliance == evaluation.compliance() && Objects.equals(annotation, evaluation.annotation());
        }
    }

    private static final int PAGE_SIZE = 100;

    private final ConfigClient config;

    public PreviousResults(ConfigClient config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The rule's standing results on resources of {@code resourceType}, by resource id. */
    /**
     * As {@link #of(String, String)}; a test-mode event (e.g. {@code sam local invoke}) may name a rule that is not
     * deployed: it then has no previous results rather than failing.
     */
    public Map<String, Result> of(String configRuleName, String resourceType, boolean testMode) {
        try {
            return of(configRuleName, resourceType);
        } catch (NoSuchConfigRuleException notDeployed) {
            if (testMode) {
                return Map.of();
            }
            throw notDeployed;
        }
    }

    /**
     * The resources whose result does not yet say they are gone (annotated {@code goneAnnotation}): if they no
     * longer exist, that is reported once.
     */
    public static Set<String> awaitingCleanUp(Map<String, Result> previous, String goneAnnotation) {
        return previous.values().stream()
                .filter(result ->
                        result.compliance() != Compliance.NOT_APPLICABLE || !goneAnnotation.equals(result.annotation()))
                .map(Result::resourceId)
                .collect(Collectors.toSet());
    }

    public Map<String, Result> of(String configRuleName, String resourceType) {
        Map<String, Result> results = new HashMap<>();
        for (EvaluationResult result : config.getComplianceDetailsByConfigRulePaginator(
                        request -> request.configRuleName(configRuleName)
                                .complianceTypes(
                                        ComplianceType.COMPLIANT,
                                        ComplianceType.NON_COMPLIANT,
                                        ComplianceType.NOT_APPLICABLE)
                                .limit(PAGE_SIZE))
                .evaluationResults()) {
            var qualifier = result.evaluationResultIdentifier().evaluationResultQualifier();
            if (resourceType.equals(qualifier.resourceType()) && result.resultRecordedTime() != null) {
                results.put(qualifier.resourceId(), result(result));
            }
        }
        return results;
    }

    /**
     * The rule's standing result on one resource ({@code GetComplianceDetailsByResource}, which answers every rule's
     * result on it, so the one of {@code configRuleName} is picked); empty when Config holds none.
     */
    public Optional<Result> ofResource(String configRuleName, String resourceType, String resourceId) {
        for (EvaluationResult result : config.getComplianceDetailsByResourcePaginator(request -> request.resourceType(
                                resourceType)
                        .resourceId(resourceId)
                        .complianceTypes(
                                ComplianceType.COMPLIANT, ComplianceType.NON_COMPLIANT, ComplianceType.NOT_APPLICABLE))
                .evaluationResults()) {
            var qualifier = result.evaluationResultIdentifier().evaluationResultQualifier();
            if (configRuleName.equals(qualifier.configRuleName()) && result.resultRecordedTime() != null) {
                return Optional.of(result(result));
            }
        }
        return Optional.empty();
    }

    private static Result result(EvaluationResult result) {
        return new Result(
                result.evaluationResultIdentifier().evaluationResultQualifier().resourceId(),
                Compliance.valueOf(result.complianceTypeAsString()),
                result.annotation(),
                result.resultRecordedTime(),
                Objects.requireNonNullElse(
                        result.evaluationResultIdentifier().orderingTimestamp(), result.resultRecordedTime()));
    }
}
