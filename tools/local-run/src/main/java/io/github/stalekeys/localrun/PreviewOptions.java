package io.github.stalekeys.localrun;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.ruleparameters.RuleParameterDocument;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.regions.Region;

/**
 * The preview's command line, read and checked before any AWS call: every rule parameter has an option (named
 * after it), so the preview can judge exactly as a deployed rule does.
 *
 * @param profile        the named profile ({@code --profile}), if any
 * @param region         a region the SDK knows
 * @param format         table, csv or json
 * @param output         where the csv or json goes, already checked ({@link ReportFile})
 * @param endpoint       the endpoint every call goes to, if not AWS's
 * @param ruleParameters the rule's parameters as the rule receives them (a JSON object of strings)
 * @param memberRoleArn  with {@code --execution-role-name}: the role to assume in {@code --account-id}
 */
record PreviewOptions(
        Optional<String> profile,
        Region region,
        String format,
        Optional<ReportFile> output,
        Optional<URI> endpoint,
        String ruleParameters,
        Optional<String> memberRoleArn) {

    /** Each option for a rule parameter, and the parameter it sets. */
    static final Map<String, String> RULE_PARAMETER_OPTIONS = Map.ofEntries(
            Map.entry("--max-access-key-age-days", RuleParameterDocument.MAX_ACCESS_KEY_AGE_DAYS),
            Map.entry("--max-age-days", RuleParameterDocument.MAX_ACCESS_KEY_AGE_DAYS),
            Map.entry("--max-never-used-key-age-days", RuleParameterDocument.MAX_NEVER_USED_KEY_AGE_DAYS),
            Map.entry("--exempt-users", RuleParameterDocument.EXEMPT_USERS),
            Map.entry("--exemption-tag-key", RuleParameterDocument.EXEMPTION_TAG_KEY),
            Map.entry("--execution-role-name", RuleParameterDocument.EXECUTION_ROLE_NAME),
            Map.entry("--warning-days", RuleParameterDocument.WARNING_DAYS),
            Map.entry("--evaluation-frequency", RuleParameterDocument.EVALUATION_FREQUENCY),
            Map.entry("--owner-tag-key", RuleParameterDocument.OWNER_TAG_KEY),
            Map.entry("--automatic-remediation", RuleParameterDocument.AUTOMATIC_REMEDIATION),
            Map.entry("--refresh-days", RuleParameterDocument.REFRESH_DAYS));

    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads the arguments after {@code preview}; {@code environment} supplies AWS_REGION. */
    static PreviewOptions parse(List<String> args, Map<String, String> environment) {
        Deque<String> arguments = new ArrayDeque<>(args);
        Optional<String> profile = Optional.empty();
        String regionSource = "AWS_REGION";
        String regionName = environment.get("AWS_REGION");
        String format = "table";
        String output = null;
        URI endpoint = null;
        ObjectNode given = JSON.createObjectNode();
        ObjectNode overrides = JSON.createObjectNode();
        String accountId = null;
        while (!arguments.isEmpty()) {
            String option = arguments.removeFirst();
            if (RULE_PARAMETER_OPTIONS.containsKey(option)) {
                overrides.put(RULE_PARAMETER_OPTIONS.get(option), value(option, arguments));
                continue;
            }
            switch (option) {
                case "--profile" -> profile = Optional.of(value(option, arguments));
                case "--region" -> {
                    regionSource = "--region";
                    regionName = value(option, arguments);
                }
                case "--format" -> format = value(option, arguments);
                case "--output" -> output = value(option, arguments);
                case "--endpoint-url" -> endpoint = endpoint(value(option, arguments));
                case "--rule-parameters" -> given = ruleParameters(value(option, arguments));
                case "--account-id" -> accountId = value(option, arguments);
                default -> throw new UsageException("unknown option " + InvalidSettingException.echo(option));
            }
        }
        if (!List.of("table", "csv", "json").contains(format)) {
            throw new UsageException(
                    "--format must be table, csv or json, got " + InvalidSettingException.echo(format));
        }
        if (output != null && format.equals("table")) {
            throw new UsageException("--output writes csv or json: add --format csv or --format json");
        }
        Region region = region(regionSource, regionName == null || regionName.isBlank() ? "us-east-1" : regionName);
        given.setAll(overrides);
        String roleName =
                given.path(RuleParameterDocument.EXECUTION_ROLE_NAME).asText("").strip();
        Optional<String> roleArn = memberRole(roleName, accountId, region);
        return new PreviewOptions(
                profile,
                region,
                format,
                Optional.ofNullable(output).map(ReportFile::at),
                Optional.ofNullable(endpoint),
                given.toString(),
                roleArn);
    }

    /** A region the SDK knows (its endpoints and partition): a typo is refused here, not after retries. */
    static Region region(String source, String name) {
        Region region = Region.of(name.strip());
        if (!Region.regions().contains(region) || region.isGlobalRegion()) {
            throw new UsageException(source + " " + InvalidSettingException.echo(name)
                    + " is not an AWS region this build knows: name one such as us-east-1 or eu-west-1"
                    + " (aws account list-regions lists yours)");
        }
        return region;
    }

    private static Optional<String> memberRole(String roleName, String accountId, Region region) {
        if (roleName.isEmpty()) {
            if (accountId != null) {
                throw new UsageException("--account-id goes with --execution-role-name: add the role's name");
            }
            return Optional.empty();
        }
        if (accountId == null) {
            throw new UsageException("--execution-role-name needs --account-id: the 12-digit account whose role the"
                    + " preview assumes");
        }
        if (!ACCOUNT_ID.matcher(accountId).matches()) {
            throw new UsageException(
                    "--account-id must be a 12-digit account id, got " + InvalidSettingException.echo(accountId));
        }
        // The role name itself is checked with the other rule parameters, as the rule checks it.
        return Optional.of("arn:" + region.metadata().partition().id() + ":iam::" + accountId + ":role/" + roleName);
    }

    private static ObjectNode ruleParameters(String json) {
        RuleParameterDocument.parse(json); // the rule's own strictness: unknown names, duplicates, non-strings
        try {
            JsonNode node = JSON.readTree(json);
            return node instanceof ObjectNode object ? object : JSON.createObjectNode();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("parsed once already", e);
        }
    }

    private static URI endpoint(String value) {
        try {
            URI uri = new URI(value);
            if (!List.of("http", "https").contains(String.valueOf(uri.getScheme())) || uri.getHost() == null) {
                throw new URISyntaxException(value, "not an http(s) URL with a host");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new UsageException("--endpoint-url must be an http(s) URL such as https://iam.amazonaws.com, got "
                    + InvalidSettingException.echo(value));
        }
    }

    private static String value(String option, Deque<String> arguments) {
        if (arguments.isEmpty() || arguments.peekFirst().startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return arguments.removeFirst();
    }
}
