package io.github.stalekeys.aws;

import io.github.stalekeys.securityhub.SecurityHubApi;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * The SDK clients of one Lambda container, built once and shared by every invocation.
 *
 * <p>Region comes from {@code AWS_REGION}; credentials from the default chain (SnapStart hands out
 * container credentials, so never pin environment credentials); one URLConnection HTTP client for all.
 * Endpoints follow {@code AWS_ENDPOINT_URL[_<SERVICE>]}, which the SDK reads itself, so the same binary
 * talks to AWS or to a local emulator. IAM throttles and its limit cannot be raised, so calls retry with
 * the adaptive strategy, which also slows the client down when throttled.
 */
public final class AwsClients {

    private static final int MAX_ATTEMPTS = 8;

    private final Region region;
    private final SdkHttpClient httpClient;
    private final IamClient iam;
    private final ConfigClient config;
    private final StsClient sts;
    private final KmsClient kms;
    private final EventBridgeClient events;
    private final URI endpoint;
    private final AwsCredentialsProvider credentials;
    private final Map<String, AwsClients> assumedRoles = new ConcurrentHashMap<>();

    private AwsClients(Region region, SdkHttpClient httpClient, AwsCredentialsProvider credentials, URI endpoint) {
        this.region = region;
        this.httpClient = httpClient;
        this.endpoint = endpoint;
        this.credentials = credentials;
        ClientOverrideConfiguration retries = ClientOverrideConfiguration.builder()
                .retryStrategy(AwsRetryStrategy.adaptiveRetryStrategy().toBuilder()
                        .maxAttempts(MAX_ATTEMPTS)
                        .build())
                .build();
        this.iam = configured(IamClient.builder(), credentials, retries);
        this.config = configured(ConfigClient.builder(), credentials, retries);
        this.kms = configured(KmsClient.builder(), credentials, retries);
        this.events = configured(EventBridgeClient.builder(), credentials, retries);
        this.sts = configured(StsClient.builder(), credentials, retries);
    }

    /** Clients for this container: region from {@code AWS_REGION}, default credentials chain. */
    public static AwsClients fromEnvironment() {
        String regionName = System.getenv("AWS_REGION");
        if (regionName == null || regionName.isBlank()) {
            throw new IllegalStateException(
                    "AWS_REGION is not set: the Lambda runtime sets it; set it when running elsewhere");
        }
        return create(
                Region.of(regionName), DefaultCredentialsProvider.builder().build(), null);
    }

    /**
     * Clients with the given region and credentials, sending every call to {@code endpoint} when it is not
     * null (an emulator, a VPC endpoint), else to AWS's endpoints or those {@code AWS_ENDPOINT_URL} names.
     */
    public static AwsClients create(Region region, AwsCredentialsProvider credentials, URI endpoint) {
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(credentials, "credentials");
        SdkHttpClient http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(30))
                .build();
        return new AwsClients(region, http, credentials, endpoint);
    }

    /**
     * Clients that hand every request to {@code http} instead of the network, configured as {@link
     * #fromEnvironment()} configures them (region from {@code AWS_REGION} when set, else us-east-1; endpoints from
     * {@code AWS_ENDPOINT_URL}; retries): the rule's SnapStart priming, which must never reach AWS.
     */
    public static AwsClients answeredBy(SdkHttpClient http, AwsCredentialsProvider credentials) {
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(credentials, "credentials");
        String regionName = System.getenv("AWS_REGION");
        Region region = regionName == null || regionName.isBlank() ? Region.US_EAST_1 : Region.of(regionName);
        return new AwsClients(region, http, credentials, null);
    }

    /** Every client alike: this region and HTTP client, the given credentials and retries, the endpoint if any. */
    private <B extends AwsSyncClientBuilder<B, C> & AwsClientBuilder<B, C>, C> C configured(
            B builder, AwsCredentialsProvider credentials, ClientOverrideConfiguration retries) {
        builder.region(region).credentialsProvider(credentials).overrideConfiguration(retries);
        builder.httpClient(httpClient);
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    /**
     * Clients acting as {@code roleArn} (the organization-wide mode: a role in the member account).
     * Cached per role, so a warm container reuses the session until it needs refreshing.
     */
    public AwsClients assumingRole(String roleArn, String sessionName) {
        Objects.requireNonNull(roleArn, "roleArn");
        Objects.requireNonNull(sessionName, "sessionName");
        return assumedRoles.computeIfAbsent(
                roleArn,
                arn -> new AwsClients(
                        region,
                        httpClient,
                        StsAssumeRoleCredentialsProvider.builder()
                                .stsClient(sts)
                                .refreshRequest(request -> request.roleArn(arn).roleSessionName(sessionName))
                                .build(),
                        endpoint));
    }

    /** The region every client calls. */
    public Region region() {
        return region;
    }

    public IamClient iam() {
        return iam;
    }

    public ConfigClient config() {
        return config;
    }

    /** Seals and verifies the remediation's audit records (HMAC keys). */
    public KmsClient kms() {
        return kms;
    }

    /** The client for this account's default event bus (in organization mode: the rule's own account). */
    public EventBridgeClient events() {
        return events;
    }

    /**
     * Security Hub's two calls over this container's HTTP client and credentials (no SDK module: see {@link
     * SecurityHubApi}); {@code sleeper} waits between retries.
     */
    public SecurityHubApi securityHub(Consumer<Duration> sleeper) {
        return new SecurityHubApi(
                httpClient,
                credentials,
                region.id(),
                SecurityHubApi.endpoint(endpoint, region.id(), System::getenv),
                sleeper);
    }
}
