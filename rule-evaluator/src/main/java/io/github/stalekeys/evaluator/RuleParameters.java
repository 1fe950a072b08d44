package io.github.stalekeys.evaluator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.configrule.RefreshPeriod;
import io.github.stalekeys.policy.EvaluationFrequency;
import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.IamIdentifiers;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.KeyAgeLimits;
import io.github.stalekeys.policy.MaxKeyAge;
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.policy.WarningSchedule;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

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

    static final String MAX_ACCESS_KEY_AGE_DAYS = "maxAccessKeyAgeDays";
    static final String EXEMPT_USERS = "exemptUsers";
    static final String EXEMPTION_TAG_KEY = "exemptionTagKey";
    static final String EXECUTION_ROLE_NAME = "executionRoleName";
    static final String MAX_NEVER_USED_KEY_AGE_DAYS = "maxNeverUsedKeyAgeDays";
    static final String WARNING_DAYS = "warningDays";
    static final String EVALUATION_FREQUENCY = "evaluationFrequency";
    static final String OWNER_TAG_KEY = "ownerTagKey";
    static final String AUTOMATIC_REMEDIATION = "automaticRemediation";
    static final String REFRESH_DAYS = "refreshDays";
    private static final Set<String> KNOWN = Set.of(
            MAX_ACCESS_KEY_AGE_DAYS,
            EXEMPT_USERS,
            EXEMPTION_TAG_KEY,
            EXECUTION_ROLE_NAME,
            MAX_NEVER_USED_KEY_AGE_DAYS,
            WARNING_DAYS,
            EVALUATION_FREQUENCY,
            OWNER_TAG_KEY,
            AUTOMATIC_REMEDIATION,
            REFRESH_DAYS);
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** Parses the parameters; a missing or empty document means the defaults. */
    static RuleParameters parse(String json) {
        if (json == null || json.isBlank()) {
            return DEFAULTS;
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidSettingException("ruleParameters", "is not valid JSON: " + e.getOriginalMessage());
        }
        if (!root.isObject()) {
            throw new InvalidSettingException("ruleParameters", "must be a JSON object, got " + root.getNodeType());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!KNOWN.contains(field.getKey())) {
                throw new InvalidSettingException(
                        "ruleParameters",
                        "has an unknown parameter '" + field.getKey() + "'; known: "
                                + String.join(", ", KNOWN.stream().sorted().toList()));
            }
            if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                throw new InvalidSettingException(
                        field.getKey(),
                        "must be a string (or a plain number or boolean), got "
                                + field.getValue().getNodeType());
            }
        }
        MaxKeyAge maxKeyAge = text(root, MAX_ACCESS_KEY_AGE_DAYS)
                .map(value -> MaxKeyAge.parse(MAX_ACCESS_KEY_AGE_DAYS, value))
                .orElse(MaxKeyAge.DEFAULT);
        Exemptions exemptions = Exemptions.parse(
                EXEMPT_USERS,
                text(root, EXEMPT_USERS).orElse(null),
                EXEMPTION_TAG_KEY,
                text(root, EXEMPTION_TAG_KEY).orElse(null));
        Optional<String> roleName =
                text(root, EXECUTION_ROLE_NAME).filter(name -> !name.isBlank()).map(String::strip);
        roleName.filter(name -> !IamIdentifiers.NAME.matcher(name).matches()).ifPresent(name -> {
            throw new InvalidSettingException(EXECUTION_ROLE_NAME, "is not a valid IAM role name: '" + name + "'");
        });
        MaxKeyAge maxNeverUsedKeyAge = text(root, MAX_NEVER_USED_KEY_AGE_DAYS)
                .filter(value -> !value.isBlank())
                .map(value -> MaxKeyAge.parse(MAX_NEVER_USED_KEY_AGE_DAYS, value))
                .orElse(maxKeyAge);
        RefreshPeriod refreshPeriod =
                text(root, REFRESH_DAYS).map(RuleParameters::refreshPeriod).orElse(RefreshPeriod.DEFAULT);
        return new RuleParameters(maxKeyAge, exemptions, roleName, maxNeverUsedKeyAge, warnings(root), refreshPeriod);
    }

    private static WarningSettings warnings(JsonNode root) {
        WarningSchedule schedule = text(root, WARNING_DAYS)
                .map(value -> WarningSchedule.parse(WARNING_DAYS, value))
                .orElse(WarningSettings.DEFAULTS.schedule());
        EvaluationFrequency frequency = text(root, EVALUATION_FREQUENCY)
                .map(value -> EvaluationFrequency.parse(EVALUATION_FREQUENCY, value))
                .orElse(WarningSettings.DEFAULTS.frequency());
        Optional<String> ownerTagKey =
                text(root, OWNER_TAG_KEY).map(String::strip).filter(key -> !key.isEmpty());
        ownerTagKey
                .filter(key -> !IamIdentifiers.TAG_KEY.matcher(key).matches() || key.startsWith("aws:"))
                .ifPresent(key -> {
                    throw new InvalidSettingException(OWNER_TAG_KEY, "is not a valid IAM tag key: '" + key + "'");
                });
        boolean automatic = text(root, AUTOMATIC_REMEDIATION)
                .map(value -> switch (value.strip()) {
                    case "true" -> true;
                    case "false" -> false;
                    default ->
                        throw new InvalidSettingException(
                                AUTOMATIC_REMEDIATION, "must be true or false, got '" + value + "'");
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
                    "must be whole days, " + RefreshPeriod.MIN_DAYS + ".." + RefreshPeriod.MAX_DAYS + ", got '" + value
                            + "'");
        }
        return new RefreshPeriod(Integer.parseInt(days));
    }

    private static Optional<String> text(JsonNode root, String name) {
        return Optional.ofNullable(root.get(name)).map(JsonNode::asText);
    }
}
