package io.github.stalekeys.remediation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.IamSeeder;
import io.github.stalekeys.emulator.LogScan;
import io.github.stalekeys.keychange.AuditRecord;
import io.github.stalekeys.logging.StructuredLogger;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KeySpec;
import software.amazon.awssdk.services.kms.model.KeyUsageType;

/** The real remediation handler wired to the emulator, with captured logs. */
final class RemediationHarness {

    static final ObjectMapper JSON = new ObjectMapper();

    final AwsEmulator emulator;
    final Clock clock;
    final IamSeeder account;
    final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    final AccessKeyRemediationHandler handler;

    /** The Config rule the harness deploys and the function serves (CONFIG_RULE_NAME). */
    static final String RULE_NAME = "iam-user-unused-access-keys";
    /** The backout runbook the stack deploys with the default ResourcePrefix (BACKOUT_RUNBOOK_NAME). */
    static final String BACKOUT_RUNBOOK = "StaleKeys-RestoreAccessKeys";

    /** The deployed rule's input parameters, as the template writes them (blank settings left out). */
    record Deployed(String ruleParameters) {}

    /** As the template sets the rule: maxAccessKeyAgeDays, exemptUsers, exemptionTagKey. */
    static Deployed deployed(int days, String exemptUsers, String exemptionTagKey) {
        ObjectNode parameters = JSON.createObjectNode().put("maxAccessKeyAgeDays", String.valueOf(days));
        if (!exemptUsers.isEmpty()) {
            parameters.put("exemptUsers", exemptUsers);
        }
        if (!exemptionTagKey.isEmpty()) {
            parameters.put("exemptionTagKey", exemptionTagKey);
        }
        return new Deployed(parameters.toString());
    }

    final String auditKeyId;

    /** Deployed at the template's defaults: 90 days, no exemptions. */
    RemediationHarness(AwsEmulator emulator) {
        this(emulator, deployed(90, "", ""));
    }

    RemediationHarness(AwsEmulator emulator, Deployed deployed) {
        this(emulator, deployed, Clock.systemUTC());
    }

    RemediationHarness(AwsEmulator emulator, Deployed deployed, Clock clock) {
        this.emulator = emulator;
        this.clock = clock;
        this.account = new IamSeeder(emulator, clock);
        AwsClients clients =
                AwsClients.create(Region.of(emulator.region()), emulator.credentials(), emulator.endpoint());
        this.auditKeyId = createAuditKey(clients.kms());
        emulator.putConfigRule(RULE_NAME, deployed.ruleParameters());
        this.handler = new AccessKeyRemediationHandler(
                clients,
                new DeployedSettings(RULE_NAME, auditKeyId, BACKOUT_RUNBOOK),
                clock,
                new StructuredLogger("remediation", new PrintStream(logs, true, StandardCharsets.UTF_8), clock));
    }

    /** The HMAC key the template creates for sealing audit records (KeySpec HMAC_256, GENERATE_VERIFY_MAC). */
    static String createAuditKey(KmsClient kms) {
        return kms.createKey(key -> key.keySpec(KeySpec.HMAC_256)
                        .keyUsage(KeyUsageType.GENERATE_VERIFY_MAC)
                        .description("audit record seal (test)"))
                .keyMetadata()
                .keyId();
    }

    /** A remediation payload as the runbook sends it, for a fresh execution id. */
    static ObjectNode disablePayload(String userId) {
        return JSON.createObjectNode()
                .put("action", "DISABLE_STALE_KEYS")
                .put("userId", userId)
                .put("maxAccessKeyAgeDays", "90")
                .put("dryRun", "false")
                .put("exemptUsers", "")
                .put("exemptionTagKey", "")
                .put("automationExecutionId", UUID.randomUUID().toString());
    }

    static ObjectNode restorePayload(String userName) {
        return JSON.createObjectNode()
                .put("action", "RESTORE_KEYS")
                .put("userName", userName)
                .put("accessKeyIds", "")
                .put("remediationExecutionId", "")
                .put("automationExecutionId", UUID.randomUUID().toString());
    }

    JsonNode invoke(JsonNode payload) {
        return invoke(payload.toString());
    }

    /**
     * Invokes the handler; whatever happens, its logs and any error it throws (which Lambda logs) are scanned
     * for the seeded keys' secrets, session tokens and the whole payload.
     */
    JsonNode invoke(String payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        String whole = payload.length() < 40 ? null : payload;
        try {
            handler.handleRequest(new ByteArrayInputStream(payload.getBytes(StandardCharsets.UTF_8)), out, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (RuntimeException error) {
            scanLogs(logText() + LogScan.logged(error), whole);
            throw error;
        }
        scanLogs(logText(), whole);
        try {
            return JSON.readTree(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void scanLogs(String text, String wholePayload) {
        if (wholePayload == null) {
            LogScan.assertClean(text, account.seededSecrets());
        } else {
            LogScan.assertClean(text, account.seededSecrets(), wholePayload);
        }
    }

    /** The user's tags written by the remediation (the audit trail). */
    Map<String, String> auditTags(String userName) {
        Map<String, String> tags = new java.util.TreeMap<>();
        emulator.iamClient().listUserTags(request -> request.userName(userName)).tags().stream()
                .filter(tag -> tag.key().startsWith(AuditRecord.TAG_PREFIX))
                .forEach(tag -> tags.put(tag.key(), tag.value()));
        return tags;
    }

    /** The remediation records among them (one per remediation execution). */
    Map<String, String> remediationRecords(String userName) {
        Map<String, String> records = auditTags(userName);
        records.keySet().removeIf(key -> key.contains("/restored/"));
        return records;
    }

    /** The backouts' restoration records among them (one per backout and remediation record). */
    Map<String, String> restorationRecords(String userName) {
        Map<String, String> records = auditTags(userName);
        records.keySet().removeIf(key -> !key.contains("/restored/"));
        return records;
    }

    long calls(String operation) {
        return emulator.callCounts().getOrDefault(operation, 0L);
    }

    /** Calls that change something in IAM. */
    long writeCalls() {
        return emulator.callCounts().entrySet().stream()
                .filter(call -> call.getKey().matches("iam:(Update|Tag|Untag|Delete|Create).*"))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }

    String logText() {
        return logs.toString(StandardCharsets.UTF_8);
    }
}
