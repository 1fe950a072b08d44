package io.github.stalekeys.configrule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RefreshPeriodTest {

    private static final Instant FIRST_RUN = Instant.parse("2026-11-01T06:00:00Z");

    private static List<String> userIds(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> String.format("AIDA%016d", i * 7919L))
                .toList();
    }

    @Test
    void aResultIsDueOnceItReachesThePeriodWhateverItsDay() {
        RefreshPeriod period = new RefreshPeriod(30);
        for (String id : userIds(200)) {
            assertTrue(period.due(id, FIRST_RUN, FIRST_RUN.plus(Duration.ofDays(30))), id);
            assertFalse(period.due(id, FIRST_RUN, FIRST_RUN.plus(Duration.ofDays(1))), id);
        }
    }

    @Test
    void ageCountsInCalendarDaysSoADailyRunALittleEarlierIsStillADayLater() {
        RefreshPeriod daily = new RefreshPeriod(1);
        assertTrue(daily.due("AIDAEXAMPLE000000001", FIRST_RUN, FIRST_RUN.plus(Duration.ofHours(23))));
        assertFalse(daily.due("AIDAEXAMPLE000000001", FIRST_RUN, FIRST_RUN.plus(Duration.ofHours(17))));
    }

    @Test
    void refreshesAfterAFirstRunThatRecordedEverythingAreSpreadOverTheCycle() {
        RefreshPeriod period = new RefreshPeriod(30);
        List<String> ids = userIds(5000);
        Map<String, Instant> recorded = new HashMap<>();
        ids.forEach(id -> recorded.put(id, FIRST_RUN));
        int total = 0;
        int busiest = 0;
        for (int day = 1; day <= 90; day++) {
            Instant now = FIRST_RUN.plus(Duration.ofDays(day));
            int refreshed = 0;
            for (String id : ids) {
                if (period.due(id, recorded.get(id), now)) {
                    recorded.put(id, now);
                    refreshed++;
                }
            }
            busiest = Math.max(busiest, refreshed);
            total += refreshed;
            for (String id : ids) {
                long age = Duration.between(recorded.get(id), now).toDays();
                assertTrue(age < 30, id + " stood " + age + " days on day " + day);
            }
        }
        // 5,000 results over a 30-day cycle: about 167 a day; a tenth more for hash unevenness.
        assertTrue(busiest <= 5000 / 30 * 2, "busiest day " + busiest);
        assertEquals(5000 * 3, total, 5000 * 3 / 10.0, "about three refreshes each in 90 days: " + total);
    }

    @Test
    void periodsOutsideOneToSixtyDaysAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RefreshPeriod(0));
        assertThrows(IllegalArgumentException.class, () -> new RefreshPeriod(61));
    }
}
