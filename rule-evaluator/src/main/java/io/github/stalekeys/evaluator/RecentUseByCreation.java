package io.github.stalekeys.evaluator;

import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.StaleKeyPolicy;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the credential report already says of a user's keys that are not stale, so a live read need not ask
 * again: their last use (date, service and region), or that they were never used.
 */
final class RecentUseByCreation {

    private RecentUseByCreation() {}

    /**
     * The report's active keys that are not stale, by creation time (the report's only name for a key), to the
     * second as the report has it. Their last use only moves forward, so a key not stale by the report is not stale
     * now. A creation time two keys share is left out: it names neither; so are those in {@code toConfirm} (keys
     * whose warning the report cannot vouch for).
     */
    static Function<Instant, Optional<AccessKeyActivity>> of(
            List<AccessKeyActivity> reported, StaleKeyPolicy policy, Set<Instant> toConfirm) {
        Map<Instant, Long> keysPerCreation =
                reported.stream().collect(Collectors.groupingBy(RecentUseByCreation::second, Collectors.counting()));
        Map<Instant, AccessKeyActivity> known = new HashMap<>();
        for (AccessKeyActivity key : reported) {
            Instant created = second(key);
            boolean recent =
                    key.status() == KeyStatus.ACTIVE && !policy.assess(key).stale();
            if (recent && keysPerCreation.get(created) == 1 && !toConfirm.contains(created)) {
                known.put(created, key);
            }
        }
        return created -> Optional.ofNullable(known.get(created.truncatedTo(ChronoUnit.SECONDS)));
    }

    static Instant second(AccessKeyActivity key) {
        return key.createDate().truncatedTo(ChronoUnit.SECONDS);
    }
}
