package io.github.stalekeys.emulator;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Scans captured log text (and error messages, which Lambda logs too) for what must never be logged. */
public final class LogScan {

    /** Names under which a session token would appear, and the prefix of the tokens STS (and moto) issue. */
    static final List<String> SESSION_TOKEN_MARKERS =
            List.of("aws_session_token", "sessiontoken", "x-amz-security-token", "fqogzxivyxdz", "iqojb3jpz2lux2vj");

    private LogScan() {}

    /**
     * Fails if {@code text} contains any of {@code secrets} (secret access keys), a session token marker, or any
     * of {@code rawEvents} (whole invoking events) verbatim.
     */
    public static void assertClean(String text, Collection<String> secrets, String... rawEvents) {
        for (String secret : secrets) {
            assertFalse(text.contains(secret), "a secret access key reached the logs");
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (String marker : SESSION_TOKEN_MARKERS) {
            assertFalse(lower.contains(marker), "a session token (" + marker + ") reached the logs");
        }
        for (String event : rawEvents) {
            if (event != null && !event.isBlank()) {
                assertFalse(text.contains(event), "the whole invoking event reached the logs");
            }
        }
    }

    /** The text Lambda would log for an error the handler throws: its message and stack trace. */
    public static String logged(Throwable error) {
        java.io.StringWriter out = new java.io.StringWriter();
        error.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }
}
