package io.github.stalekeys.evaluator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.configrule.RefreshPeriod;
import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.IamIdentifiers;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.MaxKeyAge;
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
 * @param refreshPeriod     {@code refreshDays}: how long an unchanged result stands before it is posted again
 */
record RuleParameters(
        MaxKeyAge maxKeyAge, Exemptions exemptions, Optional<String> executionRoleName, RefreshPeriod refreshPeriod) {

    static final String MAX_ACCESS_KEY_AGE_DAYS = "maxAccessKeyAgeDays";
    static final String EXEMPT_USERS = "exemptUsers";
    static final String EXEMPTION_TAG_KEY = "exemptionTagKey";
    static final String EXECUTION_ROLE_NAME = "executionRoleName";
    static final String REFRESH_DAYS = "refreshDays";
    private static final Set<String> KNOWN =
            Set.of(MAX_ACCESS_KEY_AGE_DAYS, EXEMPT_USERS, EXEMPTION_TAG_KEY, EXECUTION_ROLE_NAME, REFRESH_DAYS);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final RuleParameters DEFAULTS =
            new RuleParameters(MaxKeyAge.DEFAULT, Exemptions.NONE, Optional.empty(), RefreshPeriod.DEFAULT);

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
        RefreshPeriod refreshPeriod =
                text(root, REFRESH_DAYS).map(RuleParameters::refreshPeriod).orElse(RefreshPeriod.DEFAULT);
        return new RuleParameters(maxKeyAge, exemptions, roleName, refreshPeriod);
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
