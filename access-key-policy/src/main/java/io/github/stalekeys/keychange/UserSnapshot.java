package io.github.stalekeys.keychange;

import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One user as read live, right before a plan is made: the keys (status, creation, last use) and the
 * remediation's records on the user. The plans decide from it alone.
 */
public record UserSnapshot(IamUser user, List<AccessKeyActivity> keys, AuditLedger ledger) {

    public UserSnapshot {
        Objects.requireNonNull(user, "user");
        keys = List.copyOf(keys);
        Objects.requireNonNull(ledger, "ledger");
    }

    /** Each key's status by key id. */
    public Map<String, KeyStatus> statuses() {
        Map<String, KeyStatus> statuses = new LinkedHashMap<>();
        keys.forEach(key -> statuses.putIfAbsent(key.accessKeyId(), key.status()));
        return statuses;
    }

    public Optional<AccessKeyActivity> key(String accessKeyId) {
        return keys.stream()
                .filter(key -> key.accessKeyId().equals(accessKeyId))
                .findFirst();
    }
}
