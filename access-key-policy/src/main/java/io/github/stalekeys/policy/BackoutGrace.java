package io.github.stalekeys.policy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Keys a backout restored are left alone for a while: neither reported non-compliant by the rule nor disabled
 * by the remediation until their grace ends, so the quarterly job whose key was restored yesterday does not
 * break again tonight. A key used since its restore is judged by the normal rule (its use is its proof of
 * life), and a grace ends by itself at its date: nothing has to remove it.
 *
 * <p>The grants come from audit records whose authenticity the caller has verified: a user who can tag
 * themselves must not be able to grant their own key a grace.
 */
public final class BackoutGrace {

    public static final int DEFAULT_DAYS = 30;
    public static final int MAX_DAYS = 365;

    /** A backout restored {@code accessKeyId} at {@code restoredAt}; it is spared until {@code until}. */
    public record Grant(String accessKeyId, Instant restoredAt, Instant until) {

        public Grant {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(restoredAt, "restoredAt");
            Objects.requireNonNull(until, "until");
        }
    }

    private final List<Grant> grants;
    private final Clock clock;

    public BackoutGrace(List<Grant> grants, Clock clock) {
        this.grants = List.copyOf(grants);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Parses a grace period in whole days (runbook parameters are strings).
     *
     * @throws InvalidSettingException naming {@code name} unless the value is a whole number in 0..{@value
     *     #MAX_DAYS}
     */
    public static int parseDays(String name, String value) {
        if (value == null || !value.strip().matches("[0-9]{1,3}")) {
            throw new InvalidSettingException(
                    name,
                    "must be a whole number of days in 0.." + MAX_DAYS + ", got "
                            + InvalidSettingException.echo(value));
        }
        int days = Integer.parseInt(value.strip());
        if (days > MAX_DAYS) {
            throw new InvalidSettingException(name, "must be in 0.." + MAX_DAYS + ", got " + days);
        }
        return days;
    }

    /** The grant sparing this key now, if any: in force, and the key not used since it was restored. */
    public Optional<Grant> sparing(AccessKeyActivity key) {
        Instant now = clock.instant();
        return grants.stream()
                .filter(grant -> grant.accessKeyId().equals(key.accessKeyId()))
                .filter(grant -> now.isBefore(grant.until()))
                .filter(grant -> key.lastUsed()
                        .map(used -> !used.isAfter(grant.restoredAt()))
                        .orElse(true))
                .max((a, b) -> a.until().compareTo(b.until()));
    }

    /**
     * The rule's verdict with spared keys taken out: a user whose every stale key is spared is compliant, and
     * the annotation says until when.
     */
    public UserVerdict apply(UserVerdict verdict) {
        if (verdict.compliance() != Compliance.NON_COMPLIANT) {
            return verdict;
        }
        List<KeyAssessment> stillStale = new ArrayList<>();
        List<String> spared = new ArrayList<>();
        for (KeyAssessment stale : verdict.staleKeys()) {
            Optional<Grant> grant = sparing(stale.key());
            if (grant.isPresent()) {
                spared.add(describe(grant.get()));
            } else {
                stillStale.add(stale);
            }
        }
        if (spared.isEmpty()) {
            return verdict;
        }
        String grace = String.join("; ", spared);
        if (stillStale.isEmpty()) {
            return new UserVerdict(verdict.user(), Compliance.COMPLIANT, grace, List.of());
        }
        // The spared keys first: the stale ones come last, next to what to do about them.
        String reasons = stillStale.stream().map(KeyAssessment::describeByDate).collect(Collectors.joining("; "));
        return verdict.rejudged(
                Compliance.NON_COMPLIANT,
                grace + "; " + reasons + " (limit " + stillStale.get(0).limit().days() + " days)",
                stillStale);
    }

    /** The remediation's plan with spared keys moved from "disable" to "left alone", with the reason. */
    public RemediationPlan apply(RemediationPlan plan) {
        List<KeyAssessment> toDisable = new ArrayList<>();
        List<SkippedKey> skipped = new ArrayList<>(plan.skipped());
        for (KeyAssessment stale : plan.toDisable()) {
            Optional<Grant> grant = sparing(stale.key());
            if (grant.isPresent()) {
                skipped.add(new SkippedKey(
                        stale.key().accessKeyId(),
                        "restored by a backout on "
                                + date(grant.get().restoredAt()) + ", not used since; left alone until "
                                + date(grant.get().until())));
            } else {
                toDisable.add(stale);
            }
        }
        return new RemediationPlan(toDisable, skipped);
    }

    private static String describe(Grant grant) {
        return grant.accessKeyId() + " restored by a backout on " + date(grant.restoredAt()) + ": not reported until "
                + date(grant.until()) + " unless used";
    }

    private static LocalDate date(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }
}
