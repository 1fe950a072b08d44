package io.github.stalekeys.remediation;

import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.KeyAgeLimits;
import io.github.stalekeys.policy.MaxKeyAge;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What the deployment decided, from the function's own environment (set by the template), never from the
 * payload: whoever can start a runbook or invoke the function may ask for a higher threshold or more
 * exemptions, never for less than this.
 *
 * @param maxKeyAge        the deployed threshold: the lowest the remediation ever applies
 * @param exemptions       the deployed exemptions: always added to any the payload names
 * @param auditRecordKeyId the KMS HMAC key that seals audit records
 */
record DeployedSettings(MaxKeyAge maxKeyAge, Exemptions exemptions, String auditRecordKeyId) {

    static final String MAX_ACCESS_KEY_AGE_DAYS = "MAX_ACCESS_KEY_AGE_DAYS";
    static final String EXEMPT_USERS = "EXEMPT_USERS";
    static final String EXEMPTION_TAG_KEY = "EXEMPTION_TAG_KEY";
    static final String AUDIT_RECORD_KEY_ID = "AUDIT_RECORD_KEY_ID";

    private static final Pattern KMS_KEY = Pattern.compile(
            "(arn:aws[a-z0-9-]*:kms:[a-z0-9-]+:\\d{12}:key/)?[0-9a-fA-F-]{36}|alias/[A-Za-z0-9/_-]{1,250}");

    DeployedSettings {
        Objects.requireNonNull(maxKeyAge, "maxKeyAge");
        Objects.requireNonNull(exemptions, "exemptions");
        Objects.requireNonNull(auditRecordKeyId, "auditRecordKeyId");
    }

    /** The deployed limits: for now one threshold for used and never-used keys alike. */
    KeyAgeLimits limits() {
        return KeyAgeLimits.same(maxKeyAge);
    }

    static DeployedSettings fromEnvironment(Map<String, String> environment) {
        String days = environment.get(MAX_ACCESS_KEY_AGE_DAYS);
        if (days == null || days.isBlank()) {
            throw new InvalidSettingException(
                    MAX_ACCESS_KEY_AGE_DAYS, "is not set: the template sets it to the deployed threshold");
        }
        String keyId = environment.getOrDefault(AUDIT_RECORD_KEY_ID, "").strip();
        if (!KMS_KEY.matcher(keyId).matches()) {
            throw new InvalidSettingException(
                    AUDIT_RECORD_KEY_ID,
                    "must name the KMS HMAC key that seals audit records (key id, key ARN or alias), got "
                            + InvalidSettingException.echo(keyId));
        }
        return new DeployedSettings(
                MaxKeyAge.parse(MAX_ACCESS_KEY_AGE_DAYS, days),
                Exemptions.parse(
                        EXEMPT_USERS,
                        environment.get(EXEMPT_USERS),
                        EXEMPTION_TAG_KEY,
                        environment.get(EXEMPTION_TAG_KEY)),
                keyId);
    }
}
