package io.github.stalekeys.evaluator;

import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.IamSeeder;
import io.github.stalekeys.emulator.LogScan;
import io.github.stalekeys.emulator.StoredEvaluation;
import io.github.stalekeys.logging.StructuredLogger;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import software.amazon.awssdk.regions.Region;

/** The real handler wired to the emulator, with a stepping clock and captured logs. */
final class EvaluatorHarness {

    static final String RULE_NAME = "iam-user-unused-access-keys";
    static final String ACCOUNT_ID = "123456789012";
    /** How a NON_COMPLIANT annotation ends for one stale key: what to do about it. */
    static final String FIX = ". Fix: rotate or delete the key";
    /** The same, with the exemption tag KeyRotationExempt configured: the tag to add instead. */
    static final String FIX_OR_TAG = FIX + ", or tag the user KeyRotationExempt = \"until YYYY-MM-DD <ticket>\"";

    final AwsEmulator emulator;
    final SteppingClock clock = new SteppingClock(Instant.now());
    final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    final AccessKeyComplianceHandler handler;
    private final List<IamSeeder> seeders = new CopyOnWriteArrayList<>();

    EvaluatorHarness(AwsEmulator emulator) {
        this.emulator = emulator;
        AwsClients clients =
                AwsClients.create(Region.of(emulator.region()), emulator.credentials(), emulator.endpoint());
        this.handler = new AccessKeyComplianceHandler(
                clients,
                clock,
                clock,
                new StructuredLogger("rule-evaluator", new PrintStream(logs, true, StandardCharsets.UTF_8), clock));
    }

    IamSeeder account() {
        IamSeeder seeder = new IamSeeder(emulator, Clock.fixed(clock.instant(), ZoneOffset.UTC));
        seeders.add(seeder);
        return seeder;
    }

    /** The secrets of every key seeded through {@link #account()}. */
    List<String> secrets() {
        return seeders.stream()
                .flatMap(seeder -> seeder.seededKeys().stream())
                .map(IamSeeder.SeededKey::secretAccessKey)
                .toList();
    }

    static ConfigRuleEvent scheduledEvent(String resultToken, String ruleParameters) {
        ConfigRuleEvent event = new ConfigRuleEvent();
        event.setConfigRuleName(RULE_NAME);
        event.setAccountId(ACCOUNT_ID);
        event.setConfigRuleArn("arn:aws:config:us-east-1:" + ACCOUNT_ID + ":config-rule/config-rule-0abc12");
        event.setResultToken(resultToken);
        event.setRuleParameters(ruleParameters);
        event.setInvokingEvent("{\"messageType\":\"ScheduledNotification\",\"notificationCreationTime\":\""
                + Instant.now() + "\",\"awsAccountId\":\"" + ACCOUNT_ID + "\"}");
        return event;
    }

    /**
     * Runs the handler; whatever happens, its logs and any error it throws (which Lambda logs) are scanned for
     * the seeded keys' secrets, session tokens and the whole invoking event.
     */
    EvaluationReport run(ConfigRuleEvent event) {
        String invokingEvent = event == null
                        || event.getInvokingEvent() == null
                        || event.getInvokingEvent().length() < 20
                ? null
                : event.getInvokingEvent();
        EvaluationReport report;
        try {
            report = handler.handleRequest(event, TestContext.withRemaining(Duration.ofMinutes(5)));
        } catch (RuntimeException error) {
            LogScan.assertClean(logText() + LogScan.logged(error), secrets(), invokingEvent);
            throw error;
        }
        LogScan.assertClean(logText(), secrets(), invokingEvent);
        return report;
    }

    /** The UTC date {@code days} before the harness clock's now, as annotations name a key's last activity. */
    String daysAgo(int days) {
        return java.time.LocalDate.ofInstant(clock.instant().minus(Duration.ofDays(days)), ZoneOffset.UTC)
                .toString();
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
