package io.github.stalekeys.securityhub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.findings.FindingChanges;
import io.github.stalekeys.findings.KeyFinding;
import io.github.stalekeys.findings.KeyState;
import io.github.stalekeys.findings.StoredFinding;
import io.github.stalekeys.policy.AccessKeyActivity;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;
import java.util.Optional;

/**
 * One key's finding in the AWS Security Finding Format (schema 2018-10-08), and back.
 *
 * <p>Under the account's default product ({@code arn:aws:securityhub:REGION:ACCOUNT:product/ACCOUNT/default}), one
 * {@code AwsIamAccessKey} resource, with an id stable per rule, account and key. What BatchImportFindings may not
 * update after creation (Severity, Types) goes in {@code FindingProviderFields}; the rest of our facts (last use,
 * owner, state) in {@code ProductFields}, which it may. Values that come from outside (user names, tag-derived
 * owners, annotations) are bounded to ASFF's limits: at most 50 product fields, keys up to 128 and values up to
 * 2,048 characters, a title of 256 and a description of 1,024; Jackson escapes them as JSON.
 */
public final class AsffFinding {

    public static final String SCHEMA_VERSION = "2018-10-08";
    static final String FIELD_PREFIX = "stale-access-keys/";
    static final String STATE = FIELD_PREFIX + "State";
    static final String FINGERPRINT = FIELD_PREFIX + "Fingerprint";
    static final String DETAIL = FIELD_PREFIX + "Detail";
    static final String USER_ID = FIELD_PREFIX + "UserId";
    static final String USER_NAME = FIELD_PREFIX + "UserName";
    private static final int MAX_FIELD_VALUE = 2048;
    private static final int MAX_TITLE = 256;
    private static final int MAX_DESCRIPTION = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The run's facts every finding repeats. */
    public record Context(
            String partition,
            String region,
            String accountId,
            String ruleName,
            String runbookName,
            String backoutRunbookName,
            Instant now) {

        public Context {
            Objects.requireNonNull(partition, "partition");
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(ruleName, "ruleName");
            Objects.requireNonNull(runbookName, "runbookName");
            Objects.requireNonNull(backoutRunbookName, "backoutRunbookName");
            Objects.requireNonNull(now, "now");
        }

        public String productArn() {
            return "arn:" + partition + ":securityhub:" + region + ":" + accountId + ":product/" + accountId
                    + "/default";
        }

        /** Ours alone: the rule's findings, apart from another rule's in the same account. */
        public String generatorId() {
            return "stale-access-keys/" + ruleName;
        }

        public String findingId(String accessKeyId) {
            return productArn() + "/" + generatorId() + "/" + accessKeyId;
        }
    }

    private AsffFinding() {}

    /** The ASFF JSON to import for {@code change}. */
    public static ObjectNode of(FindingChanges.Change change, Context context) {
        KeyFinding finding = change.finding();
        AccessKeyActivity key = finding.key();
        KeyState state = finding.state();
        Instant createdAt = change.replaces().map(StoredFinding::createdAt).orElse(context.now());
        Instant firstObserved =
                change.replaces().map(StoredFinding::firstObservedAt).orElse(context.now());
        ObjectNode asff = JSON.createObjectNode();
        asff.put("SchemaVersion", SCHEMA_VERSION);
        asff.put("Id", context.findingId(key.accessKeyId()));
        asff.put("ProductArn", context.productArn());
        asff.put("GeneratorId", context.generatorId());
        asff.put("AwsAccountId", context.accountId());
        ArrayNode types = asff.putArray("Types");
        types.add("Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark");
        asff.put("CreatedAt", createdAt.toString());
        asff.put("UpdatedAt", context.now().toString());
        asff.put("FirstObservedAt", firstObserved.toString());
        asff.put("LastObservedAt", context.now().toString());
        asff.putObject("Severity").put("Label", state.severityLabel());
        ObjectNode provider = asff.putObject("FindingProviderFields");
        provider.putObject("Severity").put("Label", state.severityLabel());
        provider.set("Types", types.deepCopy());
        asff.put("Title", bounded(title(finding), MAX_TITLE));
        asff.put(
                "Description",
                bounded(
                        finding.detail() + ". " + context.ruleName() + " reports access keys unused" + " for more than "
                                + finding.limitDays() + " days.",
                        MAX_DESCRIPTION));
        ObjectNode recommendation = asff.putObject("Remediation").putObject("Recommendation");
        recommendation.put("Text", bounded(remediation(state, context), 512));
        ObjectNode compliance = asff.putObject("Compliance");
        compliance.put("Status", state.complianceStatus());
        ArrayNode requirements = compliance.putArray("RelatedRequirements");
        Requirements.of(finding.limitDays()).forEach(requirements::add);
        asff.put("RecordState", state.recordState());
        ObjectNode resource = asff.putArray("Resources").addObject();
        resource.put("Type", "AwsIamAccessKey");
        resource.put(
                "Id",
                "arn:" + context.partition() + ":iam::" + context.accountId() + ":user/"
                        + bounded(finding.user().userName(), 128) + "/accesskey/" + key.accessKeyId());
        resource.put("Partition", context.partition());
        resource.put("Region", context.region());
        ObjectNode details = resource.putObject("Details").putObject("AwsIamAccessKey");
        details.put("AccessKeyId", key.accessKeyId());
        details.put("AccountId", context.accountId());
        details.put("PrincipalId", finding.user().userId());
        details.put("PrincipalName", bounded(finding.user().userName(), 128));
        details.put("PrincipalType", "IAMUser");
        details.put("CreatedAt", key.createDate().toString());
        details.put(
                "Status",
                key.status().name().charAt(0) + key.status().name().substring(1).toLowerCase());
        ObjectNode fields = asff.putObject("ProductFields");
        field(fields, STATE, state.name());
        field(fields, FINGERPRINT, finding.fingerprint());
        field(fields, DETAIL, finding.detail());
        field(fields, USER_ID, finding.user().userId());
        field(fields, USER_NAME, finding.user().userName());
        field(
                fields,
                FIELD_PREFIX + "LastUsedDate",
                key.lastUsed().map(Instant::toString).orElse("never"));
        field(
                fields,
                FIELD_PREFIX + "LastUsedService",
                key.lastUsedAt().map(site -> site.service()).orElse("N/A"));
        field(
                fields,
                FIELD_PREFIX + "LastUsedRegion",
                key.lastUsedAt().flatMap(site -> site.region()).orElse("N/A"));
        field(fields, FIELD_PREFIX + "LimitDays", Integer.toString(finding.limitDays()));
        field(fields, FIELD_PREFIX + "ConfigRuleName", context.ruleName());
        field(fields, FIELD_PREFIX + "Runbook", context.runbookName());
        finding.owner().ifPresent(owner -> {
            field(fields, FIELD_PREFIX + "OwnerStatus", owner.status());
            owner.value().ifPresent(value -> field(fields, FIELD_PREFIX + "Owner", value));
        });
        return asff;
    }

    /** A finding read back from GetFindings, when it is one of ours and whole; empty otherwise. */
    public static Optional<StoredFinding> read(JsonNode asff, Context context) {
        JsonNode fields = asff.path("ProductFields");
        JsonNode details = asff.path("Resources").path(0).path("Details").path("AwsIamAccessKey");
        if (!context.generatorId().equals(asff.path("GeneratorId").asText())
                || !context.productArn().equals(asff.path("ProductArn").asText())
                || !"ACTIVE".equals(asff.path("RecordState").asText())) {
            return Optional.empty();
        }
        try {
            return Optional.of(new StoredFinding(
                    asff.path("Id").asText(),
                    required(details, "AccessKeyId"),
                    required(fields, USER_ID),
                    required(fields, USER_NAME),
                    Instant.parse(required(details, "CreatedAt")),
                    KeyState.valueOf(required(fields, STATE)),
                    required(fields, FINGERPRINT),
                    fields.path(DETAIL).asText(""),
                    Instant.parse(required(asff, "CreatedAt")),
                    Instant.parse(asff.path("FirstObservedAt").asText(required(asff, "CreatedAt")))));
        } catch (IllegalArgumentException | DateTimeParseException notOurs) {
            return Optional.empty(); // edited by hand or by another writer: re-imported from scratch
        }
    }

    private static String title(KeyFinding finding) {
        String user = finding.user().userName();
        String key = finding.key().accessKeyId();
        return switch (finding.state()) {
            case WARNED -> "IAM access key " + key + " of " + user + " turns stale soon";
            case NON_COMPLIANT ->
                "IAM access key " + key + " of " + user + " unused for more than " + finding.limitDays() + " days";
            case DISABLED -> "IAM access key " + key + " of " + user + " disabled";
            case RESTORED -> "IAM access key " + key + " of " + user + " restored, in its grace";
            case EXEMPT -> "IAM access key " + key + " of " + user + " exempt";
            case RESOLVED -> "IAM access key " + key + " of " + user + " resolved";
        };
    }

    private static String remediation(KeyState state, Context context) {
        return switch (state) {
            case DISABLED ->
                "If the key is still needed, run the SSM Automation runbook "
                        + context.backoutRunbookName() + " for this user (it restores what the remediation disabled);"
                        + " otherwise delete the key.";
            case RESOLVED -> "Nothing to do.";
            default ->
                "Use the key or let it go: the SSM Automation runbook " + context.runbookName()
                        + " (AWS Config remediation of " + context.ruleName() + ") disables it once stale, after a live"
                        + " re-check; it never deletes keys.";
        };
    }

    private static void field(ObjectNode fields, String key, String value) {
        if (fields.size() < 50 && value != null && !value.isBlank()) {
            fields.put(bounded(key, 128), bounded(value, MAX_FIELD_VALUE));
        }
    }

    /** At most {@code max} characters, control characters replaced (one line, no terminal escapes). */
    static String bounded(String value, int max) {
        String clean = value.replaceAll("\\p{Cntrl}", " ");
        return clean.length() <= max ? clean : clean.substring(0, max - 3) + "...";
    }

    private static String required(JsonNode node, String field) {
        String text = node.path(field).asText("");
        if (text.isBlank()) {
            throw new IllegalArgumentException(field + " is missing");
        }
        return text;
    }
}
