package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.InvalidSettingException;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RuleParametersTest {

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"{}", "  "})
    void absentParametersMeanTheDefaults(String json) {
        RuleParameters parameters = RuleParameters.parse(json);
        assertEquals(90, parameters.maxKeyAge().days());
        assertEquals(Optional.empty(), parameters.executionRoleName());
        assertTrue(!parameters.exemptions().usesTag());
    }

    @Test
    void everyParameterIsRead() {
        RuleParameters parameters = RuleParameters.parse("""
                {"maxAccessKeyAgeDays": "45", "exemptUsers": "ci-bot,AIDAEXAMPLE000000001",
                 "exemptionTagKey": "KeyRotationExempt", "executionRoleName": "StaleKeysRuleExecution"}""");
        assertEquals(45, parameters.maxKeyAge().days());
        assertEquals(Optional.of("StaleKeysRuleExecution"), parameters.executionRoleName());
        assertTrue(parameters
                .exemptions()
                .byIdentity(new IamUser("AIDAX", "CI-BOT"))
                .isPresent());
        assertTrue(parameters.exemptions().usesTag());
    }

    @Test
    void aNumberIsAcceptedWhereConfigWouldSendAString() {
        assertEquals(
                30,
                RuleParameters.parse("{\"maxAccessKeyAgeDays\": 30}")
                        .maxKeyAge()
                        .days());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"maxAccessKeyAgeDays\": \"ninety\"}          | maxAccessKeyAgeDays",
                "{\"maxAccessKeyAgeDays\": \"0\"}               | maxAccessKeyAgeDays",
                "{\"maxAccessKeyAgeDays\": \"3651\"}            | maxAccessKeyAgeDays",
                "{\"maxAccessKeyAgeDays\": [90]}                | maxAccessKeyAgeDays",
                "{\"maxAccessKeyAgeDays\": null}                | maxAccessKeyAgeDays",
                "{\"maxAgeDays\": \"90\"}                       | ruleParameters",
                "{\"maxAccessKeyAgeDays\": \"90\"              | ruleParameters",
                "[\"maxAccessKeyAgeDays\"]                      | ruleParameters",
                "{\"exemptUsers\": \"alice;bob\"}               | exemptUsers",
                "{\"exemptionTagKey\": \"aws:reserved\"}        | exemptionTagKey",
                "{\"executionRoleName\": \"arn:aws:iam::1:role/x\"} | executionRoleName",
            })
    void invalidParametersAreNamedInTheError(String json, String offending) {
        InvalidSettingException error = assertThrows(InvalidSettingException.class, () -> RuleParameters.parse(json));
        assertEquals(offending, error.settingName(), error.getMessage());
    }

    @Test
    void unknownParameterErrorListsTheKnownOnes() {
        InvalidSettingException error =
                assertThrows(InvalidSettingException.class, () -> RuleParameters.parse("{\"maxAgeDays\": \"90\"}"));
        assertTrue(error.getMessage().contains("'maxAgeDays'"), error.getMessage());
        assertTrue(error.getMessage().contains("maxAccessKeyAgeDays"), error.getMessage());
    }

    @Test
    void lifecycleParametersHaveDocumentedDefaults() {
        RuleParameters parameters = RuleParameters.parse("{\"maxAccessKeyAgeDays\":\"60\"}");
        assertEquals(60, parameters.maxNeverUsedKeyAge().days(), "never-used limit defaults to the limit");
        assertEquals(14, parameters.warnings().schedule().warningDays());
        assertEquals(
                io.github.stalekeys.policy.EvaluationFrequency.TWENTY_FOUR_HOURS,
                parameters.warnings().frequency());
        assertEquals(Optional.empty(), parameters.warnings().ownerTagKey());
        assertEquals(false, parameters.warnings().automaticRemediation());
    }

    @Test
    void lifecycleParametersAreRead() {
        RuleParameters parameters = RuleParameters.parse("""
                {"maxAccessKeyAgeDays": "90", "maxNeverUsedKeyAgeDays": "30", "warningDays": "21",
                 "evaluationFrequency": "One_Hour", "ownerTagKey": "Owner", "automaticRemediation": "true"}""");
        assertEquals(30, parameters.maxNeverUsedKeyAge().days());
        assertEquals(
                java.util.List.of(21, 7, 1), parameters.warnings().schedule().stages());
        assertEquals(
                java.time.Duration.ofHours(1), parameters.warnings().frequency().period());
        assertEquals(Optional.of("Owner"), parameters.warnings().ownerTagKey());
        assertTrue(parameters.warnings().automaticRemediation());
        // An empty never-used limit (the template passes '' for "same as the limit") means the default.
        assertEquals(
                90,
                RuleParameters.parse("{\"maxNeverUsedKeyAgeDays\":\"\"}")
                        .maxNeverUsedKeyAge()
                        .days());
    }

    @Test
    void refreshDaysDefaultsToThirtyAndIsRead() {
        assertEquals(30, RuleParameters.parse("{}").refreshPeriod().days());
        assertEquals(
                7,
                RuleParameters.parse("{\"refreshDays\": \"7\"}").refreshPeriod().days());
        assertEquals(
                60,
                RuleParameters.parse("{\"refreshDays\": 60}").refreshPeriod().days());
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"0", "61", "thirty", "1.5", "-1", "", "0030000"})
    void refreshDaysOutsideOneToSixtyIsRefusedNamingIt(String value) {
        InvalidSettingException error = assertThrows(
                InvalidSettingException.class, () -> RuleParameters.parse("{\"refreshDays\": \"" + value + "\"}"));
        assertEquals("refreshDays", error.settingName(), error.getMessage());
        assertTrue(error.getMessage().contains("1..60"), error.getMessage());
    }
}
