package io.github.stalekeys.evaluator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.Evaluation;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * Walks the SDK's request pipeline for every call the evaluator makes (endpoint resolution, marshalling,
 * signing, the HTTP client interface, unmarshalling) without reaching AWS: the clients built here answer every
 * request themselves with an empty, well-formed response, and are closed afterwards. Their credentials are a
 * made-up pair, so a snapshot carries neither a real credential nor a connection.
 */
final class OfflineSdkPriming {

    private static final StaticCredentialsProvider MADE_UP = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAPRIMING000000000", "priming-secret-that-signs-nothing-real"));
    private static final Pattern IAM_ACTION = Pattern.compile("(?:^|&)Action=([A-Za-z]+)");

    private OfflineSdkPriming() {}

    /** Makes the evaluator's calls through offline clients; returns the operations answered, for the test. */
    static List<String> prime() {
        AnsweringHttpClient http = new AnsweringHttpClient();
        ClientOverrideConfiguration noRetries = ClientOverrideConfiguration.builder()
                .retryStrategy(RetryMode.STANDARD)
                .build();
        try (IamClient iam = IamClient.builder()
                        .region(Region.AWS_GLOBAL)
                        .credentialsProvider(MADE_UP)
                        .httpClient(http)
                        .overrideConfiguration(noRetries)
                        .build();
                ConfigClient config = ConfigClient.builder()
                        .region(Region.US_EAST_1)
                        .credentialsProvider(MADE_UP)
                        .httpClient(http)
                        .overrideConfiguration(noRetries)
                        .build()) {
            iam.listUsersPaginator(request -> request.maxItems(1000)).users().forEach(user -> {});
            iam.generateCredentialReport();
            iam.getCredentialReport();
            iam.getUser(request -> request.userName("priming"));
            iam.listAccessKeysPaginator(request -> request.userName("priming"))
                    .accessKeyMetadata()
                    .forEach(key -> {});
            iam.getAccessKeyLastUsed(request -> request.accessKeyId("AKIAPRIMING000000001"));
            iam.listUserTagsPaginator(request -> request.userName("priming"))
                    .tags()
                    .forEach(tag -> {});
            config.getComplianceDetailsByConfigRulePaginator(request -> request.configRuleName("priming")
                            .complianceTypes(ComplianceType.COMPLIANT)
                            .limit(100))
                    .evaluationResults()
                    .forEach(result -> {});
            config.putEvaluations(request -> request.resultToken("priming")
                    .testMode(true)
                    .evaluations(Evaluation.builder()
                            .complianceResourceType(IamUserResource.TYPE)
                            .complianceResourceId("AIDAPRIMING000000001")
                            .complianceType(ComplianceType.COMPLIANT)
                            .annotation("priming")
                            .orderingTimestamp(Instant.EPOCH)
                            .build()));
        }
        return http.answered();
    }

    /** Answers each request with an empty response of the operation's shape; never opens a connection. */
    private static final class AnsweringHttpClient implements SdkHttpClient {

        private final List<String> answered = new ArrayList<>();

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
                response = "{}";
                contentType = "application/x-amz-json-1.1";
            } else {
                Matcher action = IAM_ACTION.matcher(body);
                operation = action.find() ? action.group(1) : "Unknown";
                response = "<" + operation + "Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><"
                        + operation + "Result>" + iamResult(operation) + "</" + operation + "Result></"
                        + operation + "Response>";
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

        private static String iamResult(String operation) {
            return switch (operation) {
                case "GenerateCredentialReport" -> "<State>COMPLETE</State>";
                case "GetCredentialReport" -> "<Content>dXNlcgo=</Content><ReportFormat>text/csv</ReportFormat>";
                case "GetUser" ->
                    "<User><UserName>priming</UserName><UserId>AIDAPRIMING000000001</UserId><Path>/</Path>"
                            + "<Arn>arn:aws:iam::000000000000:user/priming</Arn>"
                            + "<CreateDate>2020-01-01T00:00:00Z</CreateDate></User>";
                case "GetAccessKeyLastUsed" ->
                    "<UserName>priming</UserName><AccessKeyLastUsed><Region>N/A</Region>"
                            + "<ServiceName>N/A</ServiceName></AccessKeyLastUsed>";
                default -> "<IsTruncated>false</IsTruncated>";
            };
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
}
