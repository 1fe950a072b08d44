package io.github.stalekeys.findings;

import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.BackoutGrace;
import io.github.stalekeys.policy.Compliance;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyAssessment;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.KeyWarning;
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.policy.UserVerdict;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The finding each key should have, from the rule's verdict on its user, the keys it was drawn from and the findings
 * Security Hub holds. The sealed audit records are read ({@link AuditFacts}) only when a key enters the disabled or
 * restored state, so a run in which nothing changed reads none.
 *
 * <p>Keys the credential report settled come without ids: they are matched to their finding by creation time (as the
 * report itself is matched to keys). A key without an id and without a finding gets none: it has nothing to show.
 */
public final class KeyLifecycle {

    /** What the remediation's sealed records say of a key. */
    public interface AuditFacts {
        /** The remediation execution whose record holds the key disabled, if any. */
        Optional<String> disabledBy(IamUser user, String accessKeyId);

        /** The backout grace sparing the key, if any. */
        Optional<BackoutGrace.Grant> grace(IamUser user, String accessKeyId);
    }

    private final StaleKeyPolicy policy;
    private final Map<String, StoredFinding> stored;
    private final AuditFacts audit;
    private final Set<String> seenKeys = new HashSet<>();
    private final Set<String> seenUsers = new HashSet<>();

    /** @param stored the active findings Security Hub holds, by access key id */
    public KeyLifecycle(StaleKeyPolicy policy, Map<String, StoredFinding> stored, AuditFacts audit) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.stored = Map.copyOf(stored);
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /**
     * The findings of one assessed user's keys.
     *
     * @param gone the user no longer exists: its findings are resolved by {@link #rest()}
     */
    public List<KeyFinding> of(UserVerdict verdict, List<AccessKeyActivity> keys, boolean gone) {
        IamUser user = verdict.user();
        if (gone) {
            return List.of();
        }
        seenUsers.add(user.userId());
        List<KeyFinding> findings = new ArrayList<>();
        for (AccessKeyActivity listed : keys) {
            Optional<AccessKeyActivity> identified = identify(user, listed);
            if (identified.isEmpty()) {
                continue;
            }
            AccessKeyActivity key = identified.get();
            seenKeys.add(key.accessKeyId());
            finding(verdict, key, Optional.ofNullable(stored.get(key.accessKeyId())))
                    .ifPresent(findings::add);
        }
        return findings;
    }

    /** Resolved findings for the keys Security Hub shows that no assessed user has any more. */
    public List<KeyFinding> rest() {
        List<KeyFinding> resolved = new ArrayList<>();
        for (StoredFinding finding : stored.values()) {
            if (seenKeys.contains(finding.accessKeyId())) {
                continue;
            }
            IamUser user = new IamUser(finding.userId(), finding.userName());
            AccessKeyActivity key = new AccessKeyActivity(
                    finding.accessKeyId(), KeyStatus.INACTIVE, finding.keyCreatedAt(), Optional.empty());
            String why = seenUsers.contains(finding.userId())
                    ? "Resolved: the access key was deleted"
                    : "Resolved: the IAM user was deleted";
            resolved.add(new KeyFinding(
                    user,
                    key,
                    KeyState.RESOLVED,
                    why,
                    policy.limits().forKey(key).days(),
                    Optional.empty()));
        }
        return resolved;
    }

    private Optional<AccessKeyActivity> identify(IamUser user, AccessKeyActivity key) {
        if (!key.accessKeyId().isEmpty()) {
            return Optional.of(key);
        }
        Instant created = key.createDate().truncatedTo(ChronoUnit.SECONDS);
        return stored.values().stream()
                .filter(finding -> finding.userId().equals(user.userId()))
                .filter(finding ->
                        finding.keyCreatedAt().truncatedTo(ChronoUnit.SECONDS).equals(created))
                .findFirst()
                .map(finding -> new AccessKeyActivity(
                        finding.accessKeyId(), key.status(), key.createDate(), key.lastUsed(), key.lastUsedAt()));
    }

    private Optional<KeyFinding> finding(UserVerdict verdict, AccessKeyActivity key, Optional<StoredFinding> standing) {
        IamUser user = verdict.user();
        KeyAssessment assessed = policy.assess(key);
        int limit = assessed.limit().days();
        if (key.status() != KeyStatus.ACTIVE) {
            if (standing.isEmpty()) {
                return Optional.empty();
            }
            String detail = standing.get().state() == KeyState.DISABLED
                    ? standing.get().detail()
                    : audit.disabledBy(user, key.accessKeyId())
                            .map(execution -> "Disabled by remediation execution " + execution)
                            .orElse("Disabled (no remediation record names it: disabled by hand or by another tool)");
            return Optional.of(new KeyFinding(user, key, KeyState.DISABLED, detail, limit, Optional.empty()));
        }
        if (verdict.compliance() == Compliance.NOT_APPLICABLE) {
            return standing.map(previous ->
                    new KeyFinding(user, key, KeyState.EXEMPT, verdict.annotation(), limit, Optional.empty()));
        }
        boolean reported = verdict.staleKeys().stream()
                .anyMatch(stale -> stale.key().accessKeyId().equals(key.accessKeyId()));
        if (reported) {
            return Optional.of(new KeyFinding(
                    user,
                    key,
                    KeyState.NON_COMPLIANT,
                    activity(key) + " (limit " + limit + " days)",
                    limit,
                    Optional.empty()));
        }
        if (assessed.stale()) {
            // Stale, active, judged, yet not reported: a backout's grace spares it.
            String detail = standing.filter(previous -> previous.state() == KeyState.RESTORED)
                    .map(StoredFinding::detail)
                    .orElseGet(() -> audit.grace(user, key.accessKeyId())
                            .map(grant -> "Restored by a backout on " + date(grant.restoredAt())
                                    + "; not reported until " + date(grant.until()) + " unless used")
                            .orElse("Restored by a backout; spared while its grace lasts unless used"));
            return Optional.of(new KeyFinding(user, key, KeyState.RESTORED, detail, limit, Optional.empty()));
        }
        List<KeyWarning> upcoming = policy.upcoming(List.of(key));
        if (!upcoming.isEmpty()) {
            return Optional.of(new KeyFinding(
                    user,
                    key,
                    KeyState.WARNED,
                    activity(key) + "; turns non-compliant on "
                            + upcoming.get(0).nonCompliantOn() + " unless used (limit " + limit + " days)",
                    limit,
                    Optional.empty()));
        }
        return standing.map(previous -> new KeyFinding(
                user,
                key,
                KeyState.RESOLVED,
                "Resolved: " + (key.neverUsed() ? "created on " + date(key.createDate()) : activity(key))
                        + ", within the limit of " + limit + " days",
                limit,
                Optional.empty()));
    }

    /** "Last used on 2026-07-09 (s3 in eu-west-1)", "Never used, created on 2026-05-12". */
    static String activity(AccessKeyActivity key) {
        if (key.neverUsed()) {
            return "Never used, created on " + date(key.createDate());
        }
        return "Last used on " + date(key.lastUsed().get())
                + key.lastUsedAt().map(site -> " (" + site + ")").orElse("");
    }

    private static LocalDate date(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }
}
