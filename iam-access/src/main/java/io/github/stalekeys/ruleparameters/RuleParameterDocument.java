package io.github.stalekeys.ruleparameters;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.IamIdentifiers;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.KeyAgeLimits;
import io.github.stalekeys.policy.MaxKeyAge;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Config rule's input parameters (a JSON object of strings), read the one way both the rule evaluator
 * and the remediation read them: the remediation takes its threshold and exemptions from the live rule, so the
 * two cannot disagree about what "stale" and "exempt" mean.
 */
public final class RuleParameterDocument {

    public static final String MAX_ACCESS_KEY_AGE_DAYS = "maxAccessKeyAgeDays";
    public static final String EXEMPT_USERS = "exemptUsers";
    public static final String EXEMPTION_TAG_KEY = "exemptionTagKey";
    public static final String EXECUTION_ROLE_NAME = "executionRoleName";
    public static final String MAX_NEVER_USED_KEY_AGE_DAYS = "maxNeverUsedKeyAgeDays";
    public static final String WARNING_DAYS = "warningDays";
    public static final String EVALUATION_FREQUENCY = "evaluationFrequency";
    public static final String OWNER_TAG_KEY = "ownerTagKey";
    public static final String AUTOMATIC_REMEDIATION = "automaticRemediation";
    public static final String REFRESH_DAYS = "refreshDays";

    /** Every parameter the rule accepts; any other name is refused (a misspelt setting is not a default). */
    public static final Set<String> NAMES = Set.of(
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

    // A field given twice is refused, as the remediation refuses it, not read last-wins.
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private static final RuleParameterDocument EMPTY = new RuleParameterDocument(JSON.createObjectNode());

    private final JsonNode root;

    private RuleParameterDocument(JsonNode root) {
        this.root = root;
    }

    /** Reads the document; a missing or blank one has no parameters (every setting at its default). */
    public static RuleParameterDocument parse(String json) {
        if (json == null || json.isBlank()) {
            return EMPTY;
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new InvalidSettingException(
                    "ruleParameters", "is not valid JSON: " + InvalidSettingException.echo(e.getOriginalMessage()));
        }
        if (!root.isObject()) {
            throw new InvalidSettingException("ruleParameters", "must be a JSON object, got " + root.getNodeType());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!NAMES.contains(field.getKey())) {
                throw new InvalidSettingException(
                        "ruleParameters",
                        "has an unknown parameter " + InvalidSettingException.echo(field.getKey()) + "; known: "
                                + String.join(", ", NAMES.stream().sorted().toList()));
            }
            if (!field.getValue().isValueNode() || field.getValue().isNull()) {
                throw new InvalidSettingException(
                        field.getKey(),
                        "must be a string (or a plain number or boolean), got "
                                + field.getValue().getNodeType());
            }
        }
        return new RuleParameterDocument(root);
    }

    /** The parameter's text, if the document has it. */
    public Optional<String> text(String name) {
        return Optional.ofNullable(root.get(name)).map(JsonNode::asText);
    }

    /** {@code maxAccessKeyAgeDays}: 1..3650, default 90. */
    public MaxKeyAge maxKeyAge() {
        return text(MAX_ACCESS_KEY_AGE_DAYS)
                .map(value -> MaxKeyAge.parse(MAX_ACCESS_KEY_AGE_DAYS, value))
                .orElse(MaxKeyAge.DEFAULT);
    }

    /**
     * {@code maxAccessKeyAgeDays} for used keys and {@code maxNeverUsedKeyAgeDays} (1..3650; empty or absent:
     * the same) for keys never used, judged from their creation.
     */
    public KeyAgeLimits limits() {
        MaxKeyAge used = maxKeyAge();
        MaxKeyAge neverUsed = text(MAX_NEVER_USED_KEY_AGE_DAYS)
                .filter(value -> !value.isBlank())
                .map(value -> MaxKeyAge.parse(MAX_NEVER_USED_KEY_AGE_DAYS, value))
                .orElse(used);
        return new KeyAgeLimits(used, neverUsed);
    }

    /** {@code ownerTagKey}: a valid IAM tag key, or empty when absent or blank. */
    public Optional<String> ownerTagKey() {
        Optional<String> ownerTagKey = text(OWNER_TAG_KEY).map(String::strip).filter(key -> !key.isEmpty());
        ownerTagKey
                .filter(key -> !IamIdentifiers.TAG_KEY.matcher(key).matches() || key.startsWith("aws:"))
                .ifPresent(key -> {
                    throw new InvalidSettingException(
                            OWNER_TAG_KEY, "is not a valid IAM tag key: " + InvalidSettingException.echo(key));
                });
        return ownerTagKey;
    }

    /** {@code exemptUsers} and {@code exemptionTagKey}; none when absent. */
    public Exemptions exemptions() {
        return Exemptions.parse(
                EXEMPT_USERS,
                text(EXEMPT_USERS).orElse(null),
                EXEMPTION_TAG_KEY,
                text(EXEMPTION_TAG_KEY).orElse(null));
    }
}
