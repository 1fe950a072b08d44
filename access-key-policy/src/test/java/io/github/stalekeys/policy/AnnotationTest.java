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
    void oneCharacterOverTheLimitIsCutToFitTheLimit() {
        // PutEvaluations: Annotation 1..256 characters.
        // https://docs.aws.amazon.com/config/latest/APIReference/API_Evaluation.html
        String text = "x".repeat(Annotation.MAX_LENGTH - 10) + " " + "y".repeat(10);
        assertEquals(Annotation.MAX_LENGTH + 1, text.length());
        assertEquals("x".repeat(Annotation.MAX_LENGTH - 10) + "...", Annotation.fit(text));
    }

    @Test
    void aCutFallingRightAtTheLimitUsesAllOf256Characters() {
        // The space sits where the ellipsis must start: the head is the 253 characters before it.
        String head = "k".repeat(Annotation.MAX_LENGTH - 3);
        String fitted = Annotation.fit(head + " and more words after the limit");
        assertEquals(head + "...", fitted);
        assertEquals(Annotation.MAX_LENGTH, fitted.length());
    }

    @Test
    void aSingleWordLongerThanTheLimitIsCutInsideItWithAnEllipsis() {
        String fitted = Annotation.fit("z".repeat(400));
        assertEquals("z".repeat(Annotation.MAX_LENGTH - 3) + "...", fitted);
    }

    @Test
    void separatorsBeforeTheCutAreDropped() {
        String text = "a".repeat(200) + ";  " + "b".repeat(100);
        assertEquals("a".repeat(200) + "...", Annotation.fit(text));
    }

    @Test
    void blankIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Annotation.fit(" "));
    }
}
