package io.github.stalekeys.remediation;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.events.KeyEventBus;
import io.github.stalekeys.logging.StructuredLogger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/** The real remediation handler wired to {@link InMemoryAws}: its logic, tested without the emulator. */
final class InMemoryRemediation {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String RULE = "iam-user-unused-access-keys";
    static final String AUDIT_KEY = "alias/stale-keys-audit";
    static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");
    static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:remediation:live";

    final InMemoryAws aws = new InMemoryAws();
    final MovableClock clock = new MovableClock(NOW);
    final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    final AccessKeyRemediationHandler handler;

    InMemoryRemediation() {
        this("{\"maxAccessKeyAgeDays\":\"90\"}");
    }

    InMemoryRemediation(String ruleParameters) {
        aws.rule(RULE, ruleParameters);
        handler = new AccessKeyRemediationHandler(
                aws.iam,
                aws.config,
                aws.kms,
                new KeyEventBus(aws.eventBridge, pause -> {}),
                new DeployedSettings(RULE, AUDIT_KEY, RemediationHarness.BACKOUT_RUNBOOK),
                clock,
                new StructuredLogger("remediation", new PrintStream(logs, true, StandardCharsets.UTF_8), clock));
    }

    static Instant daysAgo(long days) {
        return NOW.minus(Duration.ofDays(days));
    }

    static InMemoryAws.Key used(String id, long daysAgo) {
        return new InMemoryAws.Key(id, "Active", daysAgo(daysAgo + 300), daysAgo(daysAgo));
    }

    static InMemoryAws.Key neverUsed(String id, long createdDaysAgo) {
        return new InMemoryAws.Key(id, "Active", daysAgo(createdDaysAgo), null);
    }

    /** A remediation payload as the runbook sends it, for a fresh execution id. */
    static ObjectNode disable(String userId) {
        return RemediationHarness.disablePayload(userId);
    }

    /** A backout payload as the runbook sends it, for a fresh execution id. */
    static ObjectNode restore(String userName) {
        return RemediationHarness.restorePayload(userName);
    }

    JsonNode invoke(JsonNode payload) {
        return invoke(payload.toString());
    }

    JsonNode invoke(String payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(
                    new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, context(FUNCTION_ARN));
            return JSON.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Tags of ours on the user: the remediation's records and the backouts' restoration records. */
    Map<String, String> auditTags(String userName) {
        Map<String, String> tags = new java.util.TreeMap<>(aws.tags(userName));
        tags.keySet().removeIf(key -> !key.startsWith("StaleKeyRemediation:"));
        return tags;
    }

    Map<String, String> restorations(String userName) {
        Map<String, String> tags = auditTags(userName);
        tags.keySet().removeIf(key -> !key.contains("/restored/"));
        return tags;
    }

    Map<String, String> records(String userName) {
        Map<String, String> tags = auditTags(userName);
        tags.keySet().removeIf(key -> key.contains("/restored/"));
        return tags;
    }

    /** The notices published, each as its detail, with its type in {@code detail-type}. */
    List<JsonNode> notices() {
        return aws.events().stream().map(InMemoryRemediation::detail).toList();
    }

    private static JsonNode detail(PutEventsRequestEntry entry) {
        try {
            ObjectNode detail = (ObjectNode) JSON.readTree(entry.detail());
            detail.put("detail-type", entry.detailType());
            return detail;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String logText() {
        return logs.toString(StandardCharsets.UTF_8);
    }

    static List<String> ids(JsonNode array) {
        return StaleKeyRemediationTest.ids(array);
    }

    /** A Lambda context that knows only its function ARN. */
    static Context context(String functionArn) {
        return (Context) Proxy.newProxyInstance(
                Context.class.getClassLoader(),
                new Class<?>[] {Context.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getInvokedFunctionArn" -> functionArn;
                    case "getRemainingTimeInMillis" -> 60_000;
                    default -> null;
                });
    }
}
