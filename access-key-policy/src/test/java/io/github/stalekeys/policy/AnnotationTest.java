package io.github.stalekeys.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
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

    // Composed annotations: optional details are dropped whole, the exemption hint before the action, and only
    // when the whole would not fit 256 characters (PutEvaluations Annotation: 1..256 characters,
    // https://docs.aws.amazon.com/config/latest/APIReference/API_Evaluation.html).

    private static List<Annotation.Part> parts(int essentialLength, String action, String hint) {
        return List.of(
                Annotation.Part.essential("e".repeat(essentialLength)),
                Annotation.Part.optional(Annotation.Detail.ACTION, action),
                Annotation.Part.optional(Annotation.Detail.EXEMPTION_HINT, hint));
    }

    @Test
    void everyPartIsKeptWhenTheWholeFitsExactly() {
        String action = ". Fix: rotate or delete the key";
        String hint = ", or tag the user X";
        String composed = Annotation.compose(parts(256 - action.length() - hint.length(), action, hint));
        assertEquals(Annotation.MAX_LENGTH, composed.length());
        assertTrue(composed.endsWith(action + hint), composed);
    }

    @Test
    void oneCharacterOverDropsTheExemptionHintFirstAndKeepsTheAction() {
        String action = ". Fix: rotate or delete the key";
        String hint = ", or tag the user X";
        int essential = 257 - action.length() - hint.length();
        assertEquals("e".repeat(essential) + action, Annotation.compose(parts(essential, action, hint)));
    }

    @Test
    void theHintIsDroppedFirstWhereverItStands() {
        List<Annotation.Part> hintFirst = List.of(
                Annotation.Part.optional(Annotation.Detail.EXEMPTION_HINT, "h".repeat(10) + " "),
                Annotation.Part.essential("e".repeat(250)),
                Annotation.Part.optional(Annotation.Detail.ACTION, " act"));
        assertEquals("e".repeat(250) + " act", Annotation.compose(hintFirst));
    }

    @Test
    void theActionGoesOnlyWhenTheEssentialPartAloneIsLeftToFit() {
        String action = ". Fix: rotate or delete the key";
        int essential = 257 - action.length();
        assertEquals("e".repeat(essential), Annotation.compose(parts(essential, action, ", or tag the user X")));
        assertEquals(
                "e".repeat(essential - 1) + action,
                Annotation.compose(parts(essential - 1, action, ", or tag the user X")));
    }

    @Test
    void anEssentialPartLongerThanTheLimitIsCutAfterEveryDetailIsDropped() {
        String composed = Annotation.compose(parts(300, " act", " hint"));
        assertEquals("e".repeat(Annotation.MAX_LENGTH - 3) + "...", composed);
    }

    @Test
    void detailsAreDroppedInTheDeclaredOrder() {
        assertEquals(
                List.of(Annotation.Detail.LAST_USE_SITE, Annotation.Detail.EXEMPTION_HINT, Annotation.Detail.ACTION),
                List.of(Annotation.Detail.values()));
    }
}
