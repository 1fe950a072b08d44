package io.github.stalekeys.remediation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.logging.StructuredLogger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The remediation function as the runbooks invoke it, serving the Config rule {@code ruleName} (which the test puts
 * in the emulator with its parameters), for the rule's loop tests.
 */
public final class RemediationFunction {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AccessKeyRemediationHandler handler;

    public RemediationFunction(AwsClients clients, String ruleName, String auditKeyId, Clock clock) {
        this.handler = new AccessKeyRemediationHandler(
                clients,
                new DeployedSettings(ruleName, auditKeyId, "StaleKeys-RestoreAccessKeys"),
                clock,
                new StructuredLogger("remediation", new PrintStream(new ByteArrayOutputStream()), clock));
    }

    public JsonNode invoke(JsonNode payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            handler.handleRequest(
                    new ByteArrayInputStream(payload.toString().getBytes(StandardCharsets.UTF_8)), out, null);
            return JSON.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
