package io.github.stalekeys.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class WarningScheduleTest {

    @Test
    void defaultWarnsTwoWeeksThenAWeekThenADayAhead() {
        assertEquals(List.of(14, 7, 1), WarningSchedule.DEFAULT.stages());
    }

    @Test
    void stagesBeyondWarningDaysAreLeftOutAndDuplicatesMerged() {
        assertEquals(List.of(3, 1), WarningSchedule.parse("warningDays", "3").stages());
        assertEquals(List.of(7, 1), WarningSchedule.parse("warningDays", "7").stages());
        assertEquals(List.of(1), WarningSchedule.parse("warningDays", "1").stages());
        assertEquals(
                List.of(365, 7, 1),
                WarningSchedule.parse("warningDays", " 365 ").stages());
    }

    @Test
    void zeroTurnsWarningsOff() {
        WarningSchedule off = WarningSchedule.parse("warningDays", "0");
        assertFalse(off.enabled());
        assertEquals(List.of(), off.stages());
        assertTrue(WarningSchedule.DEFAULT.enabled());
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "366", "1e3", "7.5", "", "seven", "99999999999"})
    void badValuesAreRefusedNamingTheSetting(String value) {
        InvalidSettingException error =
                assertThrows(InvalidSettingException.class, () -> WarningSchedule.parse("warningDays", value));
        assertEquals("warningDays", error.settingName());
    }

    @Test
    void frequenciesAreConfigsFiveNames() {
        assertEquals(
                Duration.ofHours(1), EvaluationFrequency.parse("f", "One_Hour").period());
        assertEquals(
                Duration.ofHours(24),
                EvaluationFrequency.parse("f", "TwentyFour_Hours").period());
        InvalidSettingException error = assertThrows(
                InvalidSettingException.class, () -> EvaluationFrequency.parse("evaluationFrequency", "Daily"));
        assertEquals("evaluationFrequency", error.settingName());
        assertTrue(error.getMessage().contains("Three_Hours"), error.getMessage());
    }
}
