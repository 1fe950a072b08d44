package io.github.stalekeys.securityhub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/** Where the calls go and which failures are retried, without a network. */
class SecurityHubApiTest {

    @Test
    void theEndpointFollowsTheSdksEnvironmentVariables() {
        assertEquals(
                URI.create("https://securityhub.eu-west-1.amazonaws.com"),
                SecurityHubApi.endpoint(null, "eu-west-1", Map.<String, String>of()::get));
        assertEquals(
                URI.create("http://127.0.0.1:4566"),
                SecurityHubApi.endpoint(null, "eu-west-1", Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")::get));
        assertEquals(
                URI.create("https://vpce.example"),
                SecurityHubApi.endpoint(
                        null,
                        "eu-west-1",
                        Map.of(
                                "AWS_ENDPOINT_URL",
                                "http://127.0.0.1:4566",
                                "AWS_ENDPOINT_URL_SECURITYHUB",
                                "https://vpce.example")::get));
        assertEquals(
                URI.create("http://override"),
                SecurityHubApi.endpoint(
                        URI.create("http://override"), "eu-west-1", Map.of("AWS_ENDPOINT_URL", "http://x")::get));
    }

    /**
     * The China partition's endpoints end in {@code .amazonaws.com.cn}
     * (https://docs.amazonaws.cn/en_us/aws/latest/userguide/endpoints-Beijing.html: "The endpoint domain for both
     * the Beijing and Ningxia Regions is .amazonaws.com.cn"); GovCloud's in {@code .amazonaws.com}
     * (https://docs.aws.amazon.com/general/latest/gr/sechub.html lists securityhub.us-gov-west-1.amazonaws.com).
     */
    @Test
    void theDefaultEndpointIsInTheRegionsPartition() {
        assertEquals(
                URI.create("https://securityhub.cn-north-1.amazonaws.com.cn"),
                SecurityHubApi.endpoint(null, "cn-north-1", Map.<String, String>of()::get));
        assertEquals(
                URI.create("https://securityhub.cn-northwest-1.amazonaws.com.cn"),
                SecurityHubApi.endpoint(null, "cn-northwest-1", Map.<String, String>of()::get));
        assertEquals(
                URI.create("https://securityhub.us-gov-west-1.amazonaws.com"),
                SecurityHubApi.endpoint(null, "us-gov-west-1", Map.<String, String>of()::get));
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:4566", "localhost:4566", "ftp://127.0.0.1:4566", "http://", "/findings"})
    void anEndpointVariableWithoutAnHttpSchemeAndHostIsRefused(String value) {
        IllegalStateException error = assertThrows(
                IllegalStateException.class,
                () -> SecurityHubApi.endpoint(null, "eu-west-1", Map.of("AWS_ENDPOINT_URL", value)::get));
        assertTrue(error.getMessage().startsWith("AWS_ENDPOINT_URL is not an http(s) URL"), error.getMessage());
    }

    /** A proxy or gateway under a path: the operation's path goes below it, as the SDK clients do. */
    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:4566/proxy", "http://127.0.0.1:4566/proxy/"})
    void anEndpointsBasePathIsKept(String endpoint) {
        RecordingHttp http = new RecordingHttp(200, "{}");
        api(http, () -> CREDENTIALS.resolveCredentials(), URI.create(endpoint))
                .getFindings(JsonNodeFactory.instance.objectNode());
        assertEquals("/proxy/findings", http.requests.get(0).encodedPath());
        api(http, () -> CREDENTIALS.resolveCredentials(), URI.create("http://127.0.0.1:4566"))
                .batchImportFindings(JsonNodeFactory.instance.objectNode());
        assertEquals("/findings/import", http.requests.get(1).encodedPath());
    }

    /** Credentials that cannot be resolved fail the import only, as a SecurityHubException, with no request sent. */
    @Test
    void credentialsThatCannotBeResolvedAreASecurityHubFailure() {
        RecordingHttp http = new RecordingHttp(200, "{}");
        AwsCredentialsProvider broken = () -> {
            throw SdkClientException.create("Unable to load credentials from any of the providers in the chain");
        };
        SecurityHubException error = assertThrows(
                SecurityHubException.class,
                () -> api(http, broken, URI.create("http://127.0.0.1:4566"))
                        .getFindings(JsonNodeFactory.instance.objectNode()));
        assertEquals("CredentialsUnavailable", error.errorCode());
        assertTrue(error.getMessage().contains("Unable to load credentials"), error.getMessage());
        assertFalse(error.retryable());
        assertTrue(http.requests.isEmpty());
    }

    /** An HTTP client that reports a broken connection unchecked is retried like one that reports it checked. */
    @Test
    void anUncheckedConnectionFailureIsRetriedThenNamed() {
        RecordingHttp http = new RecordingHttp(0, null);
        List<Duration> pauses = new ArrayList<>();
        SecurityHubApi api = new SecurityHubApi(
                http, () -> CREDENTIALS.resolveCredentials(), "eu-west-1", URI.create("http://x"), pauses::add);
        SecurityHubException error =
                assertThrows(SecurityHubException.class, () -> api.getFindings(JsonNodeFactory.instance.objectNode()));
        assertEquals("ConnectionFailed", error.errorCode());
        assertEquals(SecurityHubApi.MAX_ATTEMPTS, http.requests.size());
        assertEquals(SecurityHubApi.MAX_ATTEMPTS - 1, pauses.size());
    }

    /** Through the HTTP client the product ships: the error's code and message are read from a 401's body. */
    @Test
    void anErrorAnswersCodeAndMessageAreReadThroughTheShippedHttpClient() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        List<String> contentLengths = new ArrayList<>();
        server.createContext("/", exchange -> {
            contentLengths.add(exchange.getRequestHeaders().getFirst("Content-Length"));
            byte[] answer =
                    "{\"Code\":\"InvalidAccessException\",\"Message\":\"Account 123456789012 is not subscribed to AWS Security Hub\"}"
                            .getBytes(StandardCharsets.UTF_8);
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("x-amzn-ErrorType", "InvalidAccessException");
            exchange.sendResponseHeaders(401, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        try (SdkHttpClient http = UrlConnectionHttpClient.create()) {
            URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            SecurityHubException error = assertThrows(
                    SecurityHubException.class,
                    () -> api(http, () -> CREDENTIALS.resolveCredentials(), endpoint)
                            .getFindings(JsonNodeFactory.instance.objectNode()));
            assertEquals("InvalidAccessException", error.errorCode());
            assertEquals(401, error.status());
            assertTrue(error.getMessage().endsWith("is not subscribed to AWS Security Hub"), error.getMessage());
            assertTrue(error.notEnabled());
            assertEquals(List.of("2"), contentLengths, "the body {} is sent with its length");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aBadEndpointVariableIsNamed() {
        IllegalStateException error = assertThrows(
                IllegalStateException.class,
                () -> SecurityHubApi.endpoint(null, "eu-west-1", Map.of("AWS_ENDPOINT_URL_SECURITYHUB", "a b")::get));
        assertTrue(
                error.getMessage().startsWith("AWS_ENDPOINT_URL_SECURITYHUB is not an http(s) URL"),
                error.getMessage());
    }

    @Test
    void throttlingAndServerErrorsAreRetriedOthersAreNot() {
        assertTrue(new SecurityHubException("GetFindings", "TooManyRequestsException", "", 429, null).retryable());
        assertTrue(new SecurityHubException("GetFindings", "ThrottlingException", "", 400, null).retryable());
        assertTrue(new SecurityHubException("GetFindings", "InternalException", "", 500, null).retryable());
        assertFalse(new SecurityHubException("GetFindings", "AccessDeniedException", "", 403, null).retryable());
        assertFalse(new SecurityHubException("GetFindings", "InvalidInputException", "", 400, null).retryable());
    }

    @Test
    void securityHubNotEnabledIsRecognisedByCodeOrMessage() {
        assertTrue(new SecurityHubException(
                        "GetFindings",
                        "InvalidAccessException",
                        "Account 123456789012 is not subscribed to AWS Security Hub",
                        401,
                        null)
                .notEnabled());
        assertTrue(new SecurityHubException(
                        "GetFindings", "HTTP401", "Account 1 is not subscribed to AWS Security Hub", 401, null)
                .notEnabled());
        assertFalse(new SecurityHubException("GetFindings", "AccessDeniedException", "denied", 403, null).notEnabled());
    }

    /**
     * InvalidAccessException also means other things than "not enabled": hashicorp/terraform-provider-aws#23079 shows
     * it, HTTP 401, for "Account ... is not an administrator for this organization". Only the "not subscribed"
     * message (joshlarsen/aws-recon#65: "Account 123123123123 is not subscribed to AWS Security Hub") is taken as
     * Security Hub not enabled; any other is an error with its message.
     */
    @Test
    void anInvalidAccessExceptionForAnotherReasonIsNotTakenAsNotEnabled() {
        assertFalse(new SecurityHubException(
                        "BatchImportFindings",
                        "InvalidAccessException",
                        "Account 123456789012 is not an administrator for this organization",
                        401,
                        null)
                .notEnabled());
        assertFalse(new SecurityHubException("GetFindings", "InvalidAccessException", "", 401, null).notEnabled());
    }

    @Test
    void aHostileErrorMessageIsBoundedToOneLine() {
        String message = new SecurityHubException(
                        "BatchImportFindings",
                        "InvalidInputException",
                        "line1\nline2\u001b[31m" + "x".repeat(1000),
                        400,
                        null)
                .getMessage();
        assertFalse(message.contains("\n"));
        assertTrue(message.length() < 400, message);
    }

    private static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAEXAMPLE", "secret"));

    private static SecurityHubApi api(SdkHttpClient http, AwsCredentialsProvider credentials, URI endpoint) {
        return new SecurityHubApi(http, credentials, "eu-west-1", endpoint, pause -> {});
    }

    /** Answers every request with one status and body (status 0: throws UncheckedIOException), and keeps them. */
    private static final class RecordingHttp implements SdkHttpClient {
        final List<SdkHttpRequest> requests = new ArrayList<>();
        private final int status;
        private final String body;

        RecordingHttp(int status, String body) {
            this.status = status;
            this.body = body;
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            requests.add(request.httpRequest());
            return new ExecutableHttpRequest() {
                @Override
                public HttpExecuteResponse call() {
                    if (status == 0) {
                        throw new UncheckedIOException(new IOException("Connection reset"));
                    }
                    return HttpExecuteResponse.builder()
                            .response(
                                    SdkHttpResponse.builder().statusCode(status).build())
                            .responseBody(AbortableInputStream.create(
                                    new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
                            .build();
                }

                @Override
                public void abort() {}
            };
        }

        @Override
        public void close() {}
    }
}
