package io.github.stalekeys.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class AnnotationTest {

    @Test
    void shortTextIsKeptAsIs() {
        assertEquals("AKIA1 unused 143 days", Annotation.fit("AKIA1 unused 143 days"));
    }

    @Test
    void longTextIsCutOnAWordBoundaryWithAnEllipsis() {
        String text = IntStream.range(0, 30)
                .mapToObj(i -> "AKIAEXAMPLEKEY" + i + " unused 100 days")
                .collect(Collectors.joining("; "));
        String fitted = Annotation.fit(text);
        assertTrue(fitted.length() <= Annotation.MAX_LENGTH, "length " + fitted.length());
        assertTrue(fitted.endsWith("..."), fitted);
        String kept = fitted.substring(0, fitted.length() - 3);
        assertTrue(text.startsWith(kept), "a prefix of the original");
        char next = text.charAt(kept.length());
        assertTrue(next == ' ' || next == ';', "cut falls between words, not inside one: '" + next + "'");
    }

    @Test
    void exactlyTheLimitIsNotCut() {
        String text = "x".repeat(Annotation.MAX_LENGTH);
        assertEquals(text, Annotation.fit(text));
    }

    @Test
    void blankIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Annotation.fit(" "));
    }
}
