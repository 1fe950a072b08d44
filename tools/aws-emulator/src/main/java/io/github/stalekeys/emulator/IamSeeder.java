package io.github.stalekeys.emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.StatusType;

/** Seeds the emulated account with users and access keys of a chosen age, relative to a clock's now. */
public final class IamSeeder {

    /** A user as created: its id (the Config resource id) and name. */
    public record SeededUser(String userId, String userName) {}

    /** A key as created; the secret lets a test sign a request with it, i.e. "use" it. */
    public record SeededKey(String accessKeyId, String secretAccessKey) {}

    private final AwsEmulator emulator;
    private final IamClient iam;
    private final Clock clock;
    private final List<SeededKey> seededKeys = new CopyOnWriteArrayList<>();

    public IamSeeder(AwsEmulator emulator, Clock clock) {
        this(emulator, clock, emulator.iamClient());
    }

    /** Seeds the account {@code iam} acts in (e.g. a client built with another account's credentials). */
    public IamSeeder(AwsEmulator emulator, Clock clock, IamClient iam) {
        this.emulator = Objects.requireNonNull(emulator, "emulator");
        this.iam = Objects.requireNonNull(iam, "iam");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public SeededUser user(String name) {
        var created = iam.createUser(request -> request.userName(name)).user();
        return new SeededUser(created.userId(), created.userName());
    }

    public SeededUser userTagged(String name, String tagKey, String tagValue) {
        SeededUser user = user(name);
        iam.tagUser(
                request -> request.userName(name).tags(tag -> tag.key(tagKey).value(tagValue)));
        return user;
    }

    /** Adds a key last used {@code lastUsedDaysAgo} days ago, created a year before that. */
    public SeededKey keyUsed(SeededUser user, int lastUsedDaysAgo) {
        Instant lastUsed = clock.instant().minus(Duration.ofDays(lastUsedDaysAgo));
        return key(user, lastUsed.minus(Duration.ofDays(365)), lastUsed);
    }

    /** Adds a key never used, created {@code createdDaysAgo} days ago. */
    public SeededKey keyNeverUsed(SeededUser user, int createdDaysAgo) {
        return key(user, clock.instant().minus(Duration.ofDays(createdDaysAgo)), null);
    }

    public SeededKey key(SeededUser user, Instant created, Instant lastUsedOrNull) {
        AccessKey key = iam.createAccessKey(request -> request.userName(user.userName()))
                .accessKey();
        emulator.seedKeyActivity(key.accessKeyId(), created, lastUsedOrNull);
        SeededKey seeded = new SeededKey(key.accessKeyId(), key.secretAccessKey());
        seededKeys.add(seeded);
        return seeded;
    }

    /** Every key this seeder created, with its secret: what a log scan must never find. */
    /** The secret access keys of the keys seeded so far: what no log line may ever contain. */
    public List<String> seededSecrets() {
        return seededKeys.stream().map(SeededKey::secretAccessKey).toList();
    }

    public List<SeededKey> seededKeys() {
        return List.copyOf(seededKeys);
    }

    public void setStatus(SeededUser user, SeededKey key, StatusType status) {
        iam.updateAccessKey(request ->
                request.userName(user.userName()).accessKeyId(key.accessKeyId()).status(status));
    }

    /** The key's status as IAM reports it now. */
    public String status(SeededUser user, SeededKey key) {
        return iam.listAccessKeys(request -> request.userName(user.userName())).accessKeyMetadata().stream()
                .filter(metadata -> metadata.accessKeyId().equals(key.accessKeyId()))
                .map(metadata -> metadata.statusAsString())
                .findFirst()
                .orElse("absent");
    }
}
