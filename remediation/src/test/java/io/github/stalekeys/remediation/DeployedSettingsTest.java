package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.stalekeys.policy.InvalidSettingException;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The function's environment as the template sets it: the rule it serves, the audit key, the backout runbook. */
class DeployedSettingsTest {

    private static final String KEY = "arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    private static final String BACKOUT = "StaleKeys-RestoreAccessKeys";

    private static Map<String, String> environment(String ruleName) {
        return environment(ruleName, BACKOUT);
    }

    private static Map<String, String> environment(String ruleName, String backoutRunbook) {
        Map<String, String> environment = new HashMap<>(Map.of(DeployedSettings.AUDIT_RECORD_KEY_ID, KEY));
        if (ruleName != null) {
            environment.put(DeployedSettings.CONFIG_RULE_NAME, ruleName);
        }
        if (backoutRunbook != null) {
            environment.put(DeployedSettings.BACKOUT_RUNBOOK_NAME, backoutRunbook);
        }
        return environment;
    }

    @Test
    void namesTheBackoutRunbookItsNoticesPointTo() {
        assertEquals(
                BACKOUT,
                DeployedSettings.fromEnvironment(environment("rule", " " + BACKOUT + "\n"))
                        .backoutRunbookName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ab", "two words", "Restore\u2028Access", "x\nforged log line"})
    void aBackoutRunbookNameSsmCouldNotHoldIsRefusedNamedAndEscaped(String name) {
        InvalidSettingException error = assertThrows(
                InvalidSettingException.class, () -> DeployedSettings.fromEnvironment(environment("rule", name)));
        assertEquals(DeployedSettings.BACKOUT_RUNBOOK_NAME, error.settingName());
        assertFalse(error.getMessage().contains("\n") || error.getMessage().contains("\u2028"), error.getMessage());
        assertThrows(
                InvalidSettingException.class,
                () -> DeployedSettings.fromEnvironment(environment("rule", "d".repeat(129))));
    }

    @Test
    void aMissingBackoutRunbookIsNamedInTheError() {
        InvalidSettingException error = assertThrows(
                InvalidSettingException.class, () -> DeployedSettings.fromEnvironment(environment("rule", null)));
        assertEquals(DeployedSettings.BACKOUT_RUNBOOK_NAME, error.settingName());
    }

    @Test
    void namesTheRuleAndTheKey() {
        DeployedSettings settings = DeployedSettings.fromEnvironment(environment(" iam-user-unused-access-keys\n"));
        assertEquals("iam-user-unused-access-keys", settings.configRuleName());
        assertEquals(KEY, settings.auditRecordKeyId());
    }

    @Test
    void aMissingRuleNameIsNamedInTheError() {
        InvalidSettingException error =
                assertThrows(InvalidSettingException.class, () -> DeployedSettings.fromEnvironment(environment(null)));
        assertEquals(DeployedSettings.CONFIG_RULE_NAME, error.settingName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "two words", "rule\nforged log line"})
    void aRuleNameConfigCouldNotHoldIsRefusedAndEscaped(String ruleName) {
        InvalidSettingException error = assertThrows(
                InvalidSettingException.class, () -> DeployedSettings.fromEnvironment(environment(ruleName)));
        assertEquals(DeployedSettings.CONFIG_RULE_NAME, error.settingName());
        assertFalse(error.getMessage().contains("\n"), error.getMessage());
    }

    @Test
    void aRuleNameLongerThanConfigAllowsIsRefused() {
        assertThrows(
                InvalidSettingException.class, () -> DeployedSettings.fromEnvironment(environment("r".repeat(129))));
        assertEquals(
                "r".repeat(128),
                DeployedSettings.fromEnvironment(environment("r".repeat(128))).configRuleName());
    }
}
