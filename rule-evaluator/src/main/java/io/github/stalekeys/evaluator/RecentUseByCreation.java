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
import java.util.function.Function;
import java.util.stream.Collectors;

/** What the credential report already says of a user's keys in recent use, so a live read need not ask again. */
final class RecentUseByCreation {

    private RecentUseByCreation() {}

    /**
     * The report's active keys used within the threshold, by creation time (the report's only name for a key),
     * to the second as the report has it. A creation time two keys share is left out: it names neither.
     */
    static Function<Instant, Optional<Instant>> of(List<AccessKeyActivity> reported, StaleKeyPolicy policy) {
        Map<Instant, Long> keysPerCreation = reported.stream()
                .collect(Collectors.groupingBy(
                        key -> key.createDate().truncatedTo(ChronoUnit.SECONDS), Collectors.counting()));
        Map<Instant, Instant> recentUse = new HashMap<>();
        for (AccessKeyActivity key : reported) {
            Instant created = key.createDate().truncatedTo(ChronoUnit.SECONDS);
            boolean recent = key.status() == KeyStatus.ACTIVE
                    && key.lastUsed().isPresent()
                    && !policy.assess(key).stale();
            if (recent && keysPerCreation.get(created) == 1) {
                recentUse.put(created, key.lastUsed().get());
            }
        }
        return created -> Optional.ofNullable(recentUse.get(created.truncatedTo(ChronoUnit.SECONDS)));
    }
}
