package io.github.stalekeys.configrule;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * How long an unchanged result may stand before a periodic run posts it again, so that what reads Config's
 * results (Security Hub findings, conformance pack scores) sees it confirmed.
 *
 * <p>Ages count in UTC calendar days from the result's {@code ResultRecordedTime}. Refreshes are spread: each
 * resource has its own day in the cycle (from a stable hash of its id), and is refreshed on that day once its
 * result is at least {@value #SLOT_MIN_AGE_DAYS} days old; whatever its day, a result is refreshed at the
 * latest when it is {@code days} old. So when every result was recorded on the same day (the first run), the
 * refreshes fall evenly over the following cycle instead of all on one day.
 *
 * @param days the longest a result may stand unchanged; 1 re-posts every result once a day
 */
public record RefreshPeriod(int days) {

    public static final int MIN_DAYS = 1;
    /** Security Hub deletes a finding not updated in 90 days: stay well inside that. */
    public static final int MAX_DAYS = 60;

    public static final RefreshPeriod DEFAULT = new RefreshPeriod(30);
    static final int SLOT_MIN_AGE_DAYS = 2;

    public RefreshPeriod {
        if (days < MIN_DAYS || days > MAX_DAYS) {
            throw new IllegalArgumentException("refresh period must be " + MIN_DAYS + ".." + MAX_DAYS + " days");
        }
    }

    /** Whether a result on {@code resourceId} recorded at {@code recorded} should be posted again {@code now}. */
    public boolean due(String resourceId, Instant recorded, Instant now) {
        long today = LocalDate.ofInstant(now, ZoneOffset.UTC).toEpochDay();
        long age = today - LocalDate.ofInstant(recorded, ZoneOffset.UTC).toEpochDay();
        if (age >= days) {
            return true;
        }
        return age >= SLOT_MIN_AGE_DAYS && Math.floorMod(resourceId.hashCode(), days) == Math.floorMod(today, days);
    }
}
