package io.github.stalekeys.remediation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.Exemptions;
import io.github.stalekeys.policy.MaxKeyAge;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** The remediation function as the runbooks invoke it, deployed at {@code days}, for the rule's loop tests. */
public final class RemediationFunction {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AccessKeyRemediationHandler handler;

    public RemediationFunction(AwsClients clients, int days, String auditKeyId, Clock clock) {
        this.handler = new AccessKeyRemediationHandler(
                clients,
                new DeployedSettings(new MaxKeyAge(days), Exemptions.NONE, auditKeyId),
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
