package io.github.stalekeys.remediation;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/** Scans captured log text (and error messages, which Lambda logs too) for what must never be logged. */
final class LogScans {

    /** Names under which a session token would appear, and the prefixes of the tokens STS (and moto) issue. */
    static final List<String> SESSION_TOKEN_MARKERS =
            List.of("aws_session_token", "sessiontoken", "x-amz-security-token", "fqogzxivyxdz", "iqojb3jpz2lux2vj");

    private LogScans() {
    }

    /** Fails if {@code text} holds a seeded key's secret, a session token marker, or a whole payload verbatim. */
    static void assertClean(String text, Collection<SeededKey> keys, String... wholePayloads) {
        for (SeededKey key : keys) {
            assertFalse(text.contains(key.secretAccessKey()), "the secret of " + key.accessKeyId() + " reached the logs");
        }
        String lower = text.toLowerCase(Locale.ROOT);
        for (String marker : SESSION_TOKEN_MARKERS) {
            assertFalse(lower.contains(marker), "a session token (" + marker + ") reached the logs");
        }
        for (String payload : wholePayloads) {
            assertFalse(text.contains(payload), "a whole payload reached the logs");
        }
    }

    /** The text Lambda would log for an error the handler throws: its message and stack trace. */
    static String logged(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
