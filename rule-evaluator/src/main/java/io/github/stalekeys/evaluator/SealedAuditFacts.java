package io.github.stalekeys.evaluator;

import io.github.stalekeys.audit.AuditTrail;
import io.github.stalekeys.findings.KeyLifecycle;
import io.github.stalekeys.keychange.AuditLedger;
import io.github.stalekeys.keychange.AuditRecord;
import io.github.stalekeys.policy.BackoutGrace;
import io.github.stalekeys.policy.IamUser;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * What the sealed audit records say of a key, for its finding: read through the same {@link AuditTrail} the grace
 * is read from (only records the remediation sealed count), once per user and run, and only when asked (a key
 * entering the disabled or restored state). A record that cannot be verified now says nothing.
 */
final class SealedAuditFacts implements KeyLifecycle.AuditFacts {

    private final Optional<AuditTrail> trail;
    private final Function<IamUser, Map<String, String>> tags;
    private final Clock clock;
    private final Map<String, AuditLedger> ledgers = new ConcurrentHashMap<>();

    SealedAuditFacts(Optional<AuditTrail> trail, Function<IamUser, Map<String, String>> tags, Clock clock) {
        this.trail = Objects.requireNonNull(trail, "trail");
        this.tags = Objects.requireNonNull(tags, "tags");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<String> disabledBy(IamUser user, String accessKeyId) {
        return ledger(user).latestHolding(accessKeyId).map(AuditRecord::executionId);
    }

    @Override
    public Optional<BackoutGrace.Grant> grace(IamUser user, String accessKeyId) {
        return ledger(user).graceGrants().stream()
                .filter(grant -> grant.accessKeyId().equals(accessKeyId))
                .filter(grant -> clock.instant().isBefore(grant.until()))
                .max((a, b) -> a.until().compareTo(b.until()));
    }

    private AuditLedger ledger(IamUser user) {
        if (trail.isEmpty()) {
            return AuditLedger.EMPTY;
        }
        return ledgers.computeIfAbsent(user.userId(), id -> {
            try {
                return trail.get().read(user, tags.apply(user));
            } catch (SdkException notVerified) {
                return AuditLedger.EMPTY;
            }
        });
    }
}
