package io.github.stalekeys.localrun;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.EventCapture;
import io.github.stalekeys.emulator.StoredEvaluation;
import io.github.stalekeys.evaluator.AccessKeyComplianceHandler;
import io.github.stalekeys.events.KeyEvent;
import io.github.stalekeys.localruntime.LambdaPackage;
import io.github.stalekeys.localruntime.LocalLambdaRuntime;
import io.github.stalekeys.rehearsal.AutomationRehearsal;
import io.github.stalekeys.rehearsal.LambdaFunction;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * The whole product on a local AWS emulator: seed an account, run the rule's periodic evaluation, remediate
 * every non-compliant user through the remediation runbook, back one user out, evaluate again and remediate the
 * restored user again (the backout's grace spares its key in both), and show the audit trail. The functions run from their deployment packages in fresh JVMs, as Lambda runs them; the
 * runbooks run from their files.
 */
final class LocalDemo {

    // The template's default rule name, as every CLI example of the docs has it (deploy/checks/test_docs.py).
    static final String RULE_NAME = "iam-user-unused-access-keys";
    // The one account of the demo: where the emulator's credentials act, the rule's events and the functions run.
    static final String ACCOUNT_ID = LocalLambdaRuntime.DEFAULT_ACCOUNT_ID;
    static final String EVALUATOR_HANDLER = AccessKeyComplianceHandler.class.getName();
    // By name: the remediation is not on this tool's class path (it runs from its own package, in its own JVM).
    static final String REMEDIATION_HANDLER = "io.github.stalekeys.remediation.AccessKeyRemediationHandler";
    private static final String RULE_PARAMETERS = "{\"maxAccessKeyAgeDays\":\"90\",\"exemptionTagKey\":\""
            + DemoAccount.EXEMPTION_TAG + "\",\"warningDays\":\"14\",\"evaluationFrequency\":\"TwentyFour_Hours\","
            + "\"ownerTagKey\":\"" + DemoAccount.OWNER_TAG + "\",\"automaticRemediation\":\"false\"}";
    private static final String AUTOMATION_ROLE = "arn:aws:iam::" + ACCOUNT_ID + ":role/StaleKeys-automation";
    private static final String REMEDIATION_FUNCTION = "StaleKeys-remediation:live";
    // The backout runbook's default, passed explicitly so the demo shows the parameter.
    static final int GRACE_DAYS = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the build put what the demo runs. */
    record Artifacts(Path evaluatorZip, Path remediationZip, Path runtimeJar, Path runbooks) {
        static Artifacts inProject(Path root) {
            return new Artifacts(
                    root.resolve("rule-evaluator/target/rule-evaluator-lambda.zip"),
                    root.resolve("remediation/target/remediation-lambda.zip"),
                    root.resolve("tools/local-lambda-runtime/target/local-lambda-runtime.jar"),
                    root.resolve("ssm-documents"));
        }
    }

    /** What the demo found and did, by user name. */
    record Outcome(
            Map<String, String> firstVerdicts,
            Map<String, List<String>> disabledKeys,
            Map<String, String> secondVerdicts,
            List<String> restoredKeys,
            String restoredAnnotation,
            List<String> disabledAfterBackout,
            String restoredStatus,
            Map<String, List<String>> auditTrail,
            List<String> notices) {}

    private final Artifacts artifacts;
    private final PrintStream out;
    private final Clock clock = Clock.systemUTC();

    LocalDemo(Artifacts artifacts, PrintStream out) {
        this.artifacts = artifacts;
        this.out = out;
    }

    Outcome run() {
        out.println("Unused IAM access keys: the whole flow on a local AWS emulator (no AWS account is used)");
        return onEmulator(out, clock, this::run);
    }

    /** Starts the emulator, runs {@code steps} on it, stops it (on Ctrl-C too) and says how long it all took. */
    static <T> T onEmulator(PrintStream out, Clock clock, java.util.function.Function<AwsEmulator, T> steps) {
        Instant started = clock.instant();
        out.println();
        out.println("==> Starting the AWS emulator (moto) on loopback");
        try (AwsEmulator emulator = AwsEmulator.start()) {
            Thread stopOnInterrupt = new Thread(emulator::close, "stop-emulator");
            Runtime.getRuntime().addShutdownHook(stopOnInterrupt);
            try {
                out.println("    listening on " + emulator.endpoint());
                T outcome = steps.apply(emulator);
                out.println();
                out.printf(
                        "Done in %.1f s. The emulator is stopped; nothing outside this machine was touched.%n",
                        Duration.between(started, clock.instant()).toMillis() / 1000.0);
                return outcome;
            } finally {
                Runtime.getRuntime().removeShutdownHook(stopOnInterrupt);
            }
        }
    }

    private Outcome run(AwsEmulator emulator) {
        out.println();
        out.println("==> 1/5 Seeding a demo account (threshold: 90 days)");
        DemoAccount account = DemoAccount.seed(emulator, clock, out);
        // What an EventBridge rule of the account would receive (template.yaml routes it to e-mail or SNS).
        EventCapture bus = EventCapture.of(emulator, KeyEvent.SOURCE);
        List<String> notices = new ArrayList<>();

        // The deployed rule: the remediation reads its threshold and exemptions from it.
        emulator.putConfigRule(RULE_NAME, RULE_PARAMETERS);
        // What Lambda would hand the functions, pointed at the emulator; memory and timeouts as template.yaml.
        Map<String, String> env = emulator.functionEnvironment(RULE_NAME);
        // SecurityHubFindings=Enabled, as the stack would set it: one finding per key, in the emulator's Security Hub.
        emulator.securityHubEnabled(true);
        Map<String, String> evaluatorEnv = new LinkedHashMap<>(env);
        evaluatorEnv.put("SECURITY_HUB_FINDINGS", "Enabled");
        evaluatorEnv.put("REMEDIATION_RUNBOOK_NAME", "StaleKeys-DisableUnusedAccessKeys");
        evaluatorEnv.put("BACKOUT_RUNBOOK_NAME", "StaleKeys-RestoreAccessKeys");
        Function evaluator = new Function(
                LambdaPackage.unpack(artifacts.evaluatorZip(), EVALUATOR_HANDLER, artifacts.runtimeJar(), 512, 300),
                evaluatorEnv);
        Function remediation = new Function(
                LambdaPackage.unpack(artifacts.remediationZip(), REMEDIATION_HANDLER, artifacts.runtimeJar(), 512, 60),
                env);

        out.println();
        out.println("==> 2/5 AWS Config runs the rule (periodic trigger): " + EVALUATOR_HANDLER);
        Instant firstRun = clock.instant();
        Map<String, String> first = verdicts(evaluate(emulator, evaluator, account, firstRun));
        notices.addAll(printNotices(bus));
        FindingView.printOne(emulator.securityHubFindings(), out);

        out.println();
        out.println(
                "==> 3/5 \"Remediate\" each NON_COMPLIANT user: runbook disable-unused-access-keys -> remediation function");
        Map<String, List<String>> disabled = new LinkedHashMap<>();
        Map<String, String> executions = new LinkedHashMap<>();
        for (Map.Entry<String, String> verdict : first.entrySet()) {
            if (verdict.getValue().equals("NON_COMPLIANT")) {
                AutomationRehearsal.Execution execution = remediate(remediation, account, verdict.getKey());
                disabled.put(verdict.getKey(), texts(execution.outputs().get("ParseResult.DisabledKeyIds")));
                executions.put(verdict.getKey(), execution.executionId());
            }
        }
        notices.addAll(printNotices(bus));

        out.println();
        out.println("==> 4/5 An operator backs one remediation out (grace: " + GRACE_DAYS
                + " days), then the rule's next daily run and a remediation of that user");
        String backedOut = "former-contractor";
        List<String> restored = backout(remediation, backedOut, executions.get(backedOut));
        notices.addAll(printNotices(bus));
        // Config's next periodic run comes one period (TwentyFour_Hours) later: it announces no warning again,
        // and reads the grace from the sealed audit record: the restored key, still unused, is not reported.
        Map<String, StoredEvaluation> second =
                evaluate(emulator, evaluator, account, firstRun.plus(Duration.ofHours(24)));
        // What automatic remediation would do next: the same runbook on the restored user disables nothing.
        AutomationRehearsal.Execution again = remediate(remediation, account, backedOut);
        List<String> disabledAgain = texts(again.outputs().get("ParseResult.DisabledKeyIds"));
        notices.addAll(printNotices(bus));
        String status = emulator.iamClient()
                .listAccessKeys(request -> request.userName(backedOut))
                .accessKeyMetadata()
                .get(0)
                .statusAsString();

        out.println();
        out.println(
                "==> 5/5 The audit trail the remediation left on the users (tags StaleKeyRemediation:<execution id>)");
        Map<String, List<String>> audit = auditTrail(emulator, account);
        return new Outcome(
                first,
                disabled,
                verdicts(second),
                restored,
                second.get(backedOut).annotation(),
                disabledAgain,
                status,
                audit,
                notices);
    }

    /** Prints the events the step put on the default bus, as the notification e-mail reads; returns them. */
    private List<String> printNotices(EventCapture bus) {
        List<String> notices = new ArrayList<>();
        for (JsonNode event : bus.events()) {
            String type = event.path("detail-type").asText();
            JsonNode detail = event.path("detail");
            out.println("    event on the default bus -> " + type + ": "
                    + detail.path("message").asText());
            notices.add(type + " " + detail.path("userName").asText() + " "
                    + detail.path("accessKeyId").asText());
        }
        return notices;
    }

    /** The event AWS Config of {@code accountId} sends a rule for its periodic run. */
    static String scheduledEvent(
            String accountId,
            String ruleName,
            String parameters,
            String resultToken,
            AwsEmulator emulator,
            Clock clock) {
        return JSON.createObjectNode()
                .put("version", "1.0")
                .put(
                        "invokingEvent",
                        JSON.createObjectNode()
                                .put("messageType", "ScheduledNotification")
                                .put("notificationCreationTime", clock.instant().toString())
                                .put("awsAccountId", accountId)
                                .toString())
                .put("ruleParameters", parameters)
                .put("resultToken", resultToken)
                .put("eventLeftScope", false)
                .put("configRuleName", ruleName)
                .put(
                        "configRuleArn",
                        "arn:aws:config:" + emulator.region() + ":" + accountId + ":config-rule/config-rule-demo")
                .put("accountId", accountId)
                .toString();
    }

    /** A deployment package with its environment, as the runbooks' Lambda step sees a function. */
    record Function(LambdaPackage deployed, Map<String, String> environment) implements LambdaFunction {

        LambdaPackage.Run run(String event) {
            return deployed.invoke(event, environment, "");
        }

        @Override
        public Response invoke(String payload) {
            LambdaPackage.Run run = run(payload);
            return new Response(run.response(), run.failed() ? "Unhandled" : null);
        }
    }

    /** Runs the rule's periodic evaluation, prints the table; returns the stored evaluation of each user by name. */
    private Map<String, StoredEvaluation> evaluate(
            AwsEmulator emulator, Function evaluator, DemoAccount account, Instant notificationTime) {
        String event = scheduledEvent(
                ACCOUNT_ID,
                RULE_NAME,
                RULE_PARAMETERS,
                emulator.registerResultToken(RULE_NAME),
                emulator,
                Clock.fixed(notificationTime, ZoneOffset.UTC));
        LambdaPackage.Run run = evaluator.run(event);
        if (run.failed()) {
            throw new IllegalStateException("the rule failed: " + run.response() + "\n" + run.logs());
        }
        out.printf("    fresh JVM, %.1f s: %s%n", run.wall().toMillis() / 1000.0, run.response());
        Map<String, StoredEvaluation> byName = new LinkedHashMap<>();
        Map<String, StoredEvaluation> byId = new LinkedHashMap<>();
        emulator.storedEvaluations(RULE_NAME).forEach(evaluation -> byId.put(evaluation.resourceId(), evaluation));
        TextTable table = new TextTable("USER", "VERDICT", "WHY (the annotation in the Config console)");
        account.users().values().forEach(user -> {
            StoredEvaluation evaluation = byId.get(user.userId());
            byName.put(user.userName(), evaluation);
            table.row(user.userName(), evaluation.complianceType(), evaluation.annotation());
        });
        table.print(out, "    ");
        return byName;
    }

    private static Map<String, String> verdicts(Map<String, StoredEvaluation> evaluations) {
        Map<String, String> verdicts = new LinkedHashMap<>();
        evaluations.forEach((userName, evaluation) -> verdicts.put(userName, evaluation.complianceType()));
        return verdicts;
    }

    private AutomationRehearsal.Execution remediate(Function remediation, DemoAccount account, String userName) {
        AutomationRehearsal.Execution execution = rehearse(
                "disable-unused-access-keys.yaml",
                remediation,
                Map.of(
                        "AutomationAssumeRole",
                        AUTOMATION_ROLE,
                        "IAMUserId",
                        account.users().get(userName).userId(),
                        "MaxAccessKeyAgeDays",
                        "90",
                        "ExemptionTagKey",
                        DemoAccount.EXEMPTION_TAG,
                        "RemediationFunction",
                        REMEDIATION_FUNCTION));
        JsonNode result = payloadOf(execution, "DisableStaleKeys");
        out.printf(
                "    %s: %s%n",
                userName, execution.outputs().get("ParseResult.Outcome").asText());
        result.path("staleKeys")
                .forEach(key -> out.printf(
                        "        disabled %s (%s)%n",
                        key.get("accessKeyId").asText(),
                        key.get("neverUsed").asBoolean()
                                ? "never used, created " + key.get("idleDays").asInt() + " days ago"
                                : "unused " + key.get("idleDays").asInt() + " days"));
        result.path("skippedKeys")
                .forEach(key -> out.printf(
                        "        kept     %s: %s%n",
                        key.get("accessKeyId").asText(), key.get("reason").asText()));
        return execution;
    }

    private List<String> backout(Function remediation, String userName, String remediationExecution) {
        AutomationRehearsal.Execution execution = rehearse(
                "restore-access-keys.yaml",
                remediation,
                Map.of(
                        "AutomationAssumeRole", AUTOMATION_ROLE,
                        "IAMUserName", userName,
                        "RemediationExecutionId", remediationExecution,
                        "GraceDays", String.valueOf(GRACE_DAYS),
                        "RemediationFunction", REMEDIATION_FUNCTION));
        out.println("    runbook restore-access-keys for " + userName + ", execution " + remediationExecution + ":");
        JsonNode result = payloadOf(execution, "RestoreKeys");
        result.path("restoredKeys")
                .forEach(key -> out.printf(
                        "        %s is %s again; last used %s (%s, %s)%n",
                        key.get("accessKeyId").asText(),
                        key.get("status").asText(),
                        key.path("lastUsedDate").asText("never"),
                        key.path("serviceName").asText("-"),
                        key.path("region").asText("-")));
        if (result.hasNonNull("graceUntil")) {
            // To the second, as the sealed record keeps it.
            Instant graceUntil =
                    Instant.parse(result.get("graceUntil").asText()).truncatedTo(ChronoUnit.SECONDS);
            out.println("        grace until " + graceUntil
                    + " (sealed in the audit record): neither reported nor disabled for disuse unless used");
        }
        return texts(execution.outputs().get("ParseResult.RestoredKeyIds"));
    }

    private AutomationRehearsal.Execution rehearse(String runbook, Function function, Map<String, String> parameters) {
        return rehearse(artifacts.runbooks(), runbook, function, parameters);
    }

    /** Runs the runbook file {@code runbook} of {@code runbooks} with {@code function} as its Lambda; it must succeed. */
    static AutomationRehearsal.Execution rehearse(
            Path runbooks, String runbook, LambdaFunction function, Map<String, String> parameters) {
        try {
            AutomationRehearsal.Execution execution =
                    new AutomationRehearsal(runbooks.resolve(runbook), function).start(parameters);
            if (!execution.succeeded()) {
                throw new IllegalStateException(
                        runbook + " failed at step " + execution.failedStep() + ": " + execution.failure());
            }
            return execution;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the runbook " + runbook, e);
        }
    }

    private Map<String, List<String>> auditTrail(AwsEmulator emulator, DemoAccount account) {
        Map<String, List<String>> trail = new LinkedHashMap<>();
        for (String userName : account.users().keySet()) {
            List<String> records = new ArrayList<>();
            for (Tag tag : emulator.iamClient()
                    .listUserTags(request -> request.userName(userName))
                    .tags()) {
                if (tag.key().startsWith("StaleKeyRemediation:")) {
                    records.add(tag.key() + " = " + tag.value());
                }
            }
            if (!records.isEmpty()) {
                trail.put(userName, records);
                out.println("    " + userName);
                records.forEach(record -> out.println("        " + record));
            }
        }
        return trail;
    }

    private static JsonNode payloadOf(AutomationRehearsal.Execution execution, String invokeStep) {
        try {
            return JSON.readTree(
                    execution.stepOutputs().get(invokeStep + ".Payload").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }
}
