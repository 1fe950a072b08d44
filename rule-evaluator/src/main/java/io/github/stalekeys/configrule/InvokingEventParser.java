package io.github.stalekeys.configrule;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.policy.InvalidSettingException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** Reads the {@code invokingEvent} JSON string of a Config rule event into a {@link Trigger}. */
public final class InvokingEventParser {

    // A field given twice is refused, as the remediation refuses it, not read last-wins.
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private InvokingEventParser() {}

    public static Trigger parse(String invokingEvent) {
        if (invokingEvent == null || invokingEvent.isBlank()) {
            throw new InvalidEventException("invokingEvent is missing");
        }
        JsonNode root;
        try {
            root = JSON.readTree(invokingEvent);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(
                    "invokingEvent is not valid JSON: " + InvalidSettingException.echo(e.getOriginalMessage()));
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
                throw new InvalidEventException("invokingEvent.messageType " + InvalidSettingException.echo(messageType)
                        + " is not one this rule handles (ScheduledNotification, ConfigurationItemChangeNotification, "
                        + "OversizedConfigurationItemChangeNotification)");
        };
    }

    private static Trigger.ItemChange itemChange(JsonNode item, String path) {
        if (item == null || !item.isObject()) {
            throw new InvalidEventException(path + " is missing");
        }
        JsonNode nameNode = item.get("resourceName");
        return new Trigger.ItemChange(
                requiredText(item, "resourceType", path + ".resourceType"),
                requiredText(item, "resourceId", path + ".resourceId"),
                nameNode == null || nameNode.isNull() ? null : nameNode.asText(),
                requiredText(item, "configurationItemStatus", path + ".configurationItemStatus"),
                instant(item, "configurationItemCaptureTime", path + ".configurationItemCaptureTime"),
                path);
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
            throw new InvalidEventException(
                    path + " is not an ISO-8601 instant: " + InvalidSettingException.echo(text));
        }
    }
}
