package io.github.stalekeys.securityhub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

/**
 * The two Security Hub calls the rule makes, {@code BatchImportFindings} ({@code POST /findings/import}) and
 * {@code GetFindings} ({@code POST /findings}), as signed REST-JSON requests.
 *
 * <p>Why not the SDK's {@code securityhub} module: it is 8.7 MB (the whole ASFF model) for two calls, and each
 * Lambda zip must stay within 15 MB. This uses what the zip already holds: the shared HTTP client, the default
 * credentials chain, the SDK's SigV4 signer ({@code http-auth-aws}) and Jackson. The endpoint follows the SDK's
 * documented {@code AWS_ENDPOINT_URL_SECURITYHUB} / {@code AWS_ENDPOINT_URL} (an emulator, a VPC endpoint),
 * else {@code https://securityhub.REGION.DNS-SUFFIX} with the region's partition's suffix ({@code amazonaws.com},
 * {@code amazonaws.com.cn} in China). A base path in the endpoint is kept. Throttling (HTTP 429, {@code ThrottlingException},
 * {@code TooManyRequestsException}), 5xx answers and broken connections are retried with jittered exponential
 * backoff, {@value #MAX_ATTEMPTS} attempts in all; anything else is a {@link SecurityHubException} naming the
 * error code, as are credentials that cannot be resolved ({@code CredentialsUnavailable}, not retried).
 */
public final class SecurityHubApi {

    static final int MAX_ATTEMPTS = 6;
    private static final Duration BASE_DELAY = Duration.ofMillis(200);
    private static final Duration MAX_DELAY = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SdkHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final String region;
    private final URI endpoint;
    private final Consumer<Duration> sleeper;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    public SecurityHubApi(
            SdkHttpClient http,
            AwsCredentialsProvider credentials,
            String region,
            URI endpoint,
            Consumer<Duration> sleeper) {
        this.http = Objects.requireNonNull(http, "http");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.region = Objects.requireNonNull(region, "region");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * The endpoint: {@code override} when given (tests, the SDK clients' own override), else the SDK's
     * documented environment variables, else Security Hub's public endpoint in {@code region}.
     */
    public static URI endpoint(URI override, String region, Function<String, String> environment) {
        if (override != null) {
            return override;
        }
        for (String variable : new String[] {"AWS_ENDPOINT_URL_SECURITYHUB", "AWS_ENDPOINT_URL"}) {
            String value = environment.apply(variable);
            if (value != null && !value.isBlank()) {
                return httpUrl(variable, value.strip());
            }
        }
        return URI.create("https://securityhub." + region + "."
                + PartitionMetadata.of(Region.of(region)).dnsSuffix());
    }

    private static URI httpUrl(String variable, String value) {
        URI url;
        try {
            url = new URI(value);
        } catch (URISyntaxException notAUri) {
            throw new IllegalStateException(variable + " is not an http(s) URL: " + notAUri.getMessage(), notAUri);
        }
        // The SDK clients refuse such a value too; refusing it here names the variable instead of a failed call.
        if (!("http".equalsIgnoreCase(url.getScheme()) || "https".equalsIgnoreCase(url.getScheme()))
                || url.getHost() == null) {
            throw new IllegalStateException(
                    variable + " is not an http(s) URL with a host, such as http://127.0.0.1:4566");
        }
        return url;
    }

    /** The operation's path below the endpoint's own path: {@code URI.resolve} would drop a base path. */
    static URI operationUrl(URI endpoint, String path) {
        String base = endpoint.getRawPath() == null ? "" : endpoint.getRawPath();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority() + base + path);
    }

    /** {@code BatchImportFindings}: the answer's {@code FailedCount}, {@code FailedFindings}... as JSON. */
    public JsonNode batchImportFindings(ObjectNode body) {
        return call("BatchImportFindings", "/findings/import", body);
    }

    /** {@code GetFindings}: one page. */
    public JsonNode getFindings(ObjectNode body) {
        return call("GetFindings", "/findings", body);
    }

    private JsonNode call(String operation, String path, ObjectNode body) {
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int attempt = 1; ; attempt++) {
            Answer answer;
            try {
                answer = send(path, payload, identity(operation));
            } catch (IOException | UncheckedIOException broken) {
                Exception connection = broken instanceof UncheckedIOException unchecked ? unchecked.getCause() : broken;
                if (attempt >= MAX_ATTEMPTS) {
                    throw new SecurityHubException(
                            operation, "ConnectionFailed", connection.getMessage(), 0, connection);
                }
                pause(attempt);
                continue;
            }
            if (answer.status() / 100 == 2) {
                return answer.json().orElseGet(JSON::createObjectNode);
            }
            SecurityHubException failure = answer.failure(operation);
            if (!failure.retryable() || attempt >= MAX_ATTEMPTS) {
                throw failure;
            }
            pause(attempt);
        }
    }

    private void pause(int attempt) {
        long cap = Math.min(MAX_DELAY.toMillis(), BASE_DELAY.toMillis() << Math.min(attempt - 1, 10));
        sleeper.accept(Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1)));
    }

    /** Resolved for each attempt: temporary credentials can be refreshed between retries. */
    private AwsCredentials identity(String operation) {
        try {
            return credentials.resolveCredentials();
        } catch (SdkClientException unavailable) {
            throw new SecurityHubException(
                    operation, "CredentialsUnavailable", unavailable.getMessage(), 0, unavailable);
        }
    }

    private Answer send(String path, byte[] payload, AwsCredentials identity) throws IOException {
        // No Content-Length header: with one, the URLConnection client streams the body, and HttpURLConnection then
        // hides a 401's body (Security Hub's InvalidAccessException), so its message could not be read. Buffered,
        // HttpURLConnection sends the length itself.
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(operationUrl(endpoint, path))
                .putHeader("Content-Type", "application/json")
                .build();
        SignedRequest signed = signer.sign(sign -> sign.identity(identity)
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(payload))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "securityhub")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                        .request(signed.request())
                        .contentStreamProvider(signed.payload().orElse(null))
                        .build())
                .call();
        byte[] bytes;
        try (InputStream in =
                response.responseBody().map(InputStream.class::cast).orElse(InputStream.nullInputStream())) {
            bytes = in.readAllBytes();
        }
        return new Answer(
                response.httpResponse().statusCode(),
                response.httpResponse().firstMatchingHeader("x-amzn-ErrorType"),
                bytes);
    }

    private record Answer(int status, Optional<String> errorTypeHeader, byte[] body) {

        Optional<JsonNode> json() {
            if (body.length == 0) {
                return Optional.empty();
            }
            try {
                return Optional.of(JSON.readTree(body));
            } catch (IOException notJson) {
                return Optional.empty();
            }
        }

        SecurityHubException failure(String operation) {
            JsonNode error = json().orElseGet(JSON::createObjectNode);
            String code = errorTypeHeader
                    .map(type -> type.split(":", 2)[0])
                    .or(() -> text(error, "__type", "Code", "code"))
                    .map(type -> type.substring(type.lastIndexOf('#') + 1))
                    .or(() -> xmlCode(new String(body, StandardCharsets.UTF_8)))
                    .orElse("HTTP" + status);
            String message = text(error, "Message", "message").orElse("");
            return new SecurityHubException(operation, code, message, status, null);
        }

        private static Optional<String> text(JsonNode node, String... names) {
            for (String name : names) {
                if (node.path(name).isTextual() && !node.path(name).asText().isBlank()) {
                    return Optional.of(node.path(name).asText());
                }
            }
            return Optional.empty();
        }

        private static Optional<String> xmlCode(String text) {
            int start = text.indexOf("<Code>");
            int end = text.indexOf("</Code>");
            return start >= 0 && end > start
                    ? Optional.of(text.substring(start + 6, end).strip())
                    : Optional.empty();
        }
    }
}
