package io.github.stalekeys.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The verdict over generated accounts and clocks (jqwik: a failure is shrunk to the smallest case and its seed
 * is reported): never non-compliant when every active key had activity within the threshold, never compliant
 * when an active key had none, whatever the statuses, the boundary, a skewed clock or the exemptions.
 */
class StaleKeyPolicyPropertiesTest {

    private static final Instant TRACKING_BEGAN = Instant.parse("2015-04-22T00:00:00Z");
    private static final String TAG_KEY = "KeyRotationExempt";

    /** Where a key's last activity falls relative to the threshold. */
    enum Offset {
        AT_THE_LIMIT,
        A_SECOND_INSIDE,
        A_SECOND_BEYOND,
        A_MILLISECOND_BEYOND,
        IN_THE_FUTURE, // clock skew
        ANYWHERE_WITHIN_TWICE_THE_LIMIT
    }

    /** One generated key; its instants are computed from the clock and threshold of the case. */
    record KeySpec(Offset offset, long spread, KeyStatus status, boolean neverUsed, int createdDaysEarlier) {

        Duration ago(int days) {
            Duration limit = Duration.ofDays(days);
            return switch (offset) {
                case AT_THE_LIMIT -> limit;
                case A_SECOND_INSIDE -> limit.minusSeconds(1);
                case A_SECOND_BEYOND -> limit.plusSeconds(1);
                case A_MILLISECOND_BEYOND -> limit.plusMillis(1);
                case IN_THE_FUTURE -> Duration.ofSeconds(-(spread % 86_400));
                case ANYWHERE_WITHIN_TWICE_THE_LIMIT -> Duration.ofSeconds(spread % (2L * days * 86_400 + 1));
            };
        }

        AccessKeyActivity activity(String id, Instant now, int days) {
            Instant activity = now.minus(ago(days));
            return neverUsed
                    ? new AccessKeyActivity(id, status, activity, Optional.empty())
                    : new AccessKeyActivity(
                            id, status, activity.minus(Duration.ofDays(createdDaysEarlier)), Optional.of(activity));
        }
    }

    /**
     * One generated case.
     *
     * @param secondsAfterTrackingBegan the clock, seconds after IAM began tracking last use
     * @param tagged whether the rule has an exemption tag key; {@code tagValue} is the user's value, if any
     * @param listed whether the user is in {@code exemptUsers}
     */
    record Case(
            long secondsAfterTrackingBegan,
            int days,
            List<KeySpec> keys,
            boolean tagged,
            Optional<String> tagValue,
            boolean listed) {

        Instant now() {
            return TRACKING_BEGAN.plusSeconds(secondsAfterTrackingBegan);
        }

        List<AccessKeyActivity> activities() {
            return IntStream.range(0, keys.size())
                    .mapToObj(k -> keys.get(k).activity(String.format("AKIAPROPERTY%08d", k), now(), days))
                    .toList();
        }

        Map<String, String> tags() {
            return tagged && tagValue.isPresent() ? Map.of(TAG_KEY, tagValue.get()) : Map.of();
        }
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Integer> days = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(MaxKeyAge.MIN_DAYS)),
                Tuple.of(1, Arbitraries.just(MaxKeyAge.MAX_DAYS)),
                Tuple.of(2, Arbitraries.integers().between(1, 400)));
        Arbitrary<KeyStatus> status = Arbitraries.frequency(
                Tuple.of(7, KeyStatus.ACTIVE),
                Tuple.of(1, KeyStatus.INACTIVE),
                Tuple.of(1, KeyStatus.EXPIRED),
                Tuple.of(1, KeyStatus.UNRECOGNIZED));
        Arbitrary<KeySpec> key = Combinators.combine(
                        Arbitraries.of(Offset.class),
                        Arbitraries.longs().between(0, 800L * 86_400),
                        status,
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 999))
                .as(KeySpec::new);
        return Combinators.combine(
                        Arbitraries.longs().between(0, 15L * 365 * 86_400 - 1),
                        days,
                        key.list().ofMaxSize(2),
                        Arbitraries.frequency(Tuple.of(1, true), Tuple.of(3, false)),
                        Arbitraries.of("false", "CHG-1").optional(0.5),
                        Arbitraries.frequency(Tuple.of(1, true), Tuple.of(9, false)))
                .as(Case::new);
    }

    @Property(tries = 5_000)
    void theVerdictAgreesWithAnIndependentOracle(@ForAll("cases") Case c) {
        Instant now = c.now();
        List<AccessKeyActivity> keys = c.activities();
        Map<String, String> tags = c.tags();
        IamUser user = new IamUser("AIDAPROPERTY00000001", "user-under-test");
        Exemptions exemptions = Exemptions.parse(
                "exemptUsers", c.listed() ? user.userName() : "other", "exemptionTagKey", c.tagged() ? TAG_KEY : null);
        StaleKeyPolicy policy =
                new StaleKeyPolicy(new MaxKeyAge(c.days()), exemptions, Clock.fixed(now, ZoneOffset.UTC));
        String description = "now " + now + ", " + c.days() + " days, keys " + keys + ", tags " + tags;

        UserVerdict verdict = policy.judge(user, keys, u -> tags);

        // The oracle, written from the control's words rather than from the policy's code.
        List<AccessKeyActivity> staleByOracle = keys.stream()
                .filter(key -> key.status() == KeyStatus.ACTIVE
                        && Duration.between(key.lastActivity(), now).compareTo(Duration.ofDays(c.days())) > 0)
                .toList();
        boolean anyStale = !staleByOracle.isEmpty();
        // Tags are consulted only for a user who would otherwise fail (README: a periodic run must not cost a
        // tag call per user), so a tagged user without a stale key is simply compliant.
        boolean exempt = c.listed()
                || (anyStale && c.tagged() && tags.containsKey(TAG_KEY) && !"false".equals(tags.get(TAG_KEY)));
        if (exempt) {
            assertEquals(Compliance.NOT_APPLICABLE, verdict.compliance(), description);
        } else if (anyStale) {
            assertEquals(Compliance.NON_COMPLIANT, verdict.compliance(), description);
            assertEquals(
                    staleByOracle,
                    verdict.staleKeys().stream().map(KeyAssessment::key).toList(),
                    description);
        } else {
            assertEquals(Compliance.COMPLIANT, verdict.compliance(), description);
        }
        if (!anyStale) {
            assertNotEquals(Compliance.NON_COMPLIANT, verdict.compliance(), description);
        }
        assertFalse(verdict.annotation().isEmpty(), description);
        assertTrue(verdict.annotation().length() <= 256, description);
    }
}
