package io.github.stalekeys.emulator;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * A local stand-in for IAM, STS and AWS Config: the moto server started as a child process, plus
 * the extensions of {@code aws_emulator.py} (shiftable IAM clock, key seeding, call counts, a
 * stateful Config evaluation store, credential report readiness control).
 *
 * <p>Start one with {@link #start()} (or let {@link AwsEmulatorExtension} share one across tests)
 * and point SDK clients at {@link #endpoint()}.
 */
public final class AwsEmulator implements AutoCloseable {

    /** The JUnit tag of test classes that start the emulator; the build runs them in {@code mvn verify}. */
    public static final String TAG = "emulator";

    static final String TEST_RUN_PROPERTY = "stalekeys.testRun";
    private static final String SCRIPT = "aws_emulator.py";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(30);
    private static final String REGION = "us-east-1";
    // Moto accepts any credentials; these are AWS's documented example pair.
    private static final AwsBasicCredentials TEST_CREDENTIALS =
            AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

    private final Process process;
    private final Path workDir;
    private final URI endpoint;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();

    private AwsEmulator(Process process, Path workDir, URI endpoint, HttpClient http) {
        this.process = process;
        this.workDir = workDir;
        this.endpoint = endpoint;
        this.http = http;
    }

    /**
     * Starts a fresh emulator on a free loopback port with {@code python3} (or the interpreter
     * named by {@code $STALEKEYS_PYTHON}), waiting until it serves requests.
     *
     * @throws IllegalStateException if it does not come up within 60 s; the message carries the
     *     process's stderr (e.g. moto not installed)
     */
    public static AwsEmulator start() {
        return start(Objects.requireNonNullElse(System.getenv("STALEKEYS_PYTHON"), "python3"));
    }

    /** {@link #start()} with an explicit interpreter; package-private for the start-up tests. */
    static AwsEmulator start(String python) {
        requireText(python, "python");
        refuseInPureJavaTestRun();
        Path workDir;
        Path script;
        try {
            workDir = Files.createTempDirectory("aws-emulator");
            script = workDir.resolve(SCRIPT);
            try (InputStream in = AwsEmulator.class.getResourceAsStream(SCRIPT)) {
                if (in == null) {
                    throw new IllegalStateException(SCRIPT + " is missing from the classpath");
                }
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract " + SCRIPT, e);
        }
        int port = freeLoopbackPort();
        Path stderr = workDir.resolve("stderr.log");
        Process process;
        try {
            process = new ProcessBuilder(python, script.toString(), "--port", Integer.toString(port))
                    .redirectError(stderr.toFile())
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run '" + python + "' (set STALEKEYS_PYTHON?)", e);
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        AwsEmulator emulator = new AwsEmulator(process, workDir, endpoint, http);
        try {
            emulator.awaitReady(port);
        } catch (RuntimeException e) {
            String log = readQuietly(stderr);
            emulator.close();
            throw new IllegalStateException("AWS emulator did not start (" + e.getMessage() + "); stderr:\n" + log, e);
        }
        return emulator;
    }

    /**
     * The build's pure-Java test run ({@code mvn test}) sets {@value #TEST_RUN_PROPERTY} to {@code unit}: it
     * must pass on a machine without Python, so a test that starts moto there is a test missing its tag.
     */
    static void refuseInPureJavaTestRun() {
        if ("unit".equals(System.getProperty(TEST_RUN_PROPERTY))) {
            throw new IllegalStateException("the AWS emulator (moto, Python) cannot start in the pure-Java test run"
                    + " (mvn test): put @Tag(\"" + TAG + "\") on the test class so it runs in mvn verify");
        }
    }

    private void awaitReady(int port) {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    // Keeps draining stdout after READY so the child never blocks on a full pipe.
                    try (BufferedReader lines = new BufferedReader(
                            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                        String line;
                        while ((line = lines.readLine()) != null) {
                            if (line.equals("READY " + port)) {
                                ready.complete(null);
                            }
                        }
                    } catch (IOException ignored) {
                        // The process is gone; the wait below reports that.
                    }
                    ready.completeExceptionally(new IllegalStateException("process exited"));
                },
                "aws-emulator-stdout");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no READY line within " + STARTUP_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage() + exitCodeIfExited());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the emulator");
        }
        JsonNode health = control("GET", "/_emulator/health", null);
        if (!"ok".equals(health.path("status").asText())) {
            throw new IllegalStateException("health check answered " + health);
        }
    }

    /** Its stdout closes a moment before the process is reaped: wait that moment for the exit code. */
    private String exitCodeIfExited() {
        try {
            return process.waitFor(5, TimeUnit.SECONDS) ? " with code " + process.exitValue() : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static int freeLoopbackPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(stderr unreadable: " + e.getMessage() + ")";
        }
    }

    /** Base URI for every AWS service; set it as the SDK clients' endpoint override. */
    public URI endpoint() {
        return endpoint;
    }

    /** The region clients should use ({@code us-east-1}, where IAM's global endpoint signs). */
    public String region() {
        return REGION;
    }

    /** Static test credentials; moto maps them to its default account 123456789012. */
    public AwsCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(TEST_CREDENTIALS);
    }

    /** IAM client pointed at the emulator with the test credentials. */
    public IamClient iamClient() {
        return iamClient(credentials());
    }

    /** IAM client pointed at the emulator, acting as {@code credentials} (in their account). */
    public IamClient iamClient(AwsCredentialsProvider credentials) {
        return configure(IamClient.builder(), credentials).build();
    }

    /** AWS Config client pointed at the emulator with the test credentials. */
    public ConfigClient configClient() {
        return configClient(credentials());
    }

    /** AWS Config client pointed at the emulator, acting as {@code credentials} (in their account). */
    public ConfigClient configClient(AwsCredentialsProvider credentials) {
        return configure(ConfigClient.builder(), credentials).build();
    }

    /**
     * Creates a KMS HMAC key (KeySpec HMAC_256, KeyUsage GENERATE_VERIFY_MAC), as the template does for sealing
     * audit records, and returns its id.
     */
    public String createHmacKey() {
        return createHmacKey(credentials());
    }

    /** {@link #createHmacKey()} in the account of {@code credentials} (a role session of a member account). */
    public String createHmacKey(AwsCredentialsProvider credentials) {
        try (KmsClient kms = configure(KmsClient.builder(), credentials).build()) {
            return kms.createKey(key -> key.keySpec(KeySpec.HMAC_256)
                            .keyUsage(KeyUsageType.GENERATE_VERIFY_MAC)
                            .description("audit record seal"))
                    .keyMetadata()
                    .keyId();
        }
    }

    /** STS client pointed at the emulator with the test credentials. */
    public StsClient stsClient() {
        return stsClient(credentials());
    }

    /** STS client pointed at the emulator, acting as {@code credentials}. */
    public StsClient stsClient(AwsCredentialsProvider credentials) {
        return configure(StsClient.builder(), credentials).build();
    }

    /**
     * Session credentials of {@code roleArn} (its account is the one they act in), obtained by the test
     * credentials. Moto lets any caller assume any role, even one that does not exist, until
     * {@link #enforceRoleTrust(boolean)} is switched on: take the sessions a test needs before that.
     */
    public AwsCredentialsProvider roleSession(String roleArn, String sessionName) {
        requireText(roleArn, "roleArn");
        requireText(sessionName, "sessionName");
        try (StsClient sts = stsClient()) {
            var issued = sts.assumeRole(request -> request.roleArn(roleArn).roleSessionName(sessionName))
                    .credentials();
            return StaticCredentialsProvider.create(AwsSessionCredentials.create(
                    issued.accessKeyId(), issued.secretAccessKey(), issued.sessionToken()));
        }
    }

    /**
     * From now on AssumeRole is refused (AccessDenied) unless the role exists and an unconditioned Allow
     * statement of its trust policy names the caller (role or user ARN, account id or account root); the
     * caller's identity policies are not evaluated. {@code false} (the default, and after a reset) is moto's
     * behaviour: any role ARN can be assumed.
     */
    public void enforceRoleTrust(boolean enforced) {
        control("POST", "/_emulator/sts/enforce-trust", json.createObjectNode().put("enabled", enforced));
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(
            B builder, AwsCredentialsProvider credentials) {
        return builder.endpointOverride(endpoint)
                .region(Region.of(REGION))
                .credentialsProvider(credentials)
                .httpClientBuilder(UrlConnectionHttpClient.builder());
    }

    /**
     * Makes every AWS API call wait {@code latency} before it is answered (a realistic round trip from Lambda to
     * IAM or Config is some tens of milliseconds); {@code Duration.ZERO} answers at once. Calls made in parallel
     * wait in parallel. {@link #reset()} sets it back to zero.
     */
    public void setLatency(Duration latency) {
        Objects.requireNonNull(latency, "latency");
        control("POST", "/_emulator/latency", json.createObjectNode().put("millis", latency.toMillis()));
    }

    /** Forgets all AWS state and every extension setting: clock, faults, triggers, counts, switches. */
    public void reset() {
        control("POST", "/_emulator/reset", json.createObjectNode());
    }

    /**
     * Shifts IAM's clock by {@code offset} (negative = into the past) for keys created or used from
     * now on; {@code Duration.ZERO} restores real time.
     */
    public void shiftClock(Duration offset) {
        Objects.requireNonNull(offset, "offset");
        control("POST", "/_emulator/clock", json.createObjectNode().put("offsetSeconds", offset.toSeconds()));
    }

    /**
     * Sets an existing key's creation date and last use directly (no signed request needed), the
     * fast path for seeding thousands of keys.
     *
     * @param lastUsedOrNull {@code null} makes the key look never used
     * @throws IllegalArgumentException if the key does not exist
     */
    public void seedKeyActivity(String accessKeyId, Instant createDate, Instant lastUsedOrNull) {
        requireText(accessKeyId, "accessKeyId");
        Objects.requireNonNull(createDate, "createDate");
        ObjectNode body = json.createObjectNode().put("createDate", createDate.toString());
        if (lastUsedOrNull == null) {
            body.putNull("lastUsedDate");
        } else {
            body.put("lastUsedDate", lastUsedOrNull.toString())
                    .put("serviceName", "s3")
                    .put("region", REGION);
        }
        String path = "/_emulator/iam/access-keys/" + URLEncoder.encode(accessKeyId, StandardCharsets.UTF_8);
        control("POST", path, body);
    }

    /**
     * Creates IAM users directly in the emulator, as {@code CreateUser} would (same user ids, ARNs
     * and create dates) but in one control request instead of one signed request per user; not
     * counted as AWS calls. The fast path for tests that need thousands of users.
     *
     * @throws IllegalStateException if a name is invalid, repeated or already taken
     */
    public void seedUsers(Collection<String> userNames, String path) {
        Objects.requireNonNull(userNames, "userNames");
        requireText(path, "path");
        ObjectNode body = json.createObjectNode().put("path", path);
        userNames.forEach(body.putArray("userNames")::add);
        control("POST", "/_emulator/iam/users", body);
    }

    /** {@link #seedUsers(Collection, String)} with IAM's default path {@code "/"}. */
    public void seedUsers(Collection<String> userNames) {
        seedUsers(userNames, "/");
    }

    /**
     * Makes a key look last used at {@code when}: shifts the clock, sends one request signed with
     * the key (STS GetCallerIdentity), and restores the real clock.
     */
    public void useKeyAt(String accessKeyId, String secretAccessKey, Instant when) {
        requireText(accessKeyId, "accessKeyId");
        requireText(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(when, "when");
        shiftClock(Duration.between(Instant.now(), when));
        try (StsClient sts =
                stsClient(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey)))) {
            sts.getCallerIdentity();
        } finally {
            shiftClock(Duration.ZERO);
        }
    }

    /** AWS API calls seen since the last reset, keyed {@code "<service>:<Operation>"}. */
    public Map<String, Long> callCounts() {
        return json.convertValue(control("GET", "/_emulator/calls", null), new TypeReference<Map<String, Long>>() {});
    }

    /** Clears the call counts only. */
    public void resetCallCounts() {
        control("DELETE", "/_emulator/calls", null);
    }

    /** A result token for {@code ruleName}, as Config puts in the rule's event; registers the rule. */
    public String registerResultToken(String ruleName) {
        requireText(ruleName, "ruleName");
        return control(
                        "POST",
                        "/_emulator/config/result-tokens",
                        json.createObjectNode().put("configRuleName", ruleName))
                .path("resultToken")
                .asText();
    }

    /**
     * A result token for the rule {@code ruleName} of account {@code accountId}: only that account's
     * credentials can post evaluations with it, and they are stored for that account only.
     */
    public String registerResultToken(String ruleName, String accountId) {
        requireText(ruleName, "ruleName");
        requireText(accountId, "accountId");
        return control(
                        "POST",
                        "/_emulator/config/result-tokens",
                        json.createObjectNode().put("configRuleName", ruleName).put("accountId", accountId))
                .path("resultToken")
                .asText();
    }

    /**
     * Makes the next {@code times} PutEvaluations calls that mention any of {@code resourceIds}
     * report those evaluations in FailedEvaluations instead of storing them.
     */
    public void failEvaluations(Collection<String> resourceIds, int times) {
        Objects.requireNonNull(resourceIds, "resourceIds");
        if (resourceIds.isEmpty()) {
            throw new IllegalArgumentException("resourceIds must not be empty");
        }
        if (times < 1) {
            throw new IllegalArgumentException("times must be >= 1, was " + times);
        }
        ObjectNode body = json.createObjectNode().put("times", times);
        resourceIds.forEach(body.putArray("resourceIds")::add);
        control("POST", "/_emulator/config/failed-evaluations", body);
    }

    /** The evaluations Config holds for {@code ruleName}, ordered by resource type and id. */
    public List<StoredEvaluation> storedEvaluations(String ruleName) {
        requireText(ruleName, "ruleName");
        return storedEvaluationsAt(
                "/_emulator/config/evaluations?configRuleName=" + URLEncoder.encode(ruleName, StandardCharsets.UTF_8));
    }

    /** The evaluations Config holds for the rule {@code ruleName} of account {@code accountId}. */
    public List<StoredEvaluation> storedEvaluations(String ruleName, String accountId) {
        requireText(ruleName, "ruleName");
        requireText(accountId, "accountId");
        return storedEvaluationsAt("/_emulator/config/evaluations?configRuleName="
                + URLEncoder.encode(ruleName, StandardCharsets.UTF_8) + "&accountId="
                + URLEncoder.encode(accountId, StandardCharsets.UTF_8));
    }

    private List<StoredEvaluation> storedEvaluationsAt(String path) {
        JsonNode stored = control("GET", path, null);
        List<StoredEvaluation> result = new ArrayList<>();
        for (JsonNode item : stored) {
            result.add(new StoredEvaluation(
                    item.path("resourceType").asText(),
                    item.path("resourceId").asText(),
                    item.path("complianceType").asText(),
                    item.path("annotation").isNull()
                            ? null
                            : item.path("annotation").asText(),
                    Instant.parse(item.path("orderingTimestamp").asText()),
                    Instant.parse(item.path("resultRecordedTime").asText())));
        }
        return List.copyOf(result);
    }

    /**
     * Creates (or replaces) the custom Lambda rule {@code ruleName} of the default account with these input
     * parameters (a JSON object as a string, or null for none), as DescribeConfigRules then returns it. moto's own
     * PutConfigRule wants the rule's function in moto's Lambda, which cannot run here.
     */
    public void putConfigRule(String ruleName, String inputParametersOrNull) {
        requireText(ruleName, "ruleName");
        putConfigRule(json.createObjectNode().put("configRuleName", ruleName), inputParametersOrNull);
    }

    /** {@link #putConfigRule(String, String)} in account {@code accountId}: only its credentials see the rule. */
    public void putConfigRule(String ruleName, String inputParametersOrNull, String accountId) {
        requireText(ruleName, "ruleName");
        requireText(accountId, "accountId");
        putConfigRule(
                json.createObjectNode().put("configRuleName", ruleName).put("accountId", accountId),
                inputParametersOrNull);
    }

    private void putConfigRule(ObjectNode body, String inputParametersOrNull) {
        if (inputParametersOrNull != null) {
            body.put("inputParameters", inputParametersOrNull);
        }
        control("POST", "/_emulator/config/rules", body);
    }

    /** Answers these Config operations (e.g. {@code DescribeConfigRules}) AccessDeniedException; none to undo. */
    public void denyConfigCalls(String... operations) {
        deny("/_emulator/config/denied", operations);
    }

    /**
     * Answers these IAM operations (e.g. {@code GetAccountAuthorizationDetails}) AccessDenied, as IAM does for a role
     * without the permission; none to undo.
     */
    public void denyIamCalls(String... operations) {
        deny("/_emulator/iam/denied", operations);
    }

    private void deny(String path, String... operations) {
        ObjectNode body = json.createObjectNode();
        var names = body.putArray("operations");
        for (String operation : operations) {
            requireText(operation, "operation");
            names.add(operation);
        }
        control("POST", path, body);
    }

    /** Whether Config's ListDiscoveredResources sees IAM users (false: as if none are recorded). */
    public void recordIamUsersInConfig(boolean recorded) {
        control("POST", "/_emulator/config/recorder", json.createObjectNode().put("recordsIamUsers", recorded));
    }

    /**
     * Enables or disables Security Hub in the emulator's region for moto's default account: while disabled, its
     * BatchImportFindings and GetFindings answer InvalidAccessException, as AWS does.
     */
    public void securityHubEnabled(boolean enabled) {
        control(
                "POST",
                "/_emulator/securityhub",
                json.createObjectNode().put("region", region()).put("enabled", enabled));
    }

    /** Every Security Hub finding held in the emulator's region (archived ones too), as imported. */
    public List<JsonNode> securityHubFindings() {
        List<JsonNode> findings = new ArrayList<>();
        control("GET", "/_emulator/securityhub/findings?region=" + region(), null)
                .path("Findings")
                .forEach(findings::add);
        return findings;
    }

    /** One access key to create with {@link #seedKeys(List)}: whose, when created, when last used. */
    public record KeySeed(String userName, Instant createDate, Instant lastUsedOrNull) {
        public KeySeed {
            requireText(userName, "userName");
            Objects.requireNonNull(createDate, "createDate");
        }
    }

    /**
     * Creates access keys directly in the emulator, with their dates, in one control request (not
     * counted as AWS calls): the fast path when a test needs a key for each of a thousand users.
     *
     * @return the keys created, in the order of {@code seeds}
     */
    public List<IamSeeder.SeededKey> seedKeys(List<KeySeed> seeds) {
        Objects.requireNonNull(seeds, "seeds");
        ObjectNode body = json.createObjectNode();
        var array = body.putArray("keys");
        for (KeySeed seed : seeds) {
            ObjectNode key = array.addObject()
                    .put("userName", seed.userName())
                    .put("createDate", seed.createDate().toString());
            if (seed.lastUsedOrNull() == null) {
                key.putNull("lastUsedDate");
            } else {
                key.put("lastUsedDate", seed.lastUsedOrNull().toString())
                        .put("serviceName", "s3")
                        .put("region", REGION);
            }
        }
        List<IamSeeder.SeededKey> created = new ArrayList<>();
        for (JsonNode key : control("POST", "/_emulator/iam/access-keys", body).path("keys")) {
            created.add(new IamSeeder.SeededKey(
                    key.path("accessKeyId").asText(),
                    key.path("secretAccessKey").asText()));
        }
        return List.copyOf(created);
    }

    /**
     * Sets a key's status to any raw value, bypassing the API's enum: {@code "Expired"} (newer API
     * models) or a value no model knows, to test that such keys are never taken for active ones.
     *
     * @throws IllegalArgumentException if the key does not exist
     */
    public void forceKeyStatus(String accessKeyId, String status) {
        requireText(accessKeyId, "accessKeyId");
        requireText(status, "status");
        String path = "/_emulator/iam/access-keys/" + URLEncoder.encode(accessKeyId, StandardCharsets.UTF_8);
        control("POST", path, json.createObjectNode().put("status", status));
    }

    /**
     * Arms fault injection: from now on, AWS calls matching the plan are answered with throttling,
     * server errors, dropped connections or delays, until {@link #clearFaults()} or a reset. Control
     * requests ({@code /_emulator/*}) are never faulted.
     */
    public void injectFaults(FaultPlan plan) {
        Objects.requireNonNull(plan, "plan");
        ObjectNode body = json.createObjectNode()
                .put("rate", plan.rate())
                .put("seed", plan.seed())
                .put("delayMs", plan.delay().toMillis())
                .put("spared", plan.spared());
        plan.kinds().stream().map(Fault::wireName).sorted().forEach(body.putArray("kinds")::add);
        if (!plan.operations().isEmpty()) {
            plan.operations().forEach(body.putArray("operations")::add);
        }
        control("POST", "/_emulator/faults", body);
    }

    /** Stops fault injection; the report is kept until the next {@link #injectFaults} or reset. */
    public FaultReport clearFaults() {
        FaultReport report = faultReport();
        control("DELETE", "/_emulator/faults", null);
        return report;
    }

    /** What fault injection has done since it was armed. */
    public FaultReport faultReport() {
        JsonNode report = control("GET", "/_emulator/faults", null);
        Map<Fault, Long> injected = new java.util.EnumMap<>(Fault.class);
        report.path("injected")
                .fields()
                .forEachRemaining(e ->
                        injected.put(Fault.ofWireName(e.getKey()), e.getValue().asLong()));
        return new FaultReport(report.path("seen").asLong(), injected);
    }

    /**
     * What Lambda and template.yaml hand the packaged functions, pointed at this emulator: region, endpoint and
     * credentials, the Config rule the remediation takes its settings from, a new HMAC key for the audit seal, and
     * the backout runbook the remediation's notices name (the template's, with the default ResourcePrefix).
     */
    public Map<String, String> functionEnvironment(String configRuleName) {
        requireText(configRuleName, "configRuleName");
        AwsCredentials resolved = credentials().resolveCredentials();
        return Map.of(
                "AWS_REGION",
                region(),
                "AWS_ENDPOINT_URL",
                endpoint().toString(),
                "AWS_ACCESS_KEY_ID",
                resolved.accessKeyId(),
                "AWS_SECRET_ACCESS_KEY",
                resolved.secretAccessKey(),
                "CONFIG_RULE_NAME",
                configRuleName,
                "AUDIT_RECORD_KEY_ID",
                createHmacKey(),
                "BACKOUT_RUNBOOK_NAME",
                "StaleKeys-RestoreAccessKeys");
    }

    /**
     * Holds the {@code nth} call of {@code operation} (e.g. {@code "iam:UpdateAccessKey"}, or a pattern: {@code "iam:*"},
     * {@code "*"} for any call) from now on before it
     * takes effect, until the returned hold is released: a test starts one run, waits until it is held, runs
     * another to the end, then lets the first go on, and so forces one interleaving of the two.
     */
    public HeldCall hold(String operation, int nth) {
        requireText(operation, "operation");
        if (nth < 1) {
            throw new IllegalArgumentException("nth must be >= 1, was " + nth);
        }
        String name = operation + "#" + nth + "@" + System.nanoTime();
        control(
                "POST",
                "/_emulator/holds",
                json.createObjectNode().put("name", name).put("call", operation).put("nth", nth));
        return new HeldCall(this, name);
    }

    boolean awaitHeld(String name, Duration timeout) {
        return control(
                        "POST",
                        "/_emulator/holds/wait",
                        json.createObjectNode().put("name", name).put("timeoutMs", timeout.toMillis()),
                        timeout.plus(CONTROL_TIMEOUT))
                .path("reached")
                .asBoolean();
    }

    void release(String name) {
        control("POST", "/_emulator/holds/release", json.createObjectNode().put("name", name));
    }

    /**
     * Deletes the user (its access keys first, as IAM requires) right after the {@code nth} call of
     * {@code operation} (e.g. {@code "iam:GetCredentialReport"}) has been answered: a user deleted in
     * the middle of a run. Fires once.
     */
    public void deleteUserAfter(String operation, int nth, String userName) {
        requireText(userName, "userName");
        addTrigger(operation, nth, json.createObjectNode().put("deleteUser", userName));
    }

    /** Deletes the access key right after the {@code nth} call of {@code operation}. Fires once. */
    public void deleteAccessKeyAfter(String operation, int nth, String accessKeyId) {
        requireText(accessKeyId, "accessKeyId");
        addTrigger(operation, nth, json.createObjectNode().put("deleteAccessKey", accessKeyId));
    }

    private void addTrigger(String operation, int nth, ObjectNode body) {
        requireText(operation, "operation");
        if (nth < 1) {
            throw new IllegalArgumentException("nth must be >= 1, was " + nth);
        }
        control(
                "POST",
                "/_emulator/iam/triggers",
                body.put("afterCall", operation).put("nth", nth));
    }

    /**
     * The report is being generated until the {@code reportCalls}-th report call, counting the first
     * GenerateCredentialReport (which answers STARTED) and every later GenerateCredentialReport and
     * GetCredentialReport: until then GenerateCredentialReport answers INPROGRESS and GetCredentialReport fails
     * with ReportInProgress, as IAM does while it generates; from then on the report is COMPLETE.
     */
    public void credentialReportReadyAfter(int reportCalls) {
        if (reportCalls < 1) {
            throw new IllegalArgumentException("reportCalls must be >= 1, was " + reportCalls);
        }
        configureCredentialReport(json.createObjectNode().put("readyAfterReportCalls", reportCalls));
    }

    /** The credential report never completes: GetCredentialReport keeps failing with ReportInProgress. */
    public void credentialReportNeverReady() {
        configureCredentialReport(json.createObjectNode().put("neverReady", true));
    }

    /** The next GetCredentialReport fails with ReportExpired; later ones behave normally. */
    public void credentialReportExpiredOnce() {
        configureCredentialReport(json.createObjectNode().put("expiredOnce", true));
    }

    /** Back to moto's behaviour: reports are complete as soon as they are generated. */
    public void credentialReportNormal() {
        configureCredentialReport(json.createObjectNode());
    }

    private void configureCredentialReport(ObjectNode body) {
        control("POST", "/_emulator/iam/credential-report", body);
    }

    /** Stops the emulator process and its children and waits for them. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        try {
            process.getOutputStream().close(); // EOF on stdin: the script exits by itself.
        } catch (IOException ignored) {
            // Already closed: destroy below.
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        deleteQuietly(workDir);
    }

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // A leftover temp file is harmless.
        }
    }

    private JsonNode control(String method, String path, JsonNode body) {
        return control(method, path, body, CONTROL_TIMEOUT);
    }

    private JsonNode control(String method, String path, JsonNode body, Duration timeout) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(endpoint.resolve(path)).timeout(timeout);
        try {
            request.method(
                    method,
                    body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 404 && path.startsWith("/_emulator/iam/access-keys/")) {
                throw new IllegalArgumentException("no such access key: " + response.body());
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        method + " " + path + " -> " + response.statusCode() + " " + response.body());
            }
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during " + method + " " + path, e);
        }
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
