package io.github.stalekeys.remediation;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.stalekeys.policy.BackoutGrace;
import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.IamIdentifiers;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.MaxKeyAge;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the runbook's payload. Every field is checked before anything is looked up or changed, and every
 * error names the field: a wiring mistake in a runbook must fail loudly, never act on a guess.
 */
final class RunbookRequestParser {

    static final String DISABLE_STALE_KEYS = "DISABLE_STALE_KEYS";
    static final String RESTORE_KEYS = "RESTORE_KEYS";

    private static final Pattern EXECUTION_ID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Set<String> DISABLE_FIELDS = Set.of(
            "action",
            "userId",
            "maxAccessKeyAgeDays",
            "maxNeverUsedKeyAgeDays",
            "dryRun",
            "exemptUsers",
            "exemptionTagKey",
            "automationExecutionId");
    private static final Set<String> RESTORE_FIELDS = Set.of(
            "action", "userName", "accessKeyIds", "remediationExecutionId", "graceDays", "automationExecutionId");

    private RunbookRequestParser() {}

    static RunbookRequest parse(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new InvalidSettingException("payload", "must be a JSON object");
        }
        String action = required(payload, "action");
        return switch (action) {
            case DISABLE_STALE_KEYS -> disable(payload);
            case RESTORE_KEYS -> restore(payload);
            default ->
                throw new InvalidSettingException(
                        "action",
                        InvalidSettingException.echo(action) + " is unknown; expected " + DISABLE_STALE_KEYS + " or "
                                + RESTORE_KEYS);
        };
    }

    private static RunbookRequest.DisableStaleKeys disable(JsonNode payload) {
        onlyKnownFields(payload, DISABLE_FIELDS);
        MaxKeyAge maxKeyAge = MaxKeyAge.parse("maxAccessKeyAgeDays", required(payload, "maxAccessKeyAgeDays"));
        // Optional; empty (the runbook's default) means the same limit as maxAccessKeyAgeDays.
        MaxKeyAge maxNeverUsedKeyAge = optional(payload, "maxNeverUsedKeyAgeDays")
                .map(value -> MaxKeyAge.parse("maxNeverUsedKeyAgeDays", value))
                .orElse(maxKeyAge);
        return new RunbookRequest.DisableStaleKeys(
                userIdOrArn(payload),
                maxKeyAge,
                bool(payload, "dryRun"),
                Exemptions.parse(
                        "exemptUsers",
                        optional(payload, "exemptUsers").orElse(null),
                        "exemptionTagKey",
                        optional(payload, "exemptionTagKey").orElse(null)),
                matching(payload, "automationExecutionId", EXECUTION_ID, "an Automation execution id"),
                maxNeverUsedKeyAge);
    }

    /**
     * The user id Config passes (RESOURCE_ID), or the user ARN an IAM Access Analyzer finding names (the template's
     * EventBridge rule passes it as is): anything else is refused before any call.
     */
    private static String userIdOrArn(JsonNode payload) {
        String value = required(payload, "userId").strip();
        if (IamIdentifiers.USER_ID.matcher(value).matches()
                || IamIdentifiers.USER_ARN.matcher(value).matches()) {
            return value;
        }
        throw new InvalidSettingException(
                "userId",
                "must be an IAM user id (AIDA...) or an IAM user ARN (arn:aws:iam::ACCOUNT:user/NAME), got "
                        + InvalidSettingException.echo(value));
    }

    private static RunbookRequest.RestoreKeys restore(JsonNode payload) {
        onlyKnownFields(payload, RESTORE_FIELDS);
        List<String> keyIds = optional(payload, "accessKeyIds")
                .map(list -> Arrays.stream(list.split(","))
                        .map(String::strip)
                        .filter(id -> !id.isEmpty())
                        .toList())
                .orElse(List.of());
        for (String keyId : keyIds) {
            if (!IamIdentifiers.ACCESS_KEY_ID.matcher(keyId).matches()) {
                throw new InvalidSettingException(
                        "accessKeyIds",
                        "must list access key ids separated by commas; " + InvalidSettingException.echo(keyId)
                                + " is not one");
            }
        }
        Optional<String> execution = optional(payload, "remediationExecutionId");
        execution.filter(id -> !EXECUTION_ID.matcher(id).matches()).ifPresent(id -> {
            throw new InvalidSettingException(
                    "remediationExecutionId",
                    "must be an Automation execution id, got " + InvalidSettingException.echo(id));
        });
        if (!keyIds.isEmpty() && execution.isPresent()) {
            throw new InvalidSettingException(
                    "accessKeyIds",
                    "and remediationExecutionId cannot both be given: name the keys, or the execution to undo");
        }
        return new RunbookRequest.RestoreKeys(
                matching(payload, "userName", IamIdentifiers.NAME, "an IAM user name"),
                keyIds,
                execution,
                optional(payload, "graceDays")
                        .map(days -> BackoutGrace.parseDays("graceDays", days))
                        .orElse(BackoutGrace.DEFAULT_DAYS),
                matching(payload, "automationExecutionId", EXECUTION_ID, "an Automation execution id"));
    }

    private static void onlyKnownFields(JsonNode payload, Set<String> known) {
        for (Iterator<String> names = payload.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw new InvalidSettingException(
                        name.matches("[A-Za-z0-9_]{1,64}") ? name : InvalidSettingException.echo(name),
                        "is not a field of " + required(payload, "action") + "; expected "
                                + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }

    private static String required(JsonNode payload, String field) {
        return optional(payload, field).orElseThrow(() -> new InvalidSettingException(field, "is missing"));
    }

    /** A string field; empty strings count as absent (the runbooks send '' for optional parameters). */
    private static Optional<String> optional(JsonNode payload, String field) {
        JsonNode value = payload.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isValueNode()) {
            throw new InvalidSettingException(
                    field, "must be a string (or a plain number or boolean), got " + value.getNodeType());
        }
        return Optional.of(value.asText().strip()).filter(text -> !text.isEmpty());
    }

    private static String matching(JsonNode payload, String field, Pattern pattern, String what) {
        String value = required(payload, field);
        if (!pattern.matcher(value).matches()) {
            throw new InvalidSettingException(
                    field, "must be " + what + ", got " + InvalidSettingException.echo(value));
        }
        return value;
    }

    private static boolean bool(JsonNode payload, String field) {
        String value = required(payload, field);
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default ->
                throw new InvalidSettingException(
                        field, "must be true or false, got " + InvalidSettingException.echo(value));
        };
    }
}
