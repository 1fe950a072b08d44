package io.github.stalekeys.policy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides whether a user's access keys have gone unused too long. The one place the verdict is made:
 * the Config rule and the remediation both ask it, so they can never disagree.
 *
 * <p>Only {@link KeyStatus#ACTIVE} keys count. A key's last activity is its last use, or its creation
 * when it was never used. A key is stale when its last activity lies <em>more</em> than its limit back
 * (never-used keys may have a limit of their own): unused for exactly the limit is still compliant.
 *
 * <p>It also says which keys are close to their limit ({@link WarningSchedule}), for the annotation and for
 * the warnings sent to key owners.
 */
public final class StaleKeyPolicy {

    /** Looks up a user's tags; called only when an exemption tag is configured and the user would fail. */
    @FunctionalInterface
    public interface TagLookup {
        Map<String, String> tagsOf(IamUser user);
    }

    private final KeyAgeLimits limits;
    private final WarningSchedule warnings;
    private final Exemptions exemptions;
    private final Clock clock;

    /** One limit for every key, no warnings. */
    public StaleKeyPolicy(MaxKeyAge maxKeyAge, Exemptions exemptions, Clock clock) {
        this(KeyAgeLimits.same(maxKeyAge), WarningSchedule.OFF, exemptions, clock);
    }

    public StaleKeyPolicy(KeyAgeLimits limits, WarningSchedule warnings, Exemptions exemptions, Clock clock) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.warnings = Objects.requireNonNull(warnings, "warnings");
        this.exemptions = Objects.requireNonNull(exemptions, "exemptions");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The clock it judges by. */
    public Clock clock() {
        return clock;
    }

    /** This policy judging by {@code other}: e.g. a clock stopped at a run's start, so one run judges at one moment. */
    public StaleKeyPolicy withClock(Clock other) {
        return new StaleKeyPolicy(limits, warnings, exemptions, other);
    }

    public MaxKeyAge maxKeyAge() {
        return limits.used();
    }

    public KeyAgeLimits limits() {
        return limits;
    }

    public WarningSchedule warnings() {
        return warnings;
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
        MaxKeyAge limit = limits.forKey(key);
        boolean stale = key.status() == KeyStatus.ACTIVE && idle.compareTo(limit.asDuration()) > 0;
        return new KeyAssessment(key, idle, stale, limit);
    }

    /** The instant after which an active key is stale unless used meanwhile: its last activity plus its limit. */
    private Instant staleAfter(AccessKeyActivity key) {
        return key.lastActivity().plus(limits.forKey(key).asDuration());
    }

    /**
     * The warnings a periodic run at {@code at} announces: for each active key not stale at {@code at}, the latest
     * stage it has reached by then ({@code daysBefore} days before it turns non-compliant), unless it had reached
     * that stage already at {@code since}, the instant of the user's last recorded result (empty: none is
     * recorded, so the stage reached is news). Judged from one set of key data at both instants, so a key used
     * in between has reached no stage at either. Announcing re-records the user at {@code at}, so the next run
     * compares with this one: each stage is announced once however the runs fall (two on a day, a day skipped,
     * where the latest stage reached is announced, not each one passed).
     */
    public List<KeyWarning> warningsReached(Collection<AccessKeyActivity> keys, Optional<Instant> since, Instant at) {
        List<KeyWarning> reached = new ArrayList<>();
        for (AccessKeyActivity key : keys) {
            if (key.status() != KeyStatus.ACTIVE || assess(key, at).stale()) {
                continue;
            }
            Optional<Integer> now = stageAt(key, at);
            if (now.isEmpty()) {
                continue;
            }
            Optional<Integer> before = since.flatMap(instant -> stageAt(key, instant));
            if (before.isEmpty() || now.get() < before.get()) {
                reached.add(new KeyWarning(key, now.get(), staleAfter(key), limits.forKey(key)));
            }
        }
        return reached;
    }

    /** The latest stage (fewest days before the limit) whose moment lies at or before {@code instant}. */
    private Optional<Integer> stageAt(AccessKeyActivity key, Instant instant) {
        Instant staleAfter = staleAfter(key);
        Optional<Integer> reached = Optional.empty();
        for (int daysBefore : stagesWithin(limits.forKey(key))) {
            if (!staleAfter.minus(Duration.ofDays(daysBefore)).isAfter(instant)) {
                reached = Optional.of(daysBefore); // stages come earliest first: the last one passed wins
            }
        }
        return reached;
    }

    /** The stages shorter than the limit: a stage as long as the limit would warn the moment a key is used. */
    private List<Integer> stagesWithin(MaxKeyAge limit) {
        return warnings.stages().stream().filter(days -> days < limit.days()).toList();
    }

    /**
     * The active keys within {@code warningDays} of their limit now (not yet stale), soonest first, each with
     * the latest stage it has reached.
     */
    public List<KeyWarning> upcoming(Collection<AccessKeyActivity> keys) {
        if (!warnings.enabled()) {
            return List.of();
        }
        Instant now = clock.instant();
        List<KeyWarning> upcoming = new ArrayList<>();
        for (AccessKeyActivity key : keys) {
            if (key.status() != KeyStatus.ACTIVE || assess(key, now).stale()) {
                continue;
            }
            stageAt(key, now)
                    .ifPresent(
                            reached -> upcoming.add(new KeyWarning(key, reached, staleAfter(key), limits.forKey(key))));
        }
        upcoming.sort(Comparator.comparing(KeyWarning::nonCompliantAfter));
        return upcoming;
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
            List<KeyWarning> upcoming = upcoming(keys);
            // No key id: a periodic run reads most users from the credential report, which has none, and the
            // annotation must read the same whichever way the user was read.
            String annotation = upcoming.isEmpty()
                    ? compliantAnnotation(keys)
                    : "An active access key turns non-compliant on "
                            + upcoming.get(0).nonCompliantOn() + " unless used (" + limits.describe() + ")";
            return new UserVerdict(user, Compliance.COMPLIANT, annotation, List.of());
        }
        Optional<String> lapsed = Optional.empty();
        if (exemptions.usesTag()) {
            TagExemption tagged = exemptions.byTags(tags.tagsOf(user), clock.instant());
            if (tagged.exemptReason().isPresent()) {
                return UserVerdict.notApplicable(user, tagged.exemptReason().get());
            }
            lapsed = tagged.lapsedNote();
        }
        // A lapsed exemption goes first: the annotation may be cut at 256 characters, and it explains the change.
        List<Annotation.Part> parts = new ArrayList<>();
        lapsed.ifPresent(note -> parts.add(Annotation.Part.essential(note + "; ")));
        for (KeyAssessment key : stale) {
            String separator = key == stale.get(0) ? "" : "; ";
            parts.add(Annotation.Part.essential(separator + key.describeByDate()));
            // Where the key was last used, when it fits Config's 256 characters: the first detail to go.
            key.key()
                    .lastUsedAt()
                    .ifPresent(site -> parts.add(
                            Annotation.Part.optional(Annotation.Detail.LAST_USE_SITE, ", last used with " + site)));
        }
        parts.add(Annotation.Part.essential(" (" + limits.describe() + ")"));
        return new UserVerdict(user, Compliance.NON_COMPLIANT, List.copyOf(parts), stale, Optional.of(remedy()));
    }

    /** What a non-compliant annotation says to do: rotate or delete the keys, or add the exemption tag. */
    public Remedy remedy() {
        return new Remedy(exemptions.tagKey());
    }

    private String compliantAnnotation(Collection<AccessKeyActivity> keys) {
        long active =
                keys.stream().filter(key -> key.status() == KeyStatus.ACTIVE).count();
        if (active == 0) {
            return "No active access keys";
        }
        return (active == 1 ? "The active access key was" : "All " + active + " active access keys were")
                + " used or created within " + limits.used().days() + " days";
    }
}
