package io.github.stalekeys.findings;

import java.time.Instant;
import java.util.Objects;

/**
 * A finding of ours as Security Hub holds it (active ones only), reduced to what the comparison needs.
 *
 * @param keyCreatedAt when the key was created: matches a credential-report key (which has no id) to its finding
 * @param fingerprint  {@link KeyFinding#fingerprint()} of what was last imported
 * @param detail       the state's sentence as last imported (kept while the state lasts, so no audit read repeats)
 */
public record StoredFinding(
        String id,
        String accessKeyId,
        String userId,
        String userName,
        Instant keyCreatedAt,
        KeyState state,
        String fingerprint,
        String detail,
        Instant createdAt,
        Instant firstObservedAt) {

    public StoredFinding {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(userName, "userName");
        Objects.requireNonNull(keyCreatedAt, "keyCreatedAt");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(fingerprint, "fingerprint");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(firstObservedAt, "firstObservedAt");
    }
}
