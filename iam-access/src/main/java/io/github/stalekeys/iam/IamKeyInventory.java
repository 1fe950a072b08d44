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
import java.util.stream.Stream;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyLastUsed;
import software.amazon.awssdk.services.iam.model.EntityType;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.iam.model.User;

/**
 * Reads IAM live: one user's access keys and tags (the path for single-user evaluations and for remediation, which
 * must re-check each key right before it acts), and every user of the account with its tags.
 */
public final class IamKeyInventory {

    /** A user as IAM knows it now, with its tags (one {@code GetUser} call gives both). */
    public record TaggedUser(IamUser user, Map<String, String> tags) {

        public TaggedUser {
            tags = Map.copyOf(tags);
        }
    }

    /** A user as the account listing gives it: id, name, creation time and tags. */
    public record ListedUser(IamUser user, Instant created, Map<String, String> tags) {

        public ListedUser {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(created, "created");
            tags = Map.copyOf(tags);
        }
    }

    /** IAM's largest page of GetAccountAuthorizationDetails (and of ListUsers). */
    static final int USERS_PER_PAGE = 1000;

    private final IamClient iam;

    public IamKeyInventory(IamClient iam) {
        this.iam = Objects.requireNonNull(iam, "iam");
    }

    /**
     * Every user of the account with its tags, page by page as the stream is consumed:
     * {@code GetAccountAuthorizationDetails} with {@code Filter=User}, 1,000 users a call. {@code ListUsers} pages
     * as many but leaves the tags out (its User has a Tags member IAM never fills: boto/boto3#1855, aws/aws-cli#4003),
     * which would cost one {@code ListUserTags} per user whose exemption, owner or audit records are read.
     */
    public Stream<ListedUser> everyUser() {
        return iam
                .getAccountAuthorizationDetailsPaginator(
                        request -> request.filter(EntityType.USER).maxItems(USERS_PER_PAGE))
                .userDetailList()
                .stream()
                .map(detail -> new ListedUser(
                        new IamUser(detail.userId(), detail.userName()),
                        detail.createDate(),
                        detail.hasTags() ? tagMap(detail.tags()) : Map.of()));
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
        return listed(userName).map(listed -> withLastUse(listed, knownRecentUse));
    }

    /**
     * Keys as {@link #listed} gave them, with the last use of each active one: from {@code knownRecentUse} where it
     * knows (see {@link #keysOf(String, Function)}), else one {@code GetAccessKeyLastUsed}; a key deleted meanwhile is
     * left out.
     */
    public List<AccessKeyActivity> withLastUse(
            List<AccessKeyActivity> listed, Function<Instant, Optional<AccessKeyActivity>> knownRecentUse) {
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
        return Optional.of(new TaggedUser(
                new IamUser(user.userId(), user.userName()), user.hasTags() ? tagMap(user.tags()) : Map.of()));
    }

    private static Map<String, String> tagMap(List<Tag> tags) {
        Map<String, String> byKey = new LinkedHashMap<>();
        for (Tag tag : tags) {
            byKey.put(tag.key(), tag.value());
        }
        return byKey;
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
