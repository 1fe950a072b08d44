package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.policy.InvalidSettingException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LiveConcurrencySettingTest {

    @Test
    void unsetMeansFourAndAWholeNumberIsRead() {
        assertEquals(4, LiveConcurrency.parse(null));
        assertEquals(4, LiveConcurrency.parse(" "));
        assertEquals(1, LiveConcurrency.parse("1"));
        assertEquals(16, LiveConcurrency.parse("16"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "17", "four", "-2", "2.5", "100"})
    void anythingElseIsRefusedNamingTheVariable(String value) {
        InvalidSettingException error = assertThrows(InvalidSettingException.class, () -> LiveConcurrency.parse(value));
        assertEquals("LIVE_CONFIRMATION_CONCURRENCY", error.settingName());
        assertTrue(error.getMessage().contains("1..16"), error.getMessage());
    }
}
