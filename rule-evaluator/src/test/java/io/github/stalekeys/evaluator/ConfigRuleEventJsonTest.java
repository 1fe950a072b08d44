package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.configrule.InvalidEventException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The event as Lambda hands the stream handler its bytes, and the report it answers with. */
class ConfigRuleEventJsonTest {

    @Test
    void bindsEveryFieldOfConfigsEventAndIgnoresFieldsItDoesNotKnow() throws IOException {
        ConfigRuleEvent event;
        try (InputStream sample = getClass().getResourceAsStream("/events/configuration-item-change.json")) {
            event = ConfigRuleEventJson.read(sample);
        }
        assertEquals("1.0", event.getVersion());
        assertTrue(event.getInvokingEvent().contains("ConfigurationItemChangeNotification"), event.getInvokingEvent());
        assertEquals("TESTMODE", event.getResultToken());
        assertFalse(event.getEventLeftScope());

        ConfigRuleEvent extra = read("{\"configRuleName\":\"r\",\"accountId\":\"123456789012\",\"eventLeftScope\":true,"
                + "\"evaluationMode\":\"DETECTIVE\",\"somethingNew\":{\"x\":1}}");
        assertEquals("r", extra.getConfigRuleName());
        assertEquals("123456789012", extra.getAccountId());
        assertTrue(extra.getEventLeftScope());
    }

    @Test
    void anEmptyEventIsRefusedAsEmpty() {
        for (String empty : new String[] {"", "  \n", "null"}) {
            InvalidEventException refused = assertThrows(InvalidEventException.class, () -> read(empty));
            assertEquals("the event is empty", refused.getMessage(), empty);
        }
    }

    @Test
    void malformedJsonAndWrongTypesAreRefusedNamingTheFieldNotEchoingTheValue() {
        InvalidEventException notJson =
                assertThrows(InvalidEventException.class, () -> read("{\"configRuleName\": hostile-secret"));
        assertTrue(notJson.getMessage().startsWith("the event is not JSON (line 1, column "), notJson.getMessage());
        assertFalse(notJson.getMessage().contains("hostile"), notJson.getMessage());

        InvalidEventException wrongType =
                assertThrows(InvalidEventException.class, () -> read("{\"eventLeftScope\":{\"hostile\":\"secret\"}}"));
        assertTrue(
                wrongType.getMessage().startsWith("the event is not Config's rule event: field eventLeftScope"),
                wrongType.getMessage());
        assertFalse(wrongType.getMessage().contains("secret"), wrongType.getMessage());
    }

    @Test
    void theReportIsWrittenWithItsFieldNames() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ConfigRuleEventJson.write(
                new EvaluationReport("rule", "123456789012", "Scheduled", false, 3, 1, 0, 4, 0, 0, 2), out);
        JsonNode written = new ObjectMapper().readTree(out.toByteArray());
        assertEquals("rule", written.path("configRuleName").asText());
        assertEquals(1, written.path("nonCompliant").asInt());
        assertEquals(4, written.path("posted").asInt());
        assertEquals(2, written.path("warned").asInt());
    }

    private static ConfigRuleEvent read(String json) throws IOException {
        return ConfigRuleEventJson.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }
}
