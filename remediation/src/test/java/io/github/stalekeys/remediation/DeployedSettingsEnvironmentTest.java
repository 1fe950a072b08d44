package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.stalekeys.policy.InvalidSettingException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The audit key and rule name as {@link DeployedSettings} reads them from the environment, with the exact errors;
 * {@link DeployedSettingsTest} covers the rule name's bounds.
 */
class DeployedSettingsEnvironmentTest {

    private static final String RULE = "iam-user-unused-access-keys";
    private static final String KEY_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    private static final String BACKOUT = "StaleKeys-RestoreAccessKeys";

    private static DeployedSettings read(String keyId) {
        return DeployedSettings.fromEnvironment(Map.of(
                DeployedSettings.CONFIG_RULE_NAME,
                RULE,
                DeployedSettings.AUDIT_RECORD_KEY_ID,
                keyId,
                DeployedSettings.BACKOUT_RUNBOOK_NAME,
                BACKOUT));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                KEY_ID,
                "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0",
                "arn:aws:kms:us-east-1:123456789012:key/" + KEY_ID,
                "arn:aws-us-gov:kms:us-gov-west-1:123456789012:key/" + KEY_ID,
                "alias/stale-keys/audit_records",
                "alias/a"
            })
    void aKeyIdKeyArnOrAliasIsTakenAsItIs(String keyId) {
        DeployedSettings settings = read(keyId);

        assertEquals(keyId, settings.auditRecordKeyId());
        assertEquals(RULE, settings.configRuleName());
    }

    @Test
    void theKeyIsStrippedOfSurroundingWhitespace() {
        assertEquals(KEY_ID, read(" " + KEY_ID + "\n").auditRecordKeyId());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "arn:aws:kms:us-east-1:123456789012:alias/audit",
                "alias/",
                "alias/with space",
                "arn:aws:kms:us-east-1:12345678901:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
                "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f",
                "audit-key"
            })
    void anythingElseIsRefusedAndQuoted(String keyId) {
        InvalidSettingException error = assertThrows(InvalidSettingException.class, () -> read(keyId));

        assertEquals(DeployedSettings.AUDIT_RECORD_KEY_ID, error.settingName());
        assertEquals(
                "AUDIT_RECORD_KEY_ID must name the KMS HMAC key that seals audit records (key id, key ARN or alias),"
                        + " got " + InvalidSettingException.echo(keyId),
                error.getMessage());
    }

    @Test
    void aMissingKeyIsNamed() {
        InvalidSettingException error = assertThrows(
                InvalidSettingException.class,
                () -> DeployedSettings.fromEnvironment(Map.of(DeployedSettings.CONFIG_RULE_NAME, RULE)));

        assertEquals(
                "AUDIT_RECORD_KEY_ID must name the KMS HMAC key that seals audit records (key id, key ARN or alias),"
                        + " got ''",
                error.getMessage());
    }

    @Test
    void aBadRuleNameIsReportedFirstWithTheRulesLimits() {
        InvalidSettingException error = assertThrows(
                InvalidSettingException.class,
                () -> DeployedSettings.fromEnvironment(Map.of(DeployedSettings.CONFIG_RULE_NAME, "two words")));

        assertEquals("CONFIG_RULE_NAME", error.settingName());
        assertEquals(
                "CONFIG_RULE_NAME must name the AWS Config rule whose parameters are the deployed threshold and"
                        + " exemptions (1 to 128 printable characters without spaces), got 'two words'",
                error.getMessage());
    }

    @Test
    void theVariablesHaveTheTemplatesNames() {
        assertEquals("CONFIG_RULE_NAME", DeployedSettings.CONFIG_RULE_NAME);
        assertEquals("AUDIT_RECORD_KEY_ID", DeployedSettings.AUDIT_RECORD_KEY_ID);
        assertEquals("BACKOUT_RUNBOOK_NAME", DeployedSettings.BACKOUT_RUNBOOK_NAME);
    }

    @Test
    void neitherSettingMayBeNull() {
        NullPointerException noRule =
                assertThrows(NullPointerException.class, () -> new DeployedSettings(null, KEY_ID, BACKOUT));
        NullPointerException noKey =
                assertThrows(NullPointerException.class, () -> new DeployedSettings(RULE, null, BACKOUT));
        NullPointerException noBackout =
                assertThrows(NullPointerException.class, () -> new DeployedSettings(RULE, KEY_ID, null));

        assertEquals("configRuleName", noRule.getMessage());
        assertEquals("auditRecordKeyId", noKey.getMessage());
        assertEquals("backoutRunbookName", noBackout.getMessage());
    }
}
