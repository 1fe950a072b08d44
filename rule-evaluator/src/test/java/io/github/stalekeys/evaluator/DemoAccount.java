package io.github.stalekeys.evaluator;

import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.policy.IamUser;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.StatusType;

/** Seeds the emulated account with users and keys of a chosen age. */
final class DemoAccount {

    private final AwsEmulator emulator;
    private final IamClient iam;
    private final Instant now;

    DemoAccount(AwsEmulator emulator, Instant now) {
        this.emulator = emulator;
        this.iam = emulator.iamClient();
        this.now = now;
    }

    IamUser user(String name) {
        var created = iam.createUser(request -> request.userName(name)).user();
        return new IamUser(created.userId(), created.userName());
    }

    IamUser userTagged(String name, String tagKey, String tagValue) {
        IamUser user = user(name);
        iam.tagUser(request -> request.userName(name).tags(tag -> tag.key(tagKey).value(tagValue)));
        return user;
    }

    /** Adds a key used {@code lastUsedDaysAgo} days ago, created a year before that. */
    String keyUsed(IamUser user, int lastUsedDaysAgo) {
        Instant lastUsed = now.minus(Duration.ofDays(lastUsedDaysAgo));
        return key(user, lastUsed.minus(Duration.ofDays(365)), lastUsed);
    }

    /** Adds a key never used, created {@code createdDaysAgo} days ago. */
    String keyNeverUsed(IamUser user, int createdDaysAgo) {
        return key(user, now.minus(Duration.ofDays(createdDaysAgo)), null);
    }

    String key(IamUser user, Instant created, Instant lastUsedOrNull) {
        AccessKey key = iam.createAccessKey(request -> request.userName(user.userName())).accessKey();
        emulator.seedKeyActivity(key.accessKeyId(), created, lastUsedOrNull);
        return key.accessKeyId();
    }

    void deactivate(IamUser user, String accessKeyId) {
        iam.updateAccessKey(request -> request.userName(user.userName()).accessKeyId(accessKeyId)
                .status(StatusType.INACTIVE));
    }
}
