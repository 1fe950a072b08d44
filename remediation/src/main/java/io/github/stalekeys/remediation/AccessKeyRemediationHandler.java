package io.github.stalekeys.remediation;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.InvalidSettingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Objects;

/**
 * The function the runbooks invoke: {@code DISABLE_STALE_KEYS} for the remediation, {@code RESTORE_KEYS} for
 * the backout. It reads the payload itself so that a malformed one fails with the field named, before any
 * AWS call; any failure propagates, which Automation sees as {@code FunctionError} and the runbook as failure.
 */
public final class AccessKeyRemediationHandler implements RequestStreamHandler {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final StaleKeyRemediation remediation;
    private final KeyRestoration restoration;

    /** Used by the Lambda runtime: one set of clients per container. */
    public AccessKeyRemediationHandler() {
        this(AwsClients.fromEnvironment(), Clock.systemUTC(), StructuredLogger.toStandardOutput("remediation"));
    }

    AccessKeyRemediationHandler(AwsClients clients, Clock clock, StructuredLogger log) {
        Objects.requireNonNull(clients, "clients");
        UserDirectory directory = new UserDirectory(clients.iam(), clients.config());
        this.remediation = new StaleKeyRemediation(clients.iam(), directory, clock, log);
        this.restoration = new KeyRestoration(clients.iam(), directory, clock, log);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        RunbookRequest request = RunbookRequestParser.parse(read(input));
        Object result = switch (request) {
            case RunbookRequest.DisableStaleKeys disable -> remediation.disable(disable);
            case RunbookRequest.RestoreKeys restore -> restoration.restore(restore);
        };
        JSON.writeValue(output, result);
    }

    private static JsonNode read(InputStream input) throws IOException {
        try {
            return JSON.readTree(input);
        } catch (JsonProcessingException e) {
            throw new InvalidSettingException("payload", "is not valid JSON: " + e.getOriginalMessage());
        }
    }
}
