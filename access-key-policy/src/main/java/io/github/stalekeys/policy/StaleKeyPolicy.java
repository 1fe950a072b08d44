package io.github.stalekeys.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Decides whether a user's access keys have gone unused too long. The one place the verdict is made:
 * the Config rule and the remediation both ask it, so they can never disagree.
 *
 * <p>Only {@link KeyStatus#ACTIVE} keys count. A key's last activity is its last use, or its creation
 * when it was never used. A key is stale when its last activity lies <em>more</em> than the threshold
 * back: idle for exactly the threshold is still compliant.
 */
public final class StaleKeyPolicy {

    /** Looks up a user's tags; called only when an exemption tag is configured and the user would fail. */
    @FunctionalInterface
    public interface TagLookup {
        Map<String, String> tagsOf(IamUser user);
    }

    private final MaxKeyAge maxKeyAge;
    private final Exemptions exemptions;
    private final Clock clock;

    public StaleKeyPolicy(MaxKeyAge maxKeyAge, Exemptions exemptions, Clock clock) {
        this.maxKeyAge = Objects.requireNonNull(maxKeyAge, "maxKeyAge");
        this.exemptions = Objects.requireNonNull(exemptions, "exemptions");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public MaxKeyAge maxKeyAge() {
        return maxKeyAge;
    }

    public Exemptions exemptions() {
        return exemptions;
    }

    /** Judges one key at the policy clock's current instant. */
    public KeyAssessment assess(AccessKeyActivity key) {
        return assess(key, clock.instant());
    }

    private KeyAssessment assess(AccessKeyActivity key, Instant now) {
        Duration idle = Duration.between(key.lastActivity(), now);
        if (idle.isNegative()) {
            idle = Duration.ZERO; // clock skew: activity "in the future" is recent activity
        }
        boolean stale = key.status() == KeyStatus.ACTIVE && idle.compareTo(maxKeyAge.asDuration()) > 0;
        return new KeyAssessment(key, idle, stale, maxKeyAge);
    }

    /** The active keys that are stale now, in the order given. */
    public List<KeyAssessment> staleKeys(Collection<AccessKeyActivity> keys) {
        Instant now = clock.instant();
        return keys.stream()
                .map(key -> assess(key, now))
                .filter(KeyAssessment::stale)
                .toList();
    }

    /**
     * The verdict on a user: exempt users are {@code NOT_APPLICABLE}; otherwise {@code NON_COMPLIANT} when any
     * active key is stale, {@code COMPLIANT} when none is (including a user without keys).
     *
     * @param tags consulted only for a user who would otherwise be non-compliant, so a whole-account run
     *             does not cost one tag call per user
     */
    public UserVerdict judge(IamUser user, Collection<AccessKeyActivity> keys, TagLookup tags) {
        Optional<String> listed = exemptions.byIdentity(user);
        if (listed.isPresent()) {
            return UserVerdict.notApplicable(user, listed.get());
        }
        List<KeyAssessment> stale = staleKeys(keys);
        if (stale.isEmpty()) {
            return new UserVerdict(user, Compliance.COMPLIANT, compliantAnnotation(keys), List.of());
        }
        if (exemptions.usesTag()) {
            Optional<String> tagged = exemptions.byTags(tags.tagsOf(user));
            if (tagged.isPresent()) {
                return UserVerdict.notApplicable(user, tagged.get());
            }
        }
        String reasons = stale.stream().map(KeyAssessment::describeByDate).collect(Collectors.joining("; "));
        return new UserVerdict(
                user, Compliance.NON_COMPLIANT, reasons + " (limit " + maxKeyAge.days() + " days)", stale);
    }

    private String compliantAnnotation(Collection<AccessKeyActivity> keys) {
        long active =
                keys.stream().filter(key -> key.status() == KeyStatus.ACTIVE).count();
        if (active == 0) {
            return "No active access keys";
        }
        return (active == 1 ? "The active access key was" : "All " + active + " active access keys were")
                + " used or created within " + maxKeyAge.days() + " days";
    }
}
