package io.github.stalekeys.policy;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The policy's judgement of one key.
 *
 * @param key      the key judged
 * @param idleTime time since the key's last activity (zero when that lies in the future)
 * @param stale    whether the key is active and unused for longer than the threshold
 * @param limit    the threshold it was judged against
 */
public record KeyAssessment(AccessKeyActivity key, Duration idleTime, boolean stale, MaxKeyAge limit) {

    /** Whole days since the key's last activity, as people count them in an annotation. */
    public long idleDays() {
        return idleTime.toDays();
    }

    /** A short, human-readable account of how long the key has been unused, e.g. "AKIA... unused 143 days". */
    public String describe() {
        return (key.accessKeyId().isEmpty() ? "an access key" : key.accessKeyId()) + " " + disuse();
    }

    /**
     * When the key was last active, as a date, e.g. "AKIA... unused since 2026-07-09" or "AKIA... never used, created
     * 2026-05-12" (UTC): unlike a count of days it does not change by itself from one day to the next, so an
     * annotation built from it changes only when the key does.
     */
    public String describeByDate() {
        LocalDate date = LocalDate.ofInstant(key.lastActivity(), ZoneOffset.UTC);
        return (key.accessKeyId().isEmpty() ? "an access key" : key.accessKeyId())
                + (key.neverUsed() ? " never used, created " + date : " unused since " + date);
    }

    /** As {@link #describeByDate()}, with where IAM saw the key last used: "..., last used with s3 in eu-west-1". */
    public String describeByDateAndSite() {
        return describeByDate()
                + key.lastUsedAt().map(site -> ", last used with " + site).orElse("");
    }

    /**
     * How long the key has been unused, alone, e.g. "unused 143 days" or "never used, created 200 days ago". A key stale by hours
     * reads "unused over 90 days", not "unused 90 days" next to a limit of 90.
     */
    public String disuse() {
        String age = stale && idleDays() == limit.days() ? "over " + days(idleDays()) : days(idleDays());
        return key.neverUsed() ? "never used, created " + (idleDays() == 0 ? "today" : age + " ago") : "unused " + age;
    }

    /** "1 day", "143 days". */
    public static String days(long count) {
        return count == 1 ? "1 day" : count + " days";
    }

    /** "today", "1 day ago", "143 days ago". */
    public static String ago(long days) {
        return days == 0 ? "today" : days(days) + " ago";
    }
}
