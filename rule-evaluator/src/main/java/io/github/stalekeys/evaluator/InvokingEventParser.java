package io.github.stalekeys.evaluator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.policy.IamIdentifiers;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reads the {@code invokingEvent} JSON string of a Config rule event into a {@link Trigger}. */
final class InvokingEventParser {

    private static final ObjectMapper JSON = new ObjectMapper();

    private InvokingEventParser() {}

    static Trigger parse(String invokingEvent) {
        if (invokingEvent == null || invokingEvent.isBlank()) {
            throw new InvalidEventException("invokingEvent is missing");
        }
        JsonNode root;
        try {
            root = JSON.readTree(invokingEvent);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("invokingEvent is not valid JSON: " + e.getOriginalMessage());
        }
        if (!root.isObject()) {
            throw new InvalidEventException("invokingEvent must be a JSON object");
        }
        String messageType = requiredText(root, "messageType", "invokingEvent.messageType");
        return switch (messageType) {
            case "ScheduledNotification" ->
                new Trigger.Scheduled(
                        instant(root, "notificationCreationTime", "invokingEvent.notificationCreationTime"));
            case "ConfigurationItemChangeNotification" ->
                itemChange(root.get("configurationItem"), "invokingEvent.configurationItem");
            case "OversizedConfigurationItemChangeNotification" ->
                itemChange(root.get("configurationItemSummary"), "invokingEvent.configurationItemSummary");
            default ->
                throw new InvalidEventException("invokingEvent.messageType '" + messageType
                        + "' is not one this rule handles (ScheduledNotification, ConfigurationItemChangeNotification, "
                        + "OversizedConfigurationItemChangeNotification)");
        };
    }

    private static Trigger.ItemChange itemChange(JsonNode item, String path) {
        if (item == null || !item.isObject()) {
            throw new InvalidEventException(path + " is missing");
        }
        JsonNode nameNode = item.get("resourceName");
        String type = requiredText(item, "resourceType", path + ".resourceType");
        String id = requiredText(item, "resourceId", path + ".resourceId");
        String name = nameNode == null || nameNode.isNull() ? null : nameNode.asText();
        if (RuleEvaluation.IAM_USER.equals(type)) {
            // Ids and names reach IAM calls and evaluations: anything IAM could not have issued is refused.
            if (!IamIdentifiers.USER_ID.matcher(id).matches()) {
                throw new InvalidEventException(path + ".resourceId '" + id + "' is not an IAM user id (AIDA...)");
            }
            if (name != null && !IamIdentifiers.NAME.matcher(name).matches()) {
                throw new InvalidEventException(path + ".resourceName '" + name + "' is not an IAM user name");
            }
        }
        return new Trigger.ItemChange(
                type,
                id,
                name,
                requiredText(item, "configurationItemStatus", path + ".configurationItemStatus"),
                instant(item, "configurationItemCaptureTime", path + ".configurationItemCaptureTime"));
    }

    private static String requiredText(JsonNode node, String field, String path) {
        JsonNode value = node.get(field);
        if (value == null
                || value.isNull()
                || !value.isTextual()
                || value.asText().isBlank()) {
            throw new InvalidEventException(path + " is missing or not a string");
        }
        return value.asText();
    }

    private static Instant instant(JsonNode node, String field, String path) {
        String text = requiredText(node, field, path);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidEventException(path + " is not an ISO-8601 instant: '" + text + "'");
        }
    }
}
