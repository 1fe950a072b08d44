package io.github.stalekeys.evaluator;

import io.github.stalekeys.configrule.RefreshPeriod;
import io.github.stalekeys.policy.EvaluationFrequency;
import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.IamIdentifiers;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.KeyAgeLimits;
import io.github.stalekeys.policy.MaxKeyAge;
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.policy.WarningSchedule;
import io.github.stalekeys.ruleparameters.RuleParameterDocument;
import java.time.Clock;
import java.util.Optional;

/**
 * The rule's input parameters, read once from the event's {@code ruleParameters} JSON string.
 *
 * @param maxKeyAge         {@code maxAccessKeyAgeDays}: 1..3650, default 90
 * @param exemptions        {@code exemptUsers} and {@code exemptionTagKey}
 * @param executionRoleName {@code executionRoleName}: the role to assume in the event's account, if any
 * @param maxNeverUsedKeyAge {@code maxNeverUsedKeyAgeDays}: 1..3650, the limit for never-used keys (judged from
 *                           their creation); default: {@code maxAccessKeyAgeDays}
 * @param warnings          {@code warningDays}, {@code evaluationFrequency}, {@code ownerTagKey},
 *                          {@code automaticRemediation}
 * @param refreshPeriod     {@code refreshDays}: how long an unchanged result stands before it is posted again
 */
record RuleParameters(
        MaxKeyAge maxKeyAge,
        Exemptions exemptions,
        Optional<String> executionRoleName,
        MaxKeyAge maxNeverUsedKeyAge,
        WarningSettings warnings,
        RefreshPeriod refreshPeriod) {

    static final String MAX_ACCESS_KEY_AGE_DAYS = RuleParameterDocument.MAX_ACCESS_KEY_AGE_DAYS;
    static final String EXEMPT_USERS = RuleParameterDocument.EXEMPT_USERS;
    static final String EXEMPTION_TAG_KEY = RuleParameterDocument.EXEMPTION_TAG_KEY;
    static final String EXECUTION_ROLE_NAME = RuleParameterDocument.EXECUTION_ROLE_NAME;
    static final String MAX_NEVER_USED_KEY_AGE_DAYS = RuleParameterDocument.MAX_NEVER_USED_KEY_AGE_DAYS;
    static final String WARNING_DAYS = RuleParameterDocument.WARNING_DAYS;
    static final String EVALUATION_FREQUENCY = RuleParameterDocument.EVALUATION_FREQUENCY;
    static final String OWNER_TAG_KEY = RuleParameterDocument.OWNER_TAG_KEY;
    static final String AUTOMATIC_REMEDIATION = RuleParameterDocument.AUTOMATIC_REMEDIATION;
    static final String REFRESH_DAYS = RuleParameterDocument.REFRESH_DAYS;
    static final RuleParameters DEFAULTS = new RuleParameters(
            MaxKeyAge.DEFAULT,
            Exemptions.NONE,
            Optional.empty(),
            MaxKeyAge.DEFAULT,
            WarningSettings.DEFAULTS,
            RefreshPeriod.DEFAULT);

    /** The policy these parameters describe. */
    StaleKeyPolicy policy(Clock clock) {
        return new StaleKeyPolicy(
                new KeyAgeLimits(maxKeyAge, maxNeverUsedKeyAge), warnings.schedule(), exemptions, clock);
    }

    /**
     * Parses the parameters; a missing or empty document means the defaults. The remediation reads the limits
     * and the exemptions through the same {@link RuleParameterDocument}.
     */
    static RuleParameters parse(String json) {
        if (json == null || json.isBlank()) {
            return DEFAULTS;
        }
        // Read the one way the remediation reads the live rule's parameters too.
        RuleParameterDocument document = RuleParameterDocument.parse(json);
        MaxKeyAge maxKeyAge = document.maxKeyAge();
        Exemptions exemptions = document.exemptions();
        Optional<String> roleName = document.text(EXECUTION_ROLE_NAME)
                .filter(name -> !name.isBlank())
                .map(String::strip);
        roleName.filter(name -> !IamIdentifiers.NAME.matcher(name).matches()).ifPresent(name -> {
            throw new InvalidSettingException(
                    EXECUTION_ROLE_NAME, "is not a valid IAM role name: " + InvalidSettingException.echo(name));
        });
        MaxKeyAge maxNeverUsedKeyAge = document.limits().neverUsed();
        RefreshPeriod refreshPeriod =
                document.text(REFRESH_DAYS).map(RuleParameters::refreshPeriod).orElse(RefreshPeriod.DEFAULT);
        return new RuleParameters(
                maxKeyAge, exemptions, roleName, maxNeverUsedKeyAge, warnings(document), refreshPeriod);
    }

    private static WarningSettings warnings(RuleParameterDocument document) {
        WarningSchedule schedule = document.text(WARNING_DAYS)
                .map(value -> WarningSchedule.parse(WARNING_DAYS, value))
                .orElse(WarningSettings.DEFAULTS.schedule());
        EvaluationFrequency frequency = document.text(EVALUATION_FREQUENCY)
                .map(value -> EvaluationFrequency.parse(EVALUATION_FREQUENCY, value))
                .orElse(WarningSettings.DEFAULTS.frequency());
        Optional<String> ownerTagKey = document.ownerTagKey();
        boolean automatic = document.text(AUTOMATIC_REMEDIATION)
                .map(value -> switch (value.strip()) {
                    case "true" -> true;
                    case "false" -> false;
                    default ->
                        throw new InvalidSettingException(
                                AUTOMATIC_REMEDIATION,
                                "must be true or false, got " + InvalidSettingException.echo(value));
                })
                .orElse(WarningSettings.DEFAULTS.automaticRemediation());
        return new WarningSettings(schedule, frequency, ownerTagKey, automatic);
    }

    private static RefreshPeriod refreshPeriod(String value) {
        String days = value.strip();
        if (!days.matches("[0-9]{1,3}")
                || Integer.parseInt(days) < RefreshPeriod.MIN_DAYS
                || Integer.parseInt(days) > RefreshPeriod.MAX_DAYS) {
            throw new InvalidSettingException(
                    REFRESH_DAYS,
                    "must be whole days, " + RefreshPeriod.MIN_DAYS + ".." + RefreshPeriod.MAX_DAYS + ", got "
                            + InvalidSettingException.echo(value));
        }
        return new RefreshPeriod(Integer.parseInt(days));
    }
}
