package io.github.stalekeys.evaluator;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyLastUsed;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.EntityType;
import software.amazon.awssdk.services.iam.model.GenerateCredentialReportRequest;
import software.amazon.awssdk.services.iam.model.GenerateCredentialReportResponse;
import software.amazon.awssdk.services.iam.model.GetAccessKeyLastUsedRequest;
import software.amazon.awssdk.services.iam.model.GetAccessKeyLastUsedResponse;
import software.amazon.awssdk.services.iam.model.GetAccountAuthorizationDetailsRequest;
import software.amazon.awssdk.services.iam.model.GetAccountAuthorizationDetailsResponse;
import software.amazon.awssdk.services.iam.model.GetCredentialReportRequest;
import software.amazon.awssdk.services.iam.model.GetCredentialReportResponse;
import software.amazon.awssdk.services.iam.model.GetUserRequest;
import software.amazon.awssdk.services.iam.model.GetUserResponse;
import software.amazon.awssdk.services.iam.model.IamException;
import software.amazon.awssdk.services.iam.model.ListAccessKeysRequest;
import software.amazon.awssdk.services.iam.model.ListAccessKeysResponse;
import software.amazon.awssdk.services.iam.model.ListUserTagsRequest;
import software.amazon.awssdk.services.iam.model.ListUserTagsResponse;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.ReportStateType;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.iam.model.User;
import software.amazon.awssdk.services.iam.model.UserDetail;

/**
 * IAM in memory, for pure-Java tests of the rule's logic (no emulator): users, their keys and tags, the
 * credential report as a test writes it, and a count of calls by operation. The account listing is paged by
 * MaxItems (the marker is the next user's position); the other listings come in one page.
 */
final class InMemoryIam implements IamClient {

    record Key(String accessKeyId, String status, Instant created, Instant lastUsedOrNull) {}

    private record StoredUser(String userId, Instant created, Map<String, String> tags, List<Key> keys) {}

    private final Map<String, StoredUser> users = new LinkedHashMap<>();
    private final Map<String, Integer> calls = new TreeMap<>();
    private final List<String> order = new ArrayList<>();
    private int listingPageThatFails;
    private boolean tagReadsFail;
    private boolean keyListingsFail;
    private final StringBuilder report = new StringBuilder(
            "user,arn,user_creation_time,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,"
                    + "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date\n");

    InMemoryIam user(String name, String userId, Instant created, Map<String, String> tags, Key... keys) {
        users.put(name, new StoredUser(userId, created, tags, List.of(keys)));
        return this;
    }

    /** A credential report row for one user, with up to two keys as the report shows them. */
    InMemoryIam reportRow(String name, Instant userCreated, Key... keys) {
        report.append(name)
                .append(",arn:aws:iam::123456789012:user/")
                .append(name)
                .append(',')
                .append(iso(userCreated));
        for (int slot = 0; slot < 2; slot++) {
            Key key = slot < keys.length ? keys[slot] : null;
            report.append(',')
                    .append(key != null && key.status().equals("Active"))
                    .append(',')
                    .append(key == null ? "N/A" : iso(key.created()))
                    .append(',')
                    .append(key == null || key.lastUsedOrNull() == null ? "N/A" : iso(key.lastUsedOrNull()));
        }
        report.append('\n');
        return this;
    }

    /** The {@code page}-th call of the account listing (1-based) fails as IAM's throttling does after retries. */
    InMemoryIam listingFailsAtPage(int page) {
        listingPageThatFails = page;
        return this;
    }

    /** Every ListAccessKeys fails as IAM's throttling does after retries. */
    InMemoryIam keyListingsFail() {
        keyListingsFail = true;
        return this;
    }

    /** Every ListUserTags fails as IAM's throttling does after retries. */
    InMemoryIam tagReadsFail() {
        tagReadsFail = true;
        return this;
    }

    int calls(String operation) {
        return calls.getOrDefault(operation, 0);
    }

    private static IamException throttled() {
        return (IamException) IamException.builder()
                .statusCode(400)
                .awsErrorDetails(software.amazon.awssdk.awscore.exception.AwsErrorDetails.builder()
                        .errorCode("Throttling")
                        .errorMessage("Rate exceeded")
                        .build())
                .build();
    }

    /** Every call in the order it was made. */
    List<String> callOrder() {
        synchronized (order) {
            return List.copyOf(order);
        }
    }

    private void count(String operation) {
        synchronized (order) {
            calls.merge(operation, 1, Integer::sum);
            order.add(operation);
        }
    }

    private static String iso(Instant instant) {
        return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(instant.atOffset(java.time.ZoneOffset.UTC));
    }

    private StoredUser stored(String name) {
        StoredUser user = users.get(name);
        if (user == null) {
            throw NoSuchEntityException.builder()
                    .message("The user with name " + name + " cannot be found.")
                    .build();
        }
        return user;
    }

    @Override
    public GetAccountAuthorizationDetailsResponse getAccountAuthorizationDetails(
            GetAccountAuthorizationDetailsRequest request) {
        count("GetAccountAuthorizationDetails");
        if (calls("GetAccountAuthorizationDetails") == listingPageThatFails) {
            throw throttled();
        }
        if (!request.filter().equals(List.of(EntityType.USER))) {
            throw new UnsupportedOperationException("only Filter=User is modelled: " + request.filter());
        }
        List<UserDetail> listed = new ArrayList<>();
        users.forEach((name, user) -> listed.add(UserDetail.builder()
                .userName(name)
                .userId(user.userId())
                .createDate(user.created())
                .tags(user.tags().entrySet().stream()
                        .map(tag -> Tag.builder()
                                .key(tag.getKey())
                                .value(tag.getValue())
                                .build())
                        .toList())
                .build()));
        int from = request.marker() == null ? 0 : Integer.parseInt(request.marker());
        int to = Math.min(listed.size(), from + (request.maxItems() == null ? 100 : request.maxItems()));
        boolean truncated = to < listed.size();
        return GetAccountAuthorizationDetailsResponse.builder()
                .userDetailList(listed.subList(from, to))
                .isTruncated(truncated)
                .marker(truncated ? Integer.toString(to) : null)
                .build();
    }

    @Override
    public GetUserResponse getUser(GetUserRequest request) {
        count("GetUser");
        StoredUser user = stored(request.userName());
        List<Tag> tags = new ArrayList<>();
        user.tags()
                .forEach((key, value) ->
                        tags.add(Tag.builder().key(key).value(value).build()));
        return GetUserResponse.builder()
                .user(User.builder()
                        .userName(request.userName())
                        .userId(user.userId())
                        .createDate(user.created())
                        .tags(tags)
                        .build())
                .build();
    }

    @Override
    public ListUserTagsResponse listUserTags(ListUserTagsRequest request) {
        count("ListUserTags");
        if (tagReadsFail) {
            throw throttled();
        }
        List<Tag> tags = new ArrayList<>();
        stored(request.userName())
                .tags()
                .forEach((key, value) ->
                        tags.add(Tag.builder().key(key).value(value).build()));
        return ListUserTagsResponse.builder().tags(tags).isTruncated(false).build();
    }

    @Override
    public ListAccessKeysResponse listAccessKeys(ListAccessKeysRequest request) {
        count("ListAccessKeys");
        if (keyListingsFail) {
            throw throttled();
        }
        List<AccessKeyMetadata> keys = new ArrayList<>();
        for (Key key : stored(request.userName()).keys()) {
            keys.add(AccessKeyMetadata.builder()
                    .userName(request.userName())
                    .accessKeyId(key.accessKeyId())
                    .status(key.status())
                    .createDate(key.created())
                    .build());
        }
        return ListAccessKeysResponse.builder()
                .accessKeyMetadata(keys)
                .isTruncated(false)
                .build();
    }

    @Override
    public GetAccessKeyLastUsedResponse getAccessKeyLastUsed(GetAccessKeyLastUsedRequest request) {
        count("GetAccessKeyLastUsed");
        for (Map.Entry<String, StoredUser> user : users.entrySet()) {
            for (Key key : user.getValue().keys()) {
                if (key.accessKeyId().equals(request.accessKeyId())) {
                    return GetAccessKeyLastUsedResponse.builder()
                            .userName(user.getKey())
                            .accessKeyLastUsed(AccessKeyLastUsed.builder()
                                    .lastUsedDate(key.lastUsedOrNull())
                                    .serviceName(key.lastUsedOrNull() == null ? "N/A" : "s3")
                                    .region(key.lastUsedOrNull() == null ? "N/A" : "us-east-1")
                                    .build())
                            .build();
                }
            }
        }
        throw NoSuchEntityException.builder()
                .message("The Access Key with id " + request.accessKeyId() + " cannot be found")
                .build();
    }

    @Override
    public GenerateCredentialReportResponse generateCredentialReport(GenerateCredentialReportRequest request) {
        count("GenerateCredentialReport");
        return GenerateCredentialReportResponse.builder()
                .state(ReportStateType.COMPLETE)
                .build();
    }

    @Override
    public GetCredentialReportResponse getCredentialReport(GetCredentialReportRequest request) {
        count("GetCredentialReport");
        return GetCredentialReportResponse.builder()
                .content(SdkBytes.fromUtf8String(report.toString()))
                .reportFormat("text/csv")
                .generatedTime(Instant.now())
                .build();
    }

    @Override
    public String serviceName() {
        return "iam";
    }

    @Override
    public void close() {}
}
