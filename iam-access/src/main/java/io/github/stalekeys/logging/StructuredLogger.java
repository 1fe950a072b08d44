package io.github.stalekeys.logging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One JSON object per line, with the facts (user, key id, rule name...) as fields, so CloudWatch Logs
 * Insights can filter on them. Callers pass only identifiers and outcomes: never secrets, never whole events.
 */
public final class StructuredLogger {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String component;
    private final PrintStream out;
    private final Clock clock;

    public StructuredLogger(String component, PrintStream out, Clock clock) {
        this.component = Objects.requireNonNull(component, "component");
        this.out = Objects.requireNonNull(out, "out");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A logger writing to standard output, which Lambda ships to CloudWatch Logs. */
    public static StructuredLogger toStandardOutput(String component) {
        return new StructuredLogger(component, System.out, Clock.systemUTC());
    }

    /** Logs {@code message} with alternating field names and values, e.g. {@code "userName", "alice"}. */
    public void info(String message, Object... fields) {
        write("INFO", message, fields);
    }

    public void error(String message, Object... fields) {
        write("ERROR", message, fields);
    }

    private void write(String level, String message, Object... fields) {
        if (fields.length % 2 != 0) {
            throw new IllegalArgumentException("fields must come in name/value pairs, got " + fields.length + " items");
        }
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("timestamp", clock.instant().toString());
        line.put("level", level);
        line.put("component", component);
        line.put("message", message);
        for (int i = 0; i < fields.length; i += 2) {
            Object value = fields[i + 1];
            boolean plain = value == null
                    || value instanceof Number
                    || value instanceof Boolean
                    || value instanceof Collection<?>;
            line.put(String.valueOf(fields[i]), plain ? value : String.valueOf(value));
        }
        try {
            out.println(JSON.writeValueAsString(line));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("log fields must be serialisable: " + line.keySet(), e);
        }
    }
}
