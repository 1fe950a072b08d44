package io.github.stalekeys.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The verdict over generated accounts and clocks (a seeded generator, so a failure names the case and
 * repeats): never non-compliant when every active key had activity within the threshold, never compliant when
 * an active key had none, whatever the statuses, the boundary, a skewed clock or the exemptions.
 */
class StaleKeyPolicyPropertiesTest {

    private static final int TRIES = 20_000;
    private static final long SEED = 20261128L;

    @Test
    void theVerdictAgreesWithAnIndependentOracle() {
        Random random = new Random(SEED);
        for (int trial = 0; trial < TRIES; trial++) {
            Instant now = Instant.parse("2015-04-22T00:00:00Z").plusSeconds(random.nextLong(15L * 365 * 86_400));
            int days = threshold(random);
            List<AccessKeyActivity> keys = keys(random, now, days);
            String tagKey = random.nextInt(4) == 0 ? "KeyRotationExempt" : null;
            boolean listed = random.nextInt(10) == 0;
            Map<String, String> tags = tagKey != null && random.nextBoolean()
                    ? Map.of(tagKey, random.nextBoolean() ? "false" : "CHG-1")
                    : Map.of();
            IamUser user = new IamUser("AIDAPROPERTY00000001", "user-" + trial);
            Exemptions exemptions =
                    Exemptions.parse("exemptUsers", listed ? user.userName() : "other", "exemptionTagKey", tagKey);
            StaleKeyPolicy policy =
                    new StaleKeyPolicy(new MaxKeyAge(days), exemptions, Clock.fixed(now, ZoneOffset.UTC));
            String description = "trial " + trial + " (seed " + SEED + "): now " + now + ", " + days + " days, keys "
                    + keys + ", listed " + listed + ", tags " + tags + " on " + tagKey;

            UserVerdict verdict = policy.judge(user, keys, u -> tags);

            boolean anyStale = keys.stream()
                    .anyMatch(key -> key.status() == KeyStatus.ACTIVE
                            && Duration.between(key.lastActivity(), now).compareTo(Duration.ofDays(days)) > 0);
            // Tags are consulted only for a user who would otherwise fail (README: a periodic run must not cost a
            // tag call per user), so a tagged user without a stale key is simply compliant.
            boolean exempt = listed
                    || (anyStale && tagKey != null && tags.containsKey(tagKey) && !"false".equals(tags.get(tagKey)));
            if (exempt) {
                assertEquals(Compliance.NOT_APPLICABLE, verdict.compliance(), description);
            } else if (anyStale) {
                assertEquals(Compliance.NON_COMPLIANT, verdict.compliance(), description);
                assertEquals(
                        keys.stream()
                                .filter(key -> key.status() == KeyStatus.ACTIVE
                                        && Duration.between(key.lastActivity(), now)
                                                        .compareTo(Duration.ofDays(days))
                                                > 0)
                                .toList(),
                        verdict.staleKeys().stream().map(KeyAssessment::key).toList(),
                        description);
            } else {
                assertEquals(Compliance.COMPLIANT, verdict.compliance(), description);
            }
            if (!anyStale) {
                assertNotEquals(Compliance.NON_COMPLIANT, verdict.compliance(), description);
            }
            assertEquals(
                    true,
                    verdict.annotation().length() <= 256
                            && !verdict.annotation().isEmpty(),
                    description);
        }
    }

    private static int threshold(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> MaxKeyAge.MIN_DAYS;
            case 1 -> MaxKeyAge.MAX_DAYS;
            default -> 1 + random.nextInt(400);
        };
    }

    /** 0..2 keys, with last activity on, just inside, just beyond or far from the threshold, or in the future. */
    private static List<AccessKeyActivity> keys(Random random, Instant now, int days) {
        List<AccessKeyActivity> keys = new ArrayList<>();
        int count = random.nextInt(3);
        for (int k = 0; k < count; k++) {
            Duration limit = Duration.ofDays(days);
            Duration ago = switch (random.nextInt(7)) {
                case 0 -> limit;
                case 1 -> limit.minusSeconds(1);
                case 2 -> limit.plusSeconds(1);
                case 3 -> limit.plusMillis(1);
                case 4 -> Duration.ofSeconds(-random.nextInt(86_400)); // clock skew: activity "in the future"
                default -> Duration.ofSeconds(random.nextLong(2L * days * 86_400 + 1));
            };
            Instant activity = now.minus(ago);
            KeyStatus status = KeyStatus.values()[random.nextInt(10) < 7 ? 0 : 1 + random.nextInt(3)];
            boolean neverUsed = random.nextBoolean();
            String id = "AKIAPROPERTY" + trialKey(k);
            keys.add(
                    neverUsed
                            ? new AccessKeyActivity(id, status, activity, Optional.empty())
                            : new AccessKeyActivity(
                                    id,
                                    status,
                                    activity.minus(Duration.ofDays(random.nextInt(1000))),
                                    Optional.of(activity)));
        }
        return keys;
    }

    private static String trialKey(int k) {
        return String.format("%08d", k);
    }
}
