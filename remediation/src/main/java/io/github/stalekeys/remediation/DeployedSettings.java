package io.github.stalekeys.remediation;

import io.github.stalekeys.policy.InvalidSettingException;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the function's own environment (set by the template) names: the Config rule whose parameters are the
 * deployed threshold and exemptions ({@link ServedRule}), the key that seals audit records, and the backout
 * runbook its notices name. None comes from the payload.
 *
 * @param configRuleName    the AWS Config rule this remediation serves
 * @param auditRecordKeyId  the KMS HMAC key that seals audit records
 * @param backoutRunbookName the stack's backout runbook (SSM document name), which restores what it disables
 */
record DeployedSettings(String configRuleName, String auditRecordKeyId, String backoutRunbookName) {

    static final String CONFIG_RULE_NAME = "CONFIG_RULE_NAME";
    static final String AUDIT_RECORD_KEY_ID = "AUDIT_RECORD_KEY_ID";
    static final String BACKOUT_RUNBOOK_NAME = "BACKOUT_RUNBOOK_NAME";

    // PutConfigRule ConfigRuleName: 1..128 characters (API reference); the template allows no blanks either.
    private static final Pattern RULE_NAME = Pattern.compile("[\\x21-\\x7E]{1,128}");
    private static final Pattern KMS_KEY = Pattern.compile(
            "(arn:aws[a-z0-9-]*:kms:[a-z0-9-]+:\\d{12}:key/)?[0-9a-fA-F-]{36}|alias/[A-Za-z0-9/_-]{1,250}");

    // CreateDocument Name: letters, digits, _ - and ., 3 to 128 characters (SSM API reference).
    private static final Pattern DOCUMENT_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,128}");

    DeployedSettings {
        Objects.requireNonNull(configRuleName, "configRuleName");
        Objects.requireNonNull(auditRecordKeyId, "auditRecordKeyId");
        Objects.requireNonNull(backoutRunbookName, "backoutRunbookName");
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
        String backout = environment.getOrDefault(BACKOUT_RUNBOOK_NAME, "").strip();
        if (!DOCUMENT_NAME.matcher(backout).matches()) {
            throw new InvalidSettingException(
                    BACKOUT_RUNBOOK_NAME,
                    "must name the backout runbook the notices point to (an SSM document name: 3 to 128 letters,"
                            + " digits, _ - and .), got " + InvalidSettingException.echo(backout));
        }
        return new DeployedSettings(ruleName, keyId, backout);
    }
}
