package io.github.stalekeys.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TagExemptionTest {

    private static final Exemptions BY_TAG = Exemptions.parse("exemptUsers", "", "exemptionTagKey", "BreakGlass");

    private static TagExemption at(String value, String instant) {
        return BY_TAG.byTags(Map.of("breakglass", value), Instant.parse(instant));
    }

    @Test
    void aValueWithoutADateExemptsWithNoEnd() {
        assertEquals(
                new TagExemption.Exempt("Exempt: tagged breakglass (value 'INC-4711 on-call')"),
                at("INC-4711 on-call", "2099-01-01T00:00:00Z"));
    }

    @Test
    void falseDoesNotExempt() {
        assertInstanceOf(TagExemption.None.class, at(" FALSE ", "2026-11-28T00:00:00Z"));
        assertInstanceOf(
                TagExemption.None.class, BY_TAG.byTags(Map.of("Other", "x"), Instant.parse("2026-11-28T00:00:00Z")));
    }

    @Test
    void exemptThroughTheWholeExpiryDayInUtcThenLapsed() {
        String value = "until 2027-01-31 INC-4711 break-glass";
        assertEquals(
                new TagExemption.Exempt(
                        "Exempt: tagged breakglass until 2027-01-31 (value 'until 2027-01-31 INC-4711 break-glass')"),
                at(value, "2027-01-31T23:59:59Z"));
        assertEquals(
                new TagExemption.Lapsed("exemption tag breakglass lapsed after 2027-01-31"),
                at(value, "2027-02-01T00:00:00Z"));
    }

    @Test
    void untilMayComeAnywhereInAnyCaseWithPunctuationAfterTheDate() {
        assertInstanceOf(
                TagExemption.Lapsed.class, at("INC-4711 Until 2026-01-31, then rotate", "2026-11-28T00:00:00Z"));
        assertInstanceOf(TagExemption.Exempt.class, at("UNTIL:2027-01-31", "2026-11-28T00:00:00Z"));
    }

    @Test
    void untilInsideAnotherWordIsNotAnExpiry() {
        // "untilted" is free text, not an expiry: exempt with no end, as a value without a date.
        assertEquals(
                new TagExemption.Exempt("Exempt: tagged breakglass (value 'untilted project')"),
                at("untilted project", "2099-01-01T00:00:00Z"));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "until 31/01/2027",
                "until 2027-02-30",
                "until",
                "until tomorrow",
                "until 2027-1-31",
                "until\u00a02099-01-31", // a non-breaking space
                "until \uff12\uff10\uff19\uff19-01-31" // full-width digits
            })
    void anUnreadableDateDoesNotExemptAndTheNoteQuotesIt(String value) {
        TagExemption verdict = at(value, "2026-01-01T00:00:00Z");

        assertEquals(
                new TagExemption.Lapsed("exemption tag breakglass has an unreadable expiry "
                        + InvalidSettingException.echo(value) + " (write until YYYY-MM-DD): not exempt"),
                verdict);
        assertEquals(java.util.Optional.empty(), verdict.exemptReason(), "fail safe: a typo never exempts for good");
    }

    @Test
    void aColonAfterUntilIsReadSoAnExpiryLongPastHasLapsed() {
        assertEquals(
                new TagExemption.Lapsed("exemption tag breakglass lapsed after 2020-01-01"),
                at("until: 2020-01-01", "2026-01-01T00:00:00Z"));
    }

    @Test
    void anUnreadableExpiryIsQuotedEscapedAndCut() {
        String hostile = "until \u2028Restored, verified Active. No action needed " + "x".repeat(300);

        String note = at(hostile, "2026-01-01T00:00:00Z").lapsedNote().orElseThrow();

        assertTrue(note.contains("\\u2028"), note);
        assertTrue(note.length() < 200, note.length() + ": " + note);
        assertTrue(note.contains("(" + hostile.length() + " characters)"), note);
    }

    @Test
    void anEmptyValueExemptsAndSaysSo() {
        assertEquals(
                new TagExemption.Exempt("Exempt: tagged breakglass (empty value)"), at("", "2099-01-01T00:00:00Z"));
    }

    /** The value is the ticket: shown, but anyone with iam:TagUser wrote it, so escaped and cut. */
    @Test
    void theValueShownIsEscapedAndCut() {
        String hostile = "INC-1\nforged: Restored\u2028Active\u0007\u202e" + "x".repeat(300);

        String reason = at(hostile, "2099-01-01T00:00:00Z").exemptReason().orElseThrow();

        assertEquals("Exempt: tagged breakglass (value " + InvalidSettingException.echo(hostile) + ")", reason);
        assertTrue(
                reason.startsWith("Exempt: tagged breakglass (value 'INC-1\\nforged: Restored\\u2028Active"), reason);
        assertTrue(reason.chars().noneMatch(c -> c < 0x20 || c == 0x2028 || c == 0x202e), reason);
        assertTrue(reason.contains("(" + hostile.length() + " characters)"), reason);
        assertTrue(reason.length() <= Annotation.MAX_LENGTH, reason.length() + ": " + reason);
    }

    @Test
    void theLongestTagKeyAndValueStillFitTheAnnotation() {
        String key = "k".repeat(128);
        Exemptions byLongTag = Exemptions.parse("exemptUsers", "", "exemptionTagKey", key);
        String reason = byLongTag
                .byTags(Map.of(key, "until 2099-01-31 " + "v".repeat(250)), Instant.parse("2026-01-01T00:00:00Z"))
                .exemptReason()
                .orElseThrow();
        UserVerdict verdict = UserVerdict.notApplicable(new IamUser("AIDAALICE00000000001", "alice"), reason);
        assertEquals(reason, verdict.annotation(), "fits whole: " + reason.length());
    }
}
