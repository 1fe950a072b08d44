package io.github.stalekeys.emulator;

import static io.github.stalekeys.emulator.ConfigFixtures.evaluation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.Evaluation;
import software.amazon.awssdk.services.config.model.EvaluationResult;
import software.amazon.awssdk.services.config.model.GetComplianceDetailsByConfigRuleResponse;
import software.amazon.awssdk.services.config.model.InvalidLimitException;
import software.amazon.awssdk.services.config.model.InvalidNextTokenException;
import software.amazon.awssdk.services.config.model.NoSuchConfigRuleException;

@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class ComplianceDetailsTest {

    private static final String RULE = "stale-access-keys";

    /** Stores 250 results: every fifth NON_COMPLIANT, the rest COMPLIANT. */
    private static void store250(AwsEmulator emulator, ConfigClient config) {
        String token = emulator.registerResultToken(RULE);
        List<Evaluation> all = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            all.add(evaluation(
                    String.format("AIDA%05d", i),
                    i % 5 == 0 ? ComplianceType.NON_COMPLIANT : ComplianceType.COMPLIANT));
        }
        for (int from = 0; from < all.size(); from += 100) {
            List<Evaluation> batch = all.subList(from, Math.min(from + 100, all.size()));
            assertTrue(config.putEvaluations(r -> r.resultToken(token).evaluations(batch))
                    .failedEvaluations()
                    .isEmpty());
        }
    }

    @Test
    void pagesThroughAllResultsWithLimit100(AwsEmulator emulator) {
        try (ConfigClient config = emulator.configClient()) {
            store250(emulator, config);
            List<Integer> pageSizes = new ArrayList<>();
            Set<String> ids = new HashSet<>();
            String next = null;
            do {
                String token = next;
                GetComplianceDetailsByConfigRuleResponse page = config.getComplianceDetailsByConfigRule(
                        r -> r.configRuleName(RULE).limit(100).nextToken(token));
                pageSizes.add(page.evaluationResults().size());
                page.evaluationResults()
                        .forEach(e -> ids.add(e.evaluationResultIdentifier()
                                .evaluationResultQualifier()
                                .resourceId()));
                next = page.nextToken();
            } while (next != null);

            assertEquals(List.of(100, 100, 50), pageSizes);
            assertEquals(250, ids.size());
        }
    }

    @Test
    void sdkPaginatorAndDefaultLimitSeeEveryResult(AwsEmulator emulator) {
        try (ConfigClient config = emulator.configClient()) {
            store250(emulator, config);
            long count = config
                    .getComplianceDetailsByConfigRulePaginator(
                            r -> r.configRuleName(RULE).limit(0))
                    .evaluationResults()
                    .stream()
                    .count();
            assertEquals(250, count);
        }
    }

    @Test
    void complianceTypesFilterLimitsResultsAndPaging(AwsEmulator emulator) {
        try (ConfigClient config = emulator.configClient()) {
            store250(emulator, config);
            GetComplianceDetailsByConfigRuleResponse page =
                    config.getComplianceDetailsByConfigRule(r -> r.configRuleName(RULE)
                            .complianceTypes(ComplianceType.NON_COMPLIANT)
                            .limit(30));
            assertEquals(30, page.evaluationResults().size());
            assertNotNull(page.nextToken());
            GetComplianceDetailsByConfigRuleResponse rest =
                    config.getComplianceDetailsByConfigRule(r -> r.configRuleName(RULE)
                            .complianceTypes(ComplianceType.NON_COMPLIANT)
                            .limit(30)
                            .nextToken(page.nextToken()));
            assertEquals(20, rest.evaluationResults().size());
            assertNull(rest.nextToken());
            assertTrue(rest.evaluationResults().stream()
                    .allMatch(e -> e.complianceType() == ComplianceType.NON_COMPLIANT));
        }
    }

    @Test
    void resultHasTheShapeOfTheApiReference(AwsEmulator emulator) {
        try (ConfigClient config = emulator.configClient()) {
            String token = emulator.registerResultToken(RULE);
            Instant ordering = Instant.parse("2025-05-06T07:08:09Z");
            Instant before = Instant.now().minusSeconds(5);
            config.putEvaluations(r ->
                    r.resultToken(token).evaluations(evaluation("AIDAONE", ComplianceType.NON_COMPLIANT, ordering)));

            EvaluationResult result = config.getComplianceDetailsByConfigRule(r -> r.configRuleName(RULE))
                    .evaluationResults()
                    .get(0);
            var qualifier = result.evaluationResultIdentifier().evaluationResultQualifier();
            assertEquals(RULE, qualifier.configRuleName());
            assertEquals("AWS::IAM::User", qualifier.resourceType());
            assertEquals("AIDAONE", qualifier.resourceId());
            assertEquals(ordering, result.evaluationResultIdentifier().orderingTimestamp());
            assertEquals(ComplianceType.NON_COMPLIANT, result.complianceType());
            assertEquals("test annotation for AIDAONE", result.annotation());
            assertTrue(result.resultRecordedTime().isAfter(before));
            assertTrue(!result.configRuleInvokedTime().isAfter(result.resultRecordedTime()));
        }
    }

    @Test
    void registeredRuleWithoutResultsAnswersEmpty(AwsEmulator emulator) {
        try (ConfigClient config = emulator.configClient()) {
            emulator.registerResultToken(RULE);
            var response = config.getComplianceDetailsByConfigRule(r -> r.configRuleName(RULE));
            assertTrue(response.evaluationResults().isEmpty());
            assertNull(response.nextToken());
        }
    }

    @Test
    void errorsFollowTheApiReference(AwsEmulator emulator) {
        try (ConfigClient config = emulator.configClient()) {
            emulator.registerResultToken(RULE);
            assertThrows(
                    NoSuchConfigRuleException.class,
                    () -> config.getComplianceDetailsByConfigRule(r -> r.configRuleName("no-such-rule")));
            assertThrows(
                    InvalidNextTokenException.class,
                    () -> config.getComplianceDetailsByConfigRule(
                            r -> r.configRuleName(RULE).nextToken("garbage")));
            assertThrows(
                    InvalidLimitException.class,
                    () -> config.getComplianceDetailsByConfigRule(
                            r -> r.configRuleName(RULE).limit(101)));
        }
    }
}
