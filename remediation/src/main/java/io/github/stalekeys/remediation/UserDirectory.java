package io.github.stalekeys.remediation;

import io.github.stalekeys.policy.IamUser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ResourceIdentifier;
import software.amazon.awssdk.services.config.model.ResourceType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.iam.model.User;

/**
 * Finds an IAM user, with its tags, from the user id Config hands the runbook. The name comes from Config's
 * inventory ({@code ListDiscoveredResources}, one call); {@code GetUser} then confirms that name still
 * belongs to that id (a user renamed, or deleted and re-created under the same name, must not be mistaken
 * for another) and returns the tags. Without a confirmed record, it pages {@code ListUsers}.
 */
final class UserDirectory {

    /** A user as found now, with its tags. */
    record FoundUser(IamUser user, Map<String, String> tags) {
    }

    private final IamClient iam;
    private final ConfigClient config;

    UserDirectory(IamClient iam, ConfigClient config) {
        this.iam = Objects.requireNonNull(iam, "iam");
        this.config = Objects.requireNonNull(config, "config");
    }

    /** The user with this id, or empty when no such user exists (any more). */
    Optional<FoundUser> byId(String userId) {
        Optional<FoundUser> viaConfig = nameInConfig(userId).flatMap(this::byName)
                .filter(found -> found.user().userId().equals(userId));
        if (viaConfig.isPresent()) {
            return viaConfig;
        }
        return iam.listUsersPaginator(request -> request.maxItems(1000)).users().stream()
                .filter(user -> user.userId().equals(userId))
                .findFirst()
                .flatMap(user -> byName(user.userName()));
    }

    /** The user with this name and its tags, or empty when there is none. */
    Optional<FoundUser> byName(String userName) {
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
        return Optional.of(new FoundUser(new IamUser(user.userId(), user.userName()), Map.copyOf(tags)));
    }

    private Optional<String> nameInConfig(String userId) {
        return config.listDiscoveredResources(request -> request
                        .resourceType(ResourceType.AWS_IAM_USER).resourceIds(userId))
                .resourceIdentifiers().stream()
                .filter(resource -> resource.resourceDeletionTime() == null)
                .map(ResourceIdentifier::resourceName)
                .filter(Objects::nonNull)
                .findFirst();
    }
}
