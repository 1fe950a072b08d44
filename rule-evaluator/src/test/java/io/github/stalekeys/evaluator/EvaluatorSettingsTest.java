package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.policy.InvalidSettingException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The evaluator's environment, read once into one record. */
class EvaluatorSettingsTest {

    @Test
    void anEmptyEnvironmentGivesTheDefaults() {
        assertEquals(EvaluatorSettings.DEFAULTS, EvaluatorSettings.fromEnvironment(Map.<String, String>of()::get));
        assertEquals(
                EvaluatorSettings.DEFAULTS,
                EvaluatorSettings.fromEnvironment(Map.of(EvaluatorSettings.AUDIT_RECORD_KEY_ID, "  ")::get),
                "a blank key id is no key");
    }

    @Test
    void eachVariableIsRead() {
        EvaluatorSettings settings = EvaluatorSettings.fromEnvironment(Map.of(
                "AUDIT_RECORD_KEY_ID", "alias/stale-keys-audit",
                "LIVE_CONFIRMATION_CONCURRENCY", "8",
                "SECURITY_HUB_FINDINGS", "Enabled",
                "REMEDIATION_RUNBOOK_NAME", "stack-Remediation",
                "BACKOUT_RUNBOOK_NAME", "stack-Backout")::get);
        assertEquals(Optional.of("alias/stale-keys-audit"), settings.auditRecordKeyId());
        assertEquals(8, settings.liveConcurrency());
        assertEquals(new FindingsSettings(true, "stack-Remediation", "stack-Backout"), settings.findings());
    }

    @Test
    void aWrongVariableIsNamed() {
        InvalidSettingException concurrency = assertThrows(
                InvalidSettingException.class,
                () -> EvaluatorSettings.fromEnvironment(Map.of("LIVE_CONFIRMATION_CONCURRENCY", "99")::get));
        assertEquals("LIVE_CONFIRMATION_CONCURRENCY", concurrency.settingName());
        IllegalStateException findings = assertThrows(
                IllegalStateException.class,
                () -> EvaluatorSettings.fromEnvironment(Map.of("SECURITY_HUB_FINDINGS", "yes")::get));
        assertTrue(findings.getMessage().startsWith("SECURITY_HUB_FINDINGS must be Enabled or Disabled"));
    }
}
