package io.github.stalekeys.policy;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known of one access key: its status, when it was created and, if ever, when it was last used.
 *
 * @param accessKeyId the key id, or empty when the source (the credential report) does not carry it
 * @param status      the key's status
 * @param createDate  when the key was created
 * @param lastUsed    when the key was last used; empty when IAM has no record of any use
 * @param lastUsedAt  the service and region of that last use, when IAM recorded them
 */
public record AccessKeyActivity(
        String accessKeyId,
        KeyStatus status,
        Instant createDate,
        Optional<Instant> lastUsed,
        Optional<UsageSite> lastUsedAt) {

    public AccessKeyActivity {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createDate, "createDate");
        Objects.requireNonNull(lastUsed, "lastUsed");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        if (lastUsed.isEmpty()) {
            lastUsedAt = Optional.empty(); // a site without a use is IAM's placeholder, not a use
        }
    }

    /** A key whose last use is known by date only (or not at all). */
    public AccessKeyActivity(String accessKeyId, KeyStatus status, Instant createDate, Optional<Instant> lastUsed) {
        this(accessKeyId, status, createDate, lastUsed, Optional.empty());
    }

    /** The key's last activity: its last use, or its creation when it was never used. */
    public Instant lastActivity() {
        return lastUsed.orElse(createDate);
    }

    public boolean neverUsed() {
        return lastUsed.isEmpty();
    }
}
