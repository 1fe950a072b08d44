package io.github.stalekeys.remediation;

import io.github.stalekeys.iam.IamKeyInventory;
import io.github.stalekeys.iam.IamKeyInventory.TaggedUser;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ResourceIdentifier;
import software.amazon.awssdk.services.config.model.ResourceType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;

/**
 * Finds an IAM user, with its tags, from the user id Config hands the runbook. The name comes from Config's
 * inventory ({@code ListDiscoveredResources}, one call); {@code GetUser} then confirms that name still
 * belongs to that id (a user renamed, or deleted and re-created under the same name, must not be mistaken
 * for another) and returns the tags. Without a confirmed record, it pages {@code ListUsers}.
 */
final class UserDirectory {

    private final IamClient iam;
    private final IamKeyInventory inventory;
    private final ConfigClient config;

    UserDirectory(IamClient iam, IamKeyInventory inventory, ConfigClient config) {
        this.iam = Objects.requireNonNull(iam, "iam");
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * The user a runbook names: by id (from Config), or by ARN (from an IAM Access Analyzer finding); empty when no
     * such user exists in this account.
     */
    Optional<TaggedUser> find(String userIdOrArn) {
        return userIdOrArn.startsWith("arn:") ? byArn(userIdOrArn) : byId(userIdOrArn);
    }

    /**
     * The user whose ARN is exactly {@code userArn}: the name is its last part; {@code GetUser} in this account then
     * gives the user's ARN, which must be the same (path and account included), so another account's user, or a
     * user re-created under another path, is not found.
     */
    Optional<TaggedUser> byArn(String userArn) {
        String userName = userArn.substring(userArn.lastIndexOf('/') + 1);
        try {
            if (!iam.getUser(request -> request.userName(userName)).user().arn().equals(userArn)) {
                return Optional.empty();
            }
        } catch (NoSuchEntityException gone) {
            return Optional.empty();
        }
        return byName(userName);
    }

    /** The user with this id, or empty when no such user exists (any more). */
    Optional<TaggedUser> byId(String userId) {
        Optional<TaggedUser> viaConfig = nameInConfig(userId)
                .flatMap(this::byName)
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
    Optional<TaggedUser> byName(String userName) {
        return inventory.user(userName);
    }

    private Optional<String> nameInConfig(String userId) {
        return config
                .listDiscoveredResources(request ->
                        request.resourceType(ResourceType.AWS_IAM_USER).resourceIds(userId))
                .resourceIdentifiers()
                .stream()
                .filter(resource -> resource.resourceDeletionTime() == null)
                .map(ResourceIdentifier::resourceName)
                .filter(Objects::nonNull)
                .findFirst();
    }
}
