package io.github.stalekeys.evaluator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * The HTTP client of the priming clients: answers every request itself, never opening a connection, with a
 * made-up account as AWS would describe it (IAM's XML, Config's, KMS's and EventBridge's JSON). The account has
 * {@value #USERS} users, the first with a stale key, and Config holds a result for a user since deleted, so a
 * run through it takes the paths a real periodic run takes: paging, the credential report, live confirmation,
 * tags, the previous results, the clean-up, the evaluations posted.
 */
final class PrimingAnswers implements SdkHttpClient {

    /**
     * Enough users that the per-user code of a run (report rows, verdicts, evaluations, their marshalling in
     * batches of 100) runs often enough to be compiled before the snapshot; the first is stale.
     */
    static final int USERS = 250;

    static final String STALE_USER = name(1);
    static final String STALE_USER_ID = id(1);
    private static final String GONE_USER_ID = id(USERS + 1);
    private static final Pattern IAM_PARAMETER = Pattern.compile("(?:^|&)(Action|UserName|AccessKeyId)=([^&]*)");

    private final Instant now;
    private final List<String> answered = new ArrayList<>();

    PrimingAnswers(Instant now) {
        this.now = now;
    }

    /** The operations answered, in order. */
    List<String> answered() {
        return List.copyOf(answered);
    }

    @Override
    public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        String target =
                request.httpRequest().firstMatchingHeader("X-Amz-Target").orElse(null);
        String body = request.contentStreamProvider()
                .map(provider -> read(provider.newStream()))
                .orElse("");
        String operation;
        String response;
        String contentType;
        if (target != null) {
            operation = target.substring(target.indexOf('.') + 1);
            response = json(operation);
            contentType = "application/x-amz-json-1.1";
        } else {
            String action = "Unknown";
            String userName = STALE_USER;
            Matcher parameter = IAM_PARAMETER.matcher(body);
            while (parameter.find()) {
                String value = URLDecoder.decode(parameter.group(2), StandardCharsets.UTF_8);
                switch (parameter.group(1)) {
                    case "Action" -> action = value;
                    case "UserName" -> userName = value;
                    default -> userName = name(Integer.parseInt(value.substring("AKIAPRIMING".length())));
                }
            }
            operation = action;
            response = "<" + action + "Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><" + action
                    + "Result>" + iamResult(action, userName) + "</" + action + "Result></" + action + "Response>";
            contentType = "text/xml";
        }
        answered.add(operation);
        byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
        return new ExecutableHttpRequest() {
            @Override
            public HttpExecuteResponse call() {
                return HttpExecuteResponse.builder()
                        .response(SdkHttpResponse.builder()
                                .statusCode(200)
                                .putHeader("Content-Type", contentType)
                                .putHeader("Content-Length", Integer.toString(bytes.length))
                                .build())
                        .responseBody(AbortableInputStream.create(new ByteArrayInputStream(bytes)))
                        .build();
            }

            @Override
            public void abort() {
                // nothing in flight
            }
        };
    }

    static String name(int user) {
        return "priming-" + user;
    }

    static String id(int user) {
        return String.format(java.util.Locale.ROOT, "AIDAPRIMING%09d", user);
    }

    private static String keyId(int user) {
        return String.format(java.util.Locale.ROOT, "AKIAPRIMING%09d", user);
    }

    private Instant lastUsed(int user) {
        return daysAgo(user == 1 ? 143 : 1 + user % 30);
    }

    private String iamResult(String action, String userName) {
        int number = Integer.parseInt(userName.substring(userName.lastIndexOf('-') + 1));
        String userId = id(number);
        String keyId = keyId(number);
        Instant lastUsed = lastUsed(number);
        return switch (action) {
            case "GetAccountAuthorizationDetails" -> {
                StringBuilder users = new StringBuilder("<UserDetailList>");
                for (int i = 1; i <= USERS; i++) {
                    users.append(user(name(i), id(i), "member"));
                }
                yield users + "</UserDetailList><IsTruncated>false</IsTruncated>";
            }
            case "GetUser" -> user(userName, userId, "User");
            case "GenerateCredentialReport" -> "<State>COMPLETE</State>";
            case "GetCredentialReport" ->
                "<Content>" + credentialReport() + "</Content>" + "<ReportFormat>text/csv</ReportFormat><GeneratedTime>"
                        + now + "</GeneratedTime>";
            case "ListAccessKeys" ->
                "<AccessKeyMetadata><member><UserName>" + userName + "</UserName><AccessKeyId>"
                        + keyId + "</AccessKeyId><Status>Active</Status><CreateDate>" + daysAgo(400)
                        + "</CreateDate></member></AccessKeyMetadata><IsTruncated>false</IsTruncated>";
            case "GetAccessKeyLastUsed" ->
                "<UserName>" + userName + "</UserName><AccessKeyLastUsed><LastUsedDate>"
                        + lastUsed + "</LastUsedDate><ServiceName>iam</ServiceName><Region>us-east-1</Region>"
                        + "</AccessKeyLastUsed>";
            case "ListUserTags" ->
                "<Tags><member><Key>owner</Key><Value>priming@example.com</Value></member>"
                        + "</Tags><IsTruncated>false</IsTruncated>";
            default -> "<IsTruncated>false</IsTruncated>";
        };
    }

    private String user(String name, String id, String element) {
        return "<" + element + "><Path>/</Path><UserName>" + name + "</UserName><UserId>" + id + "</UserId>"
                + "<Arn>arn:aws:iam::000000000000:user/" + name + "</Arn><CreateDate>" + daysAgo(500)
                + "</CreateDate><Tags><member><Key>owner</Key><Value>priming@example.com</Value></member></Tags></"
                + element + ">";
    }

    private String credentialReport() {
        String csv = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
                + "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
                + "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
                + "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
                + "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,"
                + "cert_2_active,cert_2_last_rotated\n"
                + java.util.stream.IntStream.rangeClosed(1, USERS)
                        .mapToObj(user -> row(name(user), lastUsed(user)))
                        .collect(java.util.stream.Collectors.joining());
        return Base64.getEncoder().encodeToString(csv.getBytes(StandardCharsets.UTF_8));
    }

    private String row(String userName, Instant lastUsed) {
        return userName + ",arn:aws:iam::000000000000:user/" + userName + "," + reportTime(daysAgo(500))
                + ",false,N/A,N/A,N/A,false,true," + reportTime(daysAgo(400)) + "," + reportTime(lastUsed)
                + ",us-east-1,iam,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";
    }

    /** As the report writes times: {@code 2020-01-01T00:00:00+00:00}. */
    private static String reportTime(Instant instant) {
        return instant.atOffset(java.time.ZoneOffset.UTC).toString().replace("Z", "+00:00");
    }

    private String json(String operation) {
        long recorded = daysAgo(2).getEpochSecond();
        return switch (operation) {
            case "GetComplianceDetailsByConfigRule" ->
                "{\"EvaluationResults\":["
                        + result(STALE_USER_ID, "NON_COMPLIANT", recorded) + ","
                        + result(GONE_USER_ID, "COMPLIANT", recorded) + "]}";
            case "PutEvaluations" -> "{\"FailedEvaluations\":[]}";
            case "PutEvents" -> "{\"FailedEntryCount\":0,\"Entries\":[{\"EventId\":\"priming\"}]}";
            case "GenerateMac" -> "{\"KeyId\":\"priming\",\"Mac\":\"cHJpbWluZw==\",\"MacAlgorithm\":\"HMAC_SHA_256\"}";
            case "VerifyMac" -> "{\"KeyId\":\"priming\",\"MacValid\":true,\"MacAlgorithm\":\"HMAC_SHA_256\"}";
            default -> "{}";
        };
    }

    private static String result(String resourceId, String compliance, long recorded) {
        return "{\"EvaluationResultIdentifier\":{\"EvaluationResultQualifier\":{\"ConfigRuleName\":\"priming\","
                + "\"ResourceType\":\"AWS::IAM::User\",\"ResourceId\":\"" + resourceId + "\"},"
                + "\"OrderingTimestamp\":" + recorded + "},\"ComplianceType\":\"" + compliance + "\","
                + "\"ResultRecordedTime\":" + recorded + ",\"ConfigRuleInvokedTime\":" + recorded
                + ",\"Annotation\":\"priming\"}";
    }

    private Instant daysAgo(int days) {
        return now.minus(Duration.ofDays(days)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        // owns nothing
    }
}
