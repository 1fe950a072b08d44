package io.github.stalekeys.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment packages (as shrunk by the build) under AWS's Lambda runtime interface client, the runtime
 * Lambda's Java images run: the function's code unpacked as its working directory ({@code /var/task} on Lambda),
 * the handler string
 * exactly as {@code template.yaml} gives it, one invocation served through a local Runtime API, AWS stood in for
 * by the emulator. Each Lambda gets an event that takes it through its SDK clients end to end.
 */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class RuntimeInterfaceClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PARAMETERS = "{\"maxAccessKeyAgeDays\":\"90\"}";
    private static final Path TEMPLATE = Path.of("template.yaml");

    @TempDir
    Path directory;

    @Test
    void theRuleEvaluatorsPeriodicRunJudgesTheAccount(AwsEmulator emulator) throws Exception {
        IamSeeder account = new IamSeeder(emulator, Clock.systemUTC());
        account.keyUsed(account.user("ric-stale"), 143);
        account.keyUsed(account.user("ric-fresh"), 3);
        emulator.putConfigRule(LocalDemo.RULE_NAME, PARAMETERS);
        String event = LocalDemo.scheduledEvent(
                "123456789012",
                LocalDemo.RULE_NAME,
                PARAMETERS,
                emulator.registerResultToken(LocalDemo.RULE_NAME),
                emulator,
                Clock.systemUTC());

        JsonNode report = invoke("EvaluatorFunction", emulator, event);

        assertEquals("Scheduled", report.path("trigger").asText(), report.toString());
        assertEquals(1, report.path("nonCompliant").asInt(), report.toString());
        assertEquals(1, report.path("compliant").asInt(), report.toString());
        assertEquals(2, report.path("posted").asInt(), report.toString());
    }

    @Test
    void theRuleEvaluatorJudgesAChangedUser(AwsEmulator emulator) throws Exception {
        IamSeeder account = new IamSeeder(emulator, Clock.systemUTC());
        SeededUser user = account.user("ric-changed");
        account.keyUsed(user, 200);
        emulator.putConfigRule(LocalDemo.RULE_NAME, PARAMETERS);

        JsonNode report = invoke(
                "EvaluatorFunction", emulator, changeEvent(emulator.registerResultToken(LocalDemo.RULE_NAME), user));

        assertEquals("ItemChange", report.path("trigger").asText(), report.toString());
        assertEquals(1, report.path("nonCompliant").asInt(), report.toString());
        assertEquals(1, report.path("posted").asInt(), report.toString());
    }

    /** A changed user whose key reached a warning stage: the package reads the user's result and announces it. */
    @Test
    void theRuleEvaluatorWarnsAChangedUserWhoseKeyReachedAStage(AwsEmulator emulator) throws Exception {
        IamSeeder account = new IamSeeder(emulator, Clock.systemUTC());
        SeededUser user = account.user("ric-warned");
        account.keyUsed(user, 80);
        emulator.putConfigRule(LocalDemo.RULE_NAME, PARAMETERS);
        emulator.resetCallCounts();

        JsonNode report = invoke(
                "EvaluatorFunction", emulator, changeEvent(emulator.registerResultToken(LocalDemo.RULE_NAME), user));

        assertEquals(0, report.path("nonCompliant").asInt(), report.toString());
        assertEquals(1, report.path("warned").asInt(), report.toString());
        assertEquals(1L, emulator.callCounts().getOrDefault("config:GetComplianceDetailsByResource", 0L));
        assertEquals(1L, emulator.callCounts().getOrDefault("events:PutEvents", 0L));
    }

    @Test
    void theRemediationDisablesAStaleKey(AwsEmulator emulator) throws Exception {
        IamSeeder account = new IamSeeder(emulator, Clock.systemUTC());
        SeededUser user = account.user("ric-remediated");
        SeededKey key = account.keyUsed(user, 143);
        emulator.putConfigRule(LocalDemo.RULE_NAME, PARAMETERS);
        String request = JSON.createObjectNode()
                .put("action", "DISABLE_STALE_KEYS")
                .put("userId", user.userId())
                .put("maxAccessKeyAgeDays", "90")
                .put("dryRun", "false")
                .put("exemptUsers", "")
                .put("exemptionTagKey", "")
                .put("automationExecutionId", UUID.randomUUID().toString())
                .toString();

        JsonNode result = invoke("RemediationFunction", emulator, request);

        assertEquals("DISABLED", result.path("outcome").asText(), result.toString());
        assertEquals(key.accessKeyId(), result.path("disabledKeyIds").path(0).asText(), result.toString());
        assertEquals("Inactive", account.status(user, key));
    }

    /** One invocation of the template's function {@code logicalId} from its package, under the RIC. */
    private JsonNode invoke(String logicalId, AwsEmulator emulator, String event) throws Exception {
        String handler = handlerOf(logicalId);
        String module = handler.contains(".evaluator.") ? "rule-evaluator" : "remediation";
        Path task = unpack(Path.of(module, "target", module + "-lambda.zip"), directory.resolve(module));
        try (RuntimeApi api = new RuntimeApi(event)) {
            List<String> command = List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+TieredCompilation",
                    "-XX:TieredStopAtLevel=1",
                    "-cp",
                    runtimeClassPath(),
                    "com.amazonaws.services.lambda.runtime.api.client.AWSLambda",
                    handler);
            // The RIC loads the function from its working directory (Lambda's /var/task) and its lib/.
            ProcessBuilder builder =
                    new ProcessBuilder(command).directory(task.toFile()).redirectErrorStream(true);
            builder.redirectOutput(directory.resolve(module + ".log").toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(name -> name.startsWith("AWS_") || name.equals("JAVA_TOOL_OPTIONS"));
            env.putAll(emulator.functionEnvironment(LocalDemo.RULE_NAME));
            env.put("AWS_LAMBDA_RUNTIME_API", api.address());
            env.put("LAMBDA_TASK_ROOT", task.toString());
            env.put("_HANDLER", handler);
            env.put("AWS_LAMBDA_FUNCTION_NAME", "stale-keys-" + module);
            env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "512");
            env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/stale-keys-" + module);
            env.put("AWS_LAMBDA_LOG_STREAM_NAME", "local");
            Process process = builder.start();
            try {
                RuntimeApi.Outcome outcome = api.outcome().get(120, TimeUnit.SECONDS);
                String logs = Files.readString(directory.resolve(module + ".log"));
                assertFalse(outcome.error(), handler + " failed: " + outcome.body() + "\n" + logs);
                return JSON.readTree(outcome.body());
            } finally {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** The {@code Handler:} of a function resource in template.yaml. */
    private static String handlerOf(String logicalId) throws IOException {
        String template = Files.readString(TEMPLATE);
        int resource = template.indexOf("\n  " + logicalId + ":\n");
        Matcher handler = Pattern.compile("\n      Handler: (\\S+)").matcher(template);
        if (resource < 0 || !handler.find(resource)) {
            throw new AssertionError("template.yaml has no Handler for " + logicalId);
        }
        return handler.group(1);
    }

    /** What Lambda's runtime puts on its own class path: the RIC, its serialization and core libraries. */
    private static String runtimeClassPath() {
        List<String> jars = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("aws-lambda-java-runtime-interface-client-")
                    || name.startsWith("aws-lambda-java-serialization-")
                    || name.startsWith("aws-lambda-java-core-")
                    || name.startsWith("utils-lite-")) {
                jars.add(entry);
            }
        }
        if (jars.stream().noneMatch(jar -> jar.contains("runtime-interface-client"))) {
            throw new AssertionError("the runtime interface client is not on the test class path: " + jars);
        }
        return String.join(File.pathSeparator, jars);
    }

    private static Path unpack(Path zip, Path root) throws IOException {
        try (ZipInputStream entries = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
                Path target = root.resolve(entry.getName()).normalize();
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(entries, target);
                }
            }
        }
        return root;
    }

    private static String changeEvent(String resultToken, SeededUser user) {
        String now = Instant.now().toString();
        ObjectNode invoking = JSON.createObjectNode()
                .put("messageType", "ConfigurationItemChangeNotification")
                .put("notificationCreationTime", now);
        invoking.putObject("configurationItem")
                .put("configurationItemCaptureTime", now)
                .put("awsAccountId", "123456789012")
                .put("configurationItemStatus", "OK")
                .put("resourceType", "AWS::IAM::User")
                .put("resourceId", user.userId())
                .put("resourceName", user.userName())
                .put("ARN", "arn:aws:iam::123456789012:user/" + user.userName())
                .putObject("configuration")
                .put("path", "/")
                .put("userName", user.userName())
                .put("userId", user.userId());
        return JSON.createObjectNode()
                .put("version", "1.0")
                .put("invokingEvent", invoking.toString())
                .put("ruleParameters", PARAMETERS)
                .put("resultToken", resultToken)
                .put("eventLeftScope", false)
                .put("configRuleName", LocalDemo.RULE_NAME)
                .put("configRuleArn", "arn:aws:config:us-east-1:123456789012:config-rule/config-rule-0abc12")
                .put("accountId", "123456789012")
                .toString();
    }
}
