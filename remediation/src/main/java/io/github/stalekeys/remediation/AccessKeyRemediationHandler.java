package io.github.stalekeys.remediation;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.audit.AuditSeal;
import io.github.stalekeys.audit.AuditTrail;
import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.events.KeyEventBus;
import io.github.stalekeys.iam.IamKeyInventory;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.InvalidSettingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.Objects;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The function the runbooks invoke: {@code DISABLE_STALE_KEYS} for the remediation, {@code RESTORE_KEYS} for
 * the backout. It reads the payload itself so that a malformed one fails with the field named, before any
 * AWS call; any failure propagates, which Automation sees as {@code FunctionError} and the runbook as failure.
 */
public final class AccessKeyRemediationHandler implements RequestStreamHandler {

    // A field given twice is refused, not read last-wins ("dryRun":"true","dryRun":"false").
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final StaleKeyRemediation remediation;
    private final KeyRestoration restoration;
    private final KeyChangeNotifier notifier;

    /**
     * Used by the Lambda runtime: one set of clients per container, the environment read once; the rule's settings
     * are read at each remediation.
     */
    public AccessKeyRemediationHandler() {
        this(
                AwsClients.fromEnvironment(),
                DeployedSettings.fromEnvironment(System.getenv()),
                Clock.systemUTC(),
                StructuredLogger.toStandardOutput("remediation"));
    }

    AccessKeyRemediationHandler(AwsClients clients, DeployedSettings deployed, Clock clock, StructuredLogger log) {
        this(
                Objects.requireNonNull(clients, "clients").iam(),
                clients.config(),
                clients.kms(),
                new KeyEventBus(clients.events(), KeyEventBus.Pause.REAL),
                deployed,
                clock,
                log);
    }

    /** Wired from the clients themselves (tests pass clients that answer in memory). */
    AccessKeyRemediationHandler(
            IamClient iam,
            ConfigClient config,
            KmsClient kms,
            KeyEventBus bus,
            DeployedSettings deployed,
            Clock clock,
            StructuredLogger log) {
        IamKeyInventory inventory = new IamKeyInventory(iam);
        AuditTrail trail = new AuditTrail(iam, new AuditSeal(kms, deployed.auditRecordKeyId()));
        UserDirectory directory = new UserDirectory(iam, inventory, config);
        ServedRule rule = new ServedRule(config, deployed.configRuleName());
        UserReads reads = new UserReads(inventory, trail, log);
        this.remediation = new StaleKeyRemediation(
                directory, reads, new KeyDisabling(iam, reads, trail, clock, log), rule, clock, log);
        this.restoration = new KeyRestoration(iam, directory, reads, trail, rule, clock, log);
        this.notifier = new KeyChangeNotifier(bus, deployed.backoutRunbookName(), log);
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        RunbookRequest request = RunbookRequestParser.parse(read(input));
        String accountId = accountOf(context);
        Object result = switch (request) {
            case RunbookRequest.DisableStaleKeys disable -> {
                RemediationResult remediated = remediation.disable(disable);
                notifier.remediated(remediated, disable.automationExecutionId(), accountId);
                yield remediated;
            }
            case RunbookRequest.RestoreKeys restore -> {
                RestoreResult restored;
                try {
                    restored = restoration.restore(restore);
                } catch (RestoreIncompleteException incomplete) {
                    // The keys it did restore are Active again: their owners hear of it all the same.
                    notifier.restored(incomplete.partial(), restore.automationExecutionId(), accountId);
                    throw incomplete;
                }
                notifier.restored(restored, restore.automationExecutionId(), accountId);
                yield restored;
            }
        };
        JSON.writeValue(output, result);
    }

    /** This function's account, from its ARN ({@code arn:aws:lambda:region:account:function:name[:alias]}). */
    private static String accountOf(Context context) {
        String arn = context == null ? null : context.getInvokedFunctionArn();
        if (arn == null) {
            return null;
        }
        String[] parts = arn.split(":");
        return parts.length > 4 && parts[4].matches("[0-9]{12}") ? parts[4] : null;
    }

    private static JsonNode read(InputStream input) throws IOException {
        try {
            return JSON.readTree(input);
        } catch (JsonProcessingException e) {
            // The parser's message quotes the input: give only what is wrong and where. The payload is read as
            // bytes, so the parser knows its byte offset, not a character offset (which it gives as -1).
            JsonLocation where = e.getLocation();
            throw new InvalidSettingException(
                    "payload",
                    "is not valid JSON (" + InvalidSettingException.echo(e.getOriginalMessage())
                            + (where == null || where.getByteOffset() < 0 ? "" : " at byte " + where.getByteOffset())
                            + ")");
        }
    }
}
