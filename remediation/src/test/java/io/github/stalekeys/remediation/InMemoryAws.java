package io.github.stalekeys.remediation;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ConfigException;
import software.amazon.awssdk.services.config.model.ConfigRule;
import software.amazon.awssdk.services.config.model.DescribeConfigRulesRequest;
import software.amazon.awssdk.services.config.model.DescribeConfigRulesResponse;
import software.amazon.awssdk.services.config.model.ListDiscoveredResourcesRequest;
import software.amazon.awssdk.services.config.model.ListDiscoveredResourcesResponse;
import software.amazon.awssdk.services.config.model.NoSuchConfigRuleException;
import software.amazon.awssdk.services.config.model.ResourceIdentifier;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyLastUsed;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.GetAccessKeyLastUsedRequest;
import software.amazon.awssdk.services.iam.model.GetAccessKeyLastUsedResponse;
import software.amazon.awssdk.services.iam.model.GetUserRequest;
import software.amazon.awssdk.services.iam.model.GetUserResponse;
import software.amazon.awssdk.services.iam.model.LimitExceededException;
import software.amazon.awssdk.services.iam.model.ListAccessKeysRequest;
import software.amazon.awssdk.services.iam.model.ListAccessKeysResponse;
import software.amazon.awssdk.services.iam.model.ListUserTagsRequest;
import software.amazon.awssdk.services.iam.model.ListUserTagsResponse;
import software.amazon.awssdk.services.iam.model.ListUsersRequest;
import software.amazon.awssdk.services.iam.model.ListUsersResponse;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.iam.model.TagUserRequest;
import software.amazon.awssdk.services.iam.model.TagUserResponse;
import software.amazon.awssdk.services.iam.model.UntagUserRequest;
import software.amazon.awssdk.services.iam.model.UntagUserResponse;
import software.amazon.awssdk.services.iam.model.UpdateAccessKeyRequest;
import software.amazon.awssdk.services.iam.model.UpdateAccessKeyResponse;
import software.amazon.awssdk.services.iam.model.User;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.GenerateMacRequest;
import software.amazon.awssdk.services.kms.model.GenerateMacResponse;
import software.amazon.awssdk.services.kms.model.KmsInvalidMacException;
import software.amazon.awssdk.services.kms.model.VerifyMacRequest;
import software.amazon.awssdk.services.kms.model.VerifyMacResponse;

/**
 * IAM, Config, KMS and EventBridge in memory, as far as the remediation uses them, for tests of its logic without
 * the emulator: one account, one page per listing, IAM's 50-tag quota, KMS HMACs computed locally. Every call is
 * counted by operation ({@code iam:UpdateAccessKey}) and passes {@link #before}, where a test makes a call fail
 * or lets another execution run in between.
 */
final class InMemoryAws {

    /** A hook run before each call, with the operation's name; it may throw to make the call fail. */
    interface Hook {
        void before(String operation);
    }

    static final int TAG_QUOTA = 50;

    record Key(String accessKeyId, String status, Instant created, Instant lastUsedOrNull) {}

    private record StoredUser(String userId, Instant created, Map<String, String> tags, Map<String, Key> keys) {}

    private final Map<String, StoredUser> users = new LinkedHashMap<>();
    private final Map<String, Integer> calls = new TreeMap<>();
    private final Map<String, String> rules = new ConcurrentHashMap<>();
    private final List<PutEventsRequestEntry> events = new ArrayList<>();
    private final Set<String> deniedConfigOperations = ConcurrentHashMap.newKeySet();
    private volatile boolean configRecordsUsers = true;
    /** Config's own record of a user, when a test makes it differ from IAM (a stale name, a deletion). */
    private final Map<String, ResourceIdentifier> configRecords = new ConcurrentHashMap<>();

    private volatile Hook hook = operation -> {};

    final IamClient iam = new Iam();
    final ConfigClient config = new Config();
    final KmsClient kms = new Kms();
    final EventBridgeClient eventBridge = new Events();

    /** Runs {@code hook} before every call from now on (replacing the previous one). */
    InMemoryAws before(Hook newHook) {
        this.hook = newHook;
        return this;
    }

    synchronized InMemoryAws user(String name, String userId, Map<String, String> tags, Key... keys) {
        Map<String, Key> stored = new LinkedHashMap<>();
        for (Key key : keys) {
            stored.put(key.accessKeyId(), key);
        }
        users.put(
                name, new StoredUser(userId, Instant.parse("2020-01-01T00:00:00Z"), new LinkedHashMap<>(tags), stored));
        return this;
    }

    synchronized void deleteUser(String name) {
        users.remove(name);
    }

    synchronized void deleteKey(String userName, String accessKeyId) {
        users.get(userName).keys().remove(accessKeyId);
    }

    synchronized void setStatus(String userName, String accessKeyId, String status) {
        Key key = users.get(userName).keys().get(accessKeyId);
        users.get(userName).keys().put(accessKeyId, new Key(accessKeyId, status, key.created(), key.lastUsedOrNull()));
    }

    synchronized String status(String userName, String accessKeyId) {
        return users.get(userName).keys().get(accessKeyId).status();
    }

    synchronized Map<String, String> tags(String userName) {
        return Map.copyOf(users.get(userName).tags());
    }

    synchronized void tag(String userName, String key, String value) {
        users.get(userName).tags().put(key, value);
    }

    void rule(String name, String inputParameters) {
        rules.put(name, inputParameters);
    }

    void denyConfig(String operation) {
        deniedConfigOperations.add(operation);
    }

    /** Config's record of {@code userId} names {@code userName} (stale, if IAM says otherwise), deleted or not. */
    void configRecord(String userId, String userName, boolean deleted) {
        configRecords.put(
                userId,
                ResourceIdentifier.builder()
                        .resourceType("AWS::IAM::User")
                        .resourceId(userId)
                        .resourceName(userName)
                        .resourceDeletionTime(deleted ? Instant.parse("2026-01-01T00:00:00Z") : null)
                        .build());
    }

    void configRecordsUsers(boolean recorded) {
        configRecordsUsers = recorded;
    }

    synchronized List<PutEventsRequestEntry> events() {
        return List.copyOf(events);
    }

    synchronized int calls(String operation) {
        return calls.getOrDefault(operation, 0);
    }

    synchronized int writes() {
        return calls.entrySet().stream()
                .filter(call -> call.getKey().matches("iam:(Update|Tag|Untag|Delete|Create).*"))
                .mapToInt(Map.Entry::getValue)
                .sum();
    }

    synchronized Map<String, Integer> callCounts() {
        return Map.copyOf(calls);
    }

    private void call(String operation) {
        synchronized (this) {
            calls.merge(operation, 1, Integer::sum);
        }
        hook.before(operation); // outside the lock: a hook may run another execution
    }

    private synchronized StoredUser existing(String userName) {
        StoredUser user = users.get(userName);
        if (user == null) {
            throw NoSuchEntityException.builder()
                    .message("The user with name " + userName + " cannot be found.")
                    .build();
        }
        return user;
    }

    private final class Iam implements IamClient {

        @Override
        public GetUserResponse getUser(GetUserRequest request) {
            call("iam:GetUser");
            synchronized (InMemoryAws.this) {
                StoredUser user = existing(request.userName());
                return GetUserResponse.builder()
                        .user(user(request.userName(), user).toBuilder()
                                .tags(tagList(user))
                                .build())
                        .build();
            }
        }

        @Override
        public ListUsersResponse listUsers(ListUsersRequest request) {
            call("iam:ListUsers");
            synchronized (InMemoryAws.this) {
                return ListUsersResponse.builder()
                        .users(users.entrySet().stream()
                                .map(entry -> user(entry.getKey(), entry.getValue()))
                                .toList())
                        .isTruncated(false)
                        .build();
            }
        }

        @Override
        public ListAccessKeysResponse listAccessKeys(ListAccessKeysRequest request) {
            call("iam:ListAccessKeys");
            synchronized (InMemoryAws.this) {
                return ListAccessKeysResponse.builder()
                        .accessKeyMetadata(existing(request.userName()).keys().values().stream()
                                .map(key -> AccessKeyMetadata.builder()
                                        .accessKeyId(key.accessKeyId())
                                        .status(key.status())
                                        .createDate(key.created())
                                        .userName(request.userName())
                                        .build())
                                .toList())
                        .isTruncated(false)
                        .build();
            }
        }

        @Override
        public GetAccessKeyLastUsedResponse getAccessKeyLastUsed(GetAccessKeyLastUsedRequest request) {
            call("iam:GetAccessKeyLastUsed");
            synchronized (InMemoryAws.this) {
                Key key = users.values().stream()
                        .flatMap(user -> user.keys().values().stream())
                        .filter(candidate -> candidate.accessKeyId().equals(request.accessKeyId()))
                        .findFirst()
                        .orElseThrow(() -> NoSuchEntityException.builder()
                                .message("The Access Key with id " + request.accessKeyId() + " cannot be found")
                                .build());
                boolean used = key.lastUsedOrNull() != null;
                return GetAccessKeyLastUsedResponse.builder()
                        .accessKeyLastUsed(AccessKeyLastUsed.builder()
                                .lastUsedDate(key.lastUsedOrNull())
                                .serviceName(used ? "s3" : "N/A")
                                .region(used ? "us-east-1" : "N/A")
                                .build())
                        .build();
            }
        }

        @Override
        public ListUserTagsResponse listUserTags(ListUserTagsRequest request) {
            call("iam:ListUserTags");
            synchronized (InMemoryAws.this) {
                return ListUserTagsResponse.builder()
                        .tags(tagList(existing(request.userName())))
                        .isTruncated(false)
                        .build();
            }
        }

        @Override
        public TagUserResponse tagUser(TagUserRequest request) {
            call("iam:TagUser");
            synchronized (InMemoryAws.this) {
                Map<String, String> tags = existing(request.userName()).tags();
                long added = request.tags().stream()
                        .filter(tag -> keyOf(tags, tag.key()).isEmpty())
                        .count();
                if (tags.size() + added > TAG_QUOTA) {
                    throw LimitExceededException.builder()
                            .message("Cannot exceed quota for TagsPerUser: " + TAG_QUOTA)
                            .build();
                }
                for (Tag tag : request.tags()) {
                    keyOf(tags, tag.key()).ifPresent(tags::remove); // IAM tag keys are case-insensitive
                    tags.put(tag.key(), tag.value());
                }
                return TagUserResponse.builder().build();
            }
        }

        @Override
        public UntagUserResponse untagUser(UntagUserRequest request) {
            call("iam:UntagUser");
            synchronized (InMemoryAws.this) {
                Map<String, String> tags = existing(request.userName()).tags();
                request.tagKeys().forEach(key -> keyOf(tags, key).ifPresent(tags::remove));
                return UntagUserResponse.builder().build();
            }
        }

        @Override
        public UpdateAccessKeyResponse updateAccessKey(UpdateAccessKeyRequest request) {
            call("iam:UpdateAccessKey");
            synchronized (InMemoryAws.this) {
                StoredUser user = existing(request.userName());
                Key key = user.keys().get(request.accessKeyId());
                if (key == null) {
                    throw NoSuchEntityException.builder()
                            .message("The Access Key with id " + request.accessKeyId() + " cannot be found")
                            .build();
                }
                user.keys()
                        .put(
                                key.accessKeyId(),
                                new Key(
                                        key.accessKeyId(),
                                        request.statusAsString(),
                                        key.created(),
                                        key.lastUsedOrNull()));
                return UpdateAccessKeyResponse.builder().build();
            }
        }

        private static User user(String name, StoredUser user) {
            return User.builder()
                    .userName(name)
                    .userId(user.userId())
                    .createDate(user.created())
                    .arn("arn:aws:iam::123456789012:user/" + name)
                    .path("/")
                    .build();
        }

        private static List<Tag> tagList(StoredUser user) {
            return user.tags().entrySet().stream()
                    .map(tag -> Tag.builder()
                            .key(tag.getKey())
                            .value(tag.getValue())
                            .build())
                    .toList();
        }

        private static Optional<String> keyOf(Map<String, String> tags, String key) {
            return tags.keySet().stream()
                    .filter(existing -> existing.toLowerCase(Locale.ROOT).equals(key.toLowerCase(Locale.ROOT)))
                    .findFirst();
        }

        @Override
        public String serviceName() {
            return "iam";
        }

        @Override
        public void close() {}
    }

    private final class Config implements ConfigClient {

        @Override
        public DescribeConfigRulesResponse describeConfigRules(DescribeConfigRulesRequest request) {
            call("config:DescribeConfigRules");
            deny("DescribeConfigRules");
            List<ConfigRule> found = request.configRuleNames().stream()
                    .filter(rules::containsKey)
                    .map(name -> ConfigRule.builder()
                            .configRuleName(name)
                            .inputParameters(rules.get(name))
                            .build())
                    .toList();
            if (found.isEmpty()) {
                throw NoSuchConfigRuleException.builder()
                        .message("The ConfigRule '" + request.configRuleNames()
                                + "' provided in the request is invalid.")
                        .build();
            }
            return DescribeConfigRulesResponse.builder().configRules(found).build();
        }

        @Override
        public ListDiscoveredResourcesResponse listDiscoveredResources(ListDiscoveredResourcesRequest request) {
            call("config:ListDiscoveredResources");
            deny("ListDiscoveredResources");
            synchronized (InMemoryAws.this) {
                List<ResourceIdentifier> found = new ArrayList<>();
                for (String userId : configRecordsUsers ? request.resourceIds() : List.<String>of()) {
                    if (configRecords.containsKey(userId)) {
                        found.add(configRecords.get(userId));
                        continue;
                    }
                    users.entrySet().stream()
                            .filter(user -> user.getValue().userId().equals(userId))
                            .map(user -> ResourceIdentifier.builder()
                                    .resourceType("AWS::IAM::User")
                                    .resourceId(userId)
                                    .resourceName(user.getKey())
                                    .build())
                            .forEach(found::add);
                }
                return ListDiscoveredResourcesResponse.builder()
                        .resourceIdentifiers(found)
                        .build();
            }
        }

        private void deny(String operation) {
            if (deniedConfigOperations.contains(operation)) {
                throw ConfigException.builder()
                        .message("User is not authorized to perform config:" + operation)
                        .statusCode(400)
                        .awsErrorDetails(AwsErrorDetails.builder()
                                .errorCode("AccessDeniedException")
                                .build())
                        .build();
            }
        }

        @Override
        public String serviceName() {
            return "config";
        }

        @Override
        public void close() {}
    }

    private final class Kms implements KmsClient {

        @Override
        public GenerateMacResponse generateMac(GenerateMacRequest request) {
            call("kms:GenerateMac");
            return GenerateMacResponse.builder()
                    .mac(SdkBytes.fromByteArray(hmac(request.keyId(), request.message())))
                    .build();
        }

        @Override
        public VerifyMacResponse verifyMac(VerifyMacRequest request) {
            call("kms:VerifyMac");
            if (!java.util.Arrays.equals(
                    hmac(request.keyId(), request.message()), request.mac().asByteArray())) {
                throw KmsInvalidMacException.builder().message("invalid mac").build();
            }
            return VerifyMacResponse.builder().macValid(true).build();
        }

        private static byte[] hmac(String keyId, SdkBytes message) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(("secret of " + keyId).getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                return mac.doFinal(message.asByteArray());
            } catch (NoSuchAlgorithmException | InvalidKeyException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String serviceName() {
            return "kms";
        }

        @Override
        public void close() {}
    }

    private final class Events implements EventBridgeClient {

        @Override
        public PutEventsResponse putEvents(PutEventsRequest request) {
            call("events:PutEvents");
            synchronized (InMemoryAws.this) {
                events.addAll(request.entries());
            }
            return PutEventsResponse.builder()
                    .failedEntryCount(0)
                    .entries(request.entries().stream()
                            .map(entry ->
                                    PutEventsResultEntry.builder().eventId("e").build())
                            .toList())
                    .build();
        }

        @Override
        public String serviceName() {
            return "events";
        }

        @Override
        public void close() {}
    }

    /** Runs {@code action} once, the first time {@code operation} is about to be called; later calls pass. */
    static Hook once(String operation, Consumer<String> action) {
        return nth(operation, 1, action);
    }

    /** Runs {@code action} once, right before the {@code nth} call of {@code operation}. */
    static Hook nth(String operation, int nth, Consumer<String> action) {
        int[] seen = {0};
        return called -> {
            if (called.equals(operation) && ++seen[0] == nth) {
                action.accept(called);
            }
        };
    }
}
