package io.github.stalekeys.evaluator;

import com.amazonaws.services.lambda.runtime.events.ConfigEvent;
import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.IamSeeder;
import io.github.stalekeys.emulator.StoredEvaluation;
import io.github.stalekeys.logging.StructuredLogger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.regions.Region;

/** The real handler wired to the emulator, with a stepping clock and captured logs. */
final class EvaluatorHarness {

    static final String RULE_NAME = "iam-unused-access-keys";
    static final String ACCOUNT_ID = "123456789012";

    final AwsEmulator emulator;
    final SteppingClock clock = new SteppingClock(Instant.now());
    final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    final AccessKeyComplianceHandler handler;

    EvaluatorHarness(AwsEmulator emulator) {
        this.emulator = emulator;
        AwsClients clients = AwsClients.create(Region.of(emulator.region()), emulator.credentials(), emulator.endpoint());
        this.handler = new AccessKeyComplianceHandler(clients, clock, clock,
                new StructuredLogger("rule-evaluator", new PrintStream(logs, true, StandardCharsets.UTF_8), clock));
    }

    IamSeeder account() {
        return new IamSeeder(emulator, Clock.fixed(clock.instant(), ZoneOffset.UTC));
    }

    static ConfigEvent scheduledEvent(String resultToken, String ruleParameters) {
        ConfigEvent event = new ConfigEvent();
        event.setConfigRuleName(RULE_NAME);
        event.setAccountId(ACCOUNT_ID);
        event.setConfigRuleArn("arn:aws:config:us-east-1:" + ACCOUNT_ID + ":config-rule/config-rule-0abc12");
        event.setResultToken(resultToken);
        event.setRuleParameters(ruleParameters);
        event.setInvokingEvent("{\"messageType\":\"ScheduledNotification\",\"notificationCreationTime\":\""
                + Instant.now() + "\",\"awsAccountId\":\"" + ACCOUNT_ID + "\"}");
        return event;
    }

    EvaluationReport run(ConfigEvent event) {
        return handler.handleRequest(event, TestContext.withRemaining(Duration.ofMinutes(5)));
    }

    String token() {
        return emulator.registerResultToken(RULE_NAME);
    }

    /** Stored results of the rule, by resource id. */
    Map<String, StoredEvaluation> stored() {
        return emulator.storedEvaluations(RULE_NAME).stream()
                .collect(Collectors.toMap(StoredEvaluation::resourceId, Function.identity()));
    }

    long calls(String operation) {
        return emulator.callCounts().getOrDefault(operation, 0L);
    }

    String logText() {
        return logs.toString(StandardCharsets.UTF_8);
    }
}
