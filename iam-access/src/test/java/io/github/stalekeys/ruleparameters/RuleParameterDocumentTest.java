package io.github.stalekeys.ruleparameters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.InvalidSettingException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** The one reading of the rule's parameters that the rule evaluator and the remediation share. */
class RuleParameterDocumentTest {

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"{}", "  "})
    void anAbsentDocumentMeansTheDefaults(String json) {
        RuleParameterDocument document = RuleParameterDocument.parse(json);
        assertEquals(90, document.maxKeyAge().days());
        assertFalse(document.exemptions().usesTag());
        assertEquals(Optional.empty(), document.text(RuleParameterDocument.EXECUTION_ROLE_NAME));
    }

    @Test
    void theSharedSettingsAreRead() {
        RuleParameterDocument document = RuleParameterDocument.parse("""
                {"maxAccessKeyAgeDays": "180", "exemptUsers": "break-glass,AIDAEXAMPLE000000001",
                 "exemptionTagKey": "KeyRotationExempt", "executionRoleName": "StaleKeysRuleExecution"}""");
        assertEquals(180, document.maxKeyAge().days());
        assertTrue(document.exemptions()
                .byIdentity(new IamUser("AIDAOTHER0000000001", "Break-Glass"))
                .isPresent());
        assertTrue(document.exemptions()
                .byTags(Map.of("KeyRotationExempt", "INC-1"), java.time.Instant.parse("2026-11-29T00:00:00Z"))
                .exemptReason()
                .isPresent());
        assertEquals(180, document.limits().neverUsed().days(), "never-used limit defaults to the limit");
        assertEquals(
                30,
                RuleParameterDocument.parse("{\"maxNeverUsedKeyAgeDays\": \"30\"}")
                        .limits()
                        .neverUsed()
                        .days());
        assertEquals(Optional.of("StaleKeysRuleExecution"), document.text(RuleParameterDocument.EXECUTION_ROLE_NAME));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"maxAccessKeyAgeDays\": \"ninety\"}   | maxAccessKeyAgeDays",
                "{\"maxAccessKeyAgeDays\": \"0\"}        | maxAccessKeyAgeDays",
                "{\"maxAccessKeyAgeDays\": {\"a\": 1}}   | maxAccessKeyAgeDays",
                "{\"maxAgeDays\": \"180\"}               | ruleParameters",
                "{\"maxAccessKeyAgeDays\": \"90\"       | ruleParameters",
                "\"90\"                                  | ruleParameters",
                "{\"exemptUsers\": \"alice;bob\"}        | exemptUsers",
                "{\"exemptionTagKey\": \"aws:reserved\"} | exemptionTagKey",
            })
    void whatTheRuleRefusesIsRefusedWithTheSettingNamed(String json, String offending) {
        InvalidSettingException error = assertThrows(InvalidSettingException.class, () -> {
            RuleParameterDocument document = RuleParameterDocument.parse(json);
            document.maxKeyAge();
            document.exemptions();
        });
        assertEquals(offending, error.settingName(), error.getMessage());
    }

    @org.junit.jupiter.api.Test
    void aParameterGivenTwiceIsRefusedNotReadLastWins() {
        io.github.stalekeys.policy.InvalidSettingException twice = org.junit.jupiter.api.Assertions.assertThrows(
                io.github.stalekeys.policy.InvalidSettingException.class,
                () -> RuleParameterDocument.parse("{\"exemptUsers\":\"alice\",\"exemptUsers\":\"\"}"));

        org.junit.jupiter.api.Assertions.assertEquals("ruleParameters", twice.settingName());
        org.junit.jupiter.api.Assertions.assertTrue(
                twice.getMessage().startsWith("ruleParameters is not valid JSON: 'Duplicate field 'exemptUsers''"),
                twice.getMessage());
    }
}
