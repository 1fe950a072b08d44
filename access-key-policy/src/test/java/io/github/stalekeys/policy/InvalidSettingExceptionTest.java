package io.github.stalekeys.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InvalidSettingExceptionTest {

    @Test
    void anEchoedValueIsQuotedWithControlCharactersEscaped() {
        assertEquals("'alice\\nINFO forged\\t\\u0000\\\\'", InvalidSettingException.echo("alice\nINFO forged\t\0\\"));
        assertEquals("'\\u202e'", InvalidSettingException.echo("\u202e"), "a bidi override is shown, not applied");
    }

    @Test
    void aLongValueIsCutAndItsLengthGiven() {
        String echoed = InvalidSettingException.echo("A".repeat(200_000));

        assertEquals("'" + "A".repeat(64) + "'... (200000 characters)", echoed);
        assertEquals("'" + "A".repeat(64) + "'", InvalidSettingException.echo("A".repeat(64)));
    }

    @Test
    void anAbsentValueSaysSo() {
        assertEquals("nothing", InvalidSettingException.echo(null));
    }

    @org.junit.jupiter.api.Test
    void lineAndParagraphSeparatorsNelBidiAndZeroWidthMarksAreEscaped() {
        org.junit.jupiter.api.Assertions.assertEquals(
                "'a\\u2028b\\u2029c\\u0085d\\u202ee\\u200bf'",
                InvalidSettingException.echo("a\u2028b\u2029c\u0085d\u202ee\u200bf"));
    }
}
