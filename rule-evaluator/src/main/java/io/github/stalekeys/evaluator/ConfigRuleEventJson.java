package io.github.stalekeys.evaluator;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.configrule.InvalidEventException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.stream.Collectors;

/**
 * The rule's event and answer as JSON, read and written by the function itself (it is a {@code
 * RequestStreamHandler}): the Lambda runtime then deserialises nothing, so a restored SnapStart function does not
 * build the runtime's serialisers on its first invocation, and the Jackson the priming has run does the work.
 */
final class ConfigRuleEventJson {

    private static final ObjectMapper JSON =
            new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ConfigRuleEventJson() {}

    static ConfigRuleEvent read(InputStream input) throws IOException {
        byte[] bytes = input.readAllBytes();
        if (new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            throw new InvalidEventException("the event is empty");
        }
        try {
            ConfigRuleEvent event = JSON.readValue(bytes, ConfigRuleEvent.class);
            if (event == null) {
                throw new InvalidEventException("the event is empty");
            }
            return event;
        } catch (JsonMappingException e) {
            // Names the field, never echoes the value: the event is not ours.
            String field = e.getPath().stream()
                    .map(reference -> reference.getFieldName() == null
                            ? "[" + reference.getIndex() + "]"
                            : reference.getFieldName())
                    .collect(Collectors.joining("."));
            throw new InvalidEventException("the event is not Config's rule event"
                    + (field.isEmpty() ? "" : ": field " + field + " has the wrong type") + where(e.getLocation()));
        } catch (JacksonException e) {
            throw new InvalidEventException("the event is not JSON" + where(e.getLocation()));
        }
    }

    static void write(EvaluationReport report, OutputStream output) throws IOException {
        JSON.writeValue(output, report);
    }

    private static String where(JsonLocation location) {
        return location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }
}
