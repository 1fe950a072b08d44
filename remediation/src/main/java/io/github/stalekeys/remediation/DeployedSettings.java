package io.github.stalekeys.remediation;

import io.github.stalekeys.policy.InvalidSettingException;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the function's own environment (set by the template) names: the Config rule whose parameters are the
 * deployed threshold and exemptions ({@link ServedRule}), and the key that seals audit records. Neither comes from
 * the payload.
 *
 * @param configRuleName   the AWS Config rule this remediation serves
 * @param auditRecordKeyId the KMS HMAC key that seals audit records
 */
record DeployedSettings(String configRuleName, String auditRecordKeyId) {

    static final String CONFIG_RULE_NAME = "CONFIG_RULE_NAME";
    static final String AUDIT_RECORD_KEY_ID = "AUDIT_RECORD_KEY_ID";

    // PutConfigRule ConfigRuleName: 1..128 characters (API reference); the template allows no blanks either.
    private static final Pattern RULE_NAME = Pattern.compile("[\\x21-\\x7E]{1,128}");
    private static final Pattern KMS_KEY = Pattern.compile(
            "(arn:aws[a-z0-9-]*:kms:[a-z0-9-]+:\\d{12}:key/)?[0-9a-fA-F-]{36}|alias/[A-Za-z0-9/_-]{1,250}");

    DeployedSettings {
        Objects.requireNonNull(configRuleName, "configRuleName");
        Objects.requireNonNull(auditRecordKeyId, "auditRecordKeyId");
    }

    static DeployedSettings fromEnvironment(Map<String, String> environment) {
        String ruleName = environment.getOrDefault(CONFIG_RULE_NAME, "").strip();
        if (!RULE_NAME.matcher(ruleName).matches()) {
            throw new InvalidSettingException(
                    CONFIG_RULE_NAME,
                    "must name the AWS Config rule whose parameters are the deployed threshold and exemptions"
                            + " (1 to 128 printable characters without spaces), got "
                            + InvalidSettingException.echo(ruleName));
        }
        String keyId = environment.getOrDefault(AUDIT_RECORD_KEY_ID, "").strip();
        if (!KMS_KEY.matcher(keyId).matches()) {
            throw new InvalidSettingException(
                    AUDIT_RECORD_KEY_ID,
                    "must name the KMS HMAC key that seals audit records (key id, key ARN or alias), got "
                            + InvalidSettingException.echo(keyId));
        }
        return new DeployedSettings(ruleName, keyId);
    }
}
