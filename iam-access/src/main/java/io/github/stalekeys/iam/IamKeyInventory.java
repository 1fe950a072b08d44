package io.github.stalekeys.iam;

import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.UsageSite;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyLastUsed;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.iam.model.User;

/**
 * Reads one user's access keys and tags live from IAM: the path for single-user evaluations and for
 * remediation, which must re-check each key right before it acts.
 */
public final class IamKeyInventory {

    /** A user as IAM knows it now, with its tags (one {@code GetUser} call gives both). */
    public record TaggedUser(IamUser user, Map<String, String> tags) {

        public TaggedUser {
            tags = Map.copyOf(tags);
        }
    }

    private final IamClient iam;

    public IamKeyInventory(IamClient iam) {
        this.iam = Objects.requireNonNull(iam, "iam");
    }

    /**
     * The user's keys with their last use, or empty when the user does not exist (any more).
     * Last use is looked up for active keys only (one {@code GetAccessKeyLastUsed} each): the verdict
     * ignores the others, and every call counts against IAM's throttle. A key deleted between the
     * listing and the lookup is left out, as it no longer exists.
     */
    public Optional<List<AccessKeyActivity>> keysOf(String userName) {
        return keysOf(userName, createDate -> Optional.empty());
    }

    /**
     * As {@link #keysOf(String)}, but an active key for which {@code knownRecentUse} gives what a credential report
     * says of it (by the key's creation time, which is how the report names keys: its last use, date, service and
     * region, or that it was never used) is not looked up again: last use only moves forward, so a key known not
     * to be stale still is not. Saves one call per such key.
     */
    public Optional<List<AccessKeyActivity>> keysOf(
            String userName, Function<Instant, Optional<AccessKeyActivity>> knownRecentUse) {
        return listed(userName).map(listed -> {
            List<AccessKeyActivity> keys = new ArrayList<>(listed.size());
            for (AccessKeyActivity key : listed) {
                if (key.status() != KeyStatus.ACTIVE) {
                    keys.add(key);
                    continue;
                }
                Optional<AccessKeyActivity> known = knownRecentUse.apply(key.createDate());
                if (known.isPresent()) {
                    keys.add(new AccessKeyActivity(
                            key.accessKeyId(),
                            key.status(),
                            key.createDate(),
                            known.get().lastUsed(),
                            known.get().lastUsedAt()));
                    continue;
                }
                lastUsed(key.accessKeyId())
                        .ifPresent(lastUsed -> keys.add(new AccessKeyActivity(
                                key.accessKeyId(),
                                key.status(),
                                key.createDate(),
                                Optional.ofNullable(lastUsed.lastUsedDate()),
                                UsageSite.recorded(lastUsed.serviceName(), lastUsed.region()))));
            }
            return List.copyOf(keys);
        });
    }

    /**
     * The user's keys as {@code ListAccessKeys} gives them: status and creation, no last use (one call, however
     * many keys); empty when the user does not exist (any more).
     */
    public Optional<List<AccessKeyActivity>> listed(String userName) {
        try {
            return Optional.of(
                    iam.listAccessKeysPaginator(request -> request.userName(userName)).accessKeyMetadata().stream()
                            .map(key -> new AccessKeyActivity(
                                    key.accessKeyId(),
                                    KeyStatus.fromIam(key.statusAsString()),
                                    key.createDate(),
                                    Optional.empty()))
                            .toList());
        } catch (NoSuchEntityException userGone) {
            return Optional.empty();
        }
    }

    /** IAM's last-use record of a key, or empty when the key does not exist. */
    public Optional<AccessKeyLastUsed> lastUsed(String accessKeyId) {
        try {
            return Optional.of(iam.getAccessKeyLastUsed(request -> request.accessKeyId(accessKeyId))
                    .accessKeyLastUsed());
        } catch (NoSuchEntityException keyGone) {
            return Optional.empty();
        }
    }

    /**
     * The user with this name as IAM knows it now: its id (to tell it from an earlier user of the same name)
     * and its tags; empty when there is no such user.
     */
    public Optional<TaggedUser> user(String userName) {
        User user;
        try {
            user = iam.getUser(request -> request.userName(userName)).user();
        } catch (NoSuchEntityException gone) {
            return Optional.empty();
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (Tag tag : user.hasTags() ? user.tags() : List.<Tag>of()) {
            tags.put(tag.key(), tag.value());
        }
        return Optional.of(new TaggedUser(new IamUser(user.userId(), user.userName()), tags));
    }

    /** The user's tags (all pages). A user deleted meanwhile has none. */
    public Map<String, String> tagsOf(IamUser user) {
        Map<String, String> tags = new LinkedHashMap<>();
        try {
            for (Tag tag : iam.listUserTagsPaginator(request -> request.userName(user.userName()))
                    .tags()) {
                tags.put(tag.key(), tag.value());
            }
        } catch (NoSuchEntityException userGone) {
            return Map.of();
        }
        return tags;
    }
}
