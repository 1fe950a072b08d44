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
        assertEquals(4, AccessKeyComplianceHandler.liveConcurrency(null));
        assertEquals(4, AccessKeyComplianceHandler.liveConcurrency(" "));
        assertEquals(1, AccessKeyComplianceHandler.liveConcurrency("1"));
        assertEquals(16, AccessKeyComplianceHandler.liveConcurrency("16"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "17", "four", "-2", "2.5", "100"})
    void anythingElseIsRefusedNamingTheVariable(String value) {
        InvalidSettingException error =
                assertThrows(InvalidSettingException.class, () -> AccessKeyComplianceHandler.liveConcurrency(value));
        assertEquals("LIVE_CONFIRMATION_CONCURRENCY", error.settingName());
        assertTrue(error.getMessage().contains("1..16"), error.getMessage());
    }
}
