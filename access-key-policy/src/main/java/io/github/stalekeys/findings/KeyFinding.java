package io.github.stalekeys.findings;

import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyOwner;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * What Security Hub should show for one access key: its user, what IAM knows of it, its state and why.
 *
 * @param detail    one sentence on the state, stable from one run to the next while nothing changes (dates, never
 *                  counts of days)
 * @param limitDays the limit the key is judged against
 * @param owner     who owns the key, when known (read only for findings that are imported)
 */
public record KeyFinding(
        IamUser user, AccessKeyActivity key, KeyState state, String detail, int limitDays, Optional<KeyOwner> owner) {

    /** Within ASFF's 2,048 characters of a product field, with room for the description around it. */
    public static final int MAX_DETAIL = 900;

    public KeyFinding {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(owner, "owner");
        // Bounded and on one line here, so what is stored in Security Hub reads back exactly as it was computed.
        detail = detail.replaceAll("\\p{Cntrl}", " ");
        if (detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL - 3) + "...";
        }
        if (key.accessKeyId().isEmpty()) {
            throw new IllegalArgumentException("a finding needs the key id");
        }
    }

    public KeyFinding withOwner(KeyOwner known) {
        return new KeyFinding(user, key, state, detail, limitDays, Optional.of(known));
    }

    /**
     * A digest of everything the finding says except its timestamps and owner: two runs that see the same key the
     * same way compute the same fingerprint, so an unchanged key is not imported again.
     */
    public String fingerprint() {
        String canonical = String.join(
                "\n",
                state.name(),
                key.accessKeyId(),
                user.userId(),
                user.userName(),
                key.status().name(),
                key.createDate().getEpochSecond() + "",
                key.lastUsed().map(used -> used.getEpochSecond() + "").orElse("-"),
                key.lastUsedAt().map(Object::toString).orElse("-"),
                detail,
                Integer.toString(limitDays));
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 32);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("SHA-256 is part of every JDK", impossible);
        }
    }
}
