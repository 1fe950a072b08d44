package io.github.stalekeys.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RemediationPlanTest {

    private static final Instant NOW = Instant.parse("2026-11-28T12:00:00Z");
    private final StaleKeyPolicy policy =
            new StaleKeyPolicy(MaxKeyAge.DEFAULT, Exemptions.NONE, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void disablesOnlyActiveStaleKeysAndSaysWhyTheOthersStay() {
        RemediationPlan plan = RemediationPlan.of(
                policy,
                List.of(
                        key("AKIASTALE", KeyStatus.ACTIVE, 400, 143),
                        key("AKIAFRESH", KeyStatus.ACTIVE, 400, 90),
                        key("AKIANEW", KeyStatus.ACTIVE, 10, null),
                        key("AKIAYESTERDAY", KeyStatus.ACTIVE, 400, 1),
                        key("AKIAOFF", KeyStatus.INACTIVE, 900, 800),
                        key("AKIAEXP", KeyStatus.EXPIRED, 900, null)));

        assertEquals(
                List.of("AKIASTALE"),
                plan.toDisable().stream().map(k -> k.key().accessKeyId()).toList());
        assertEquals(
                List.of(
                        new SkippedKey("AKIAFRESH", "used 90 days ago, within the 90-day limit"),
                        new SkippedKey("AKIANEW", "never used but created 10 days ago, within the 90-day limit"),
                        new SkippedKey("AKIAYESTERDAY", "used 1 day ago, within the 90-day limit"),
                        new SkippedKey("AKIAOFF", "not active (status inactive): nothing to disable"),
                        new SkippedKey("AKIAEXP", "not active (status expired): nothing to disable")),
                plan.skipped());
    }

    private static AccessKeyActivity key(String id, KeyStatus status, int createdDaysAgo, Integer usedDaysAgo) {
        return new AccessKeyActivity(
                id,
                status,
                NOW.minus(Duration.ofDays(createdDaysAgo)),
                Optional.ofNullable(usedDaysAgo).map(days -> NOW.minus(Duration.ofDays(days))));
    }
}
