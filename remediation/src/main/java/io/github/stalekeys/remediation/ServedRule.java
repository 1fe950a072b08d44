package io.github.stalekeys.remediation;

import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.ruleparameters.RuleParameterDocument;
import java.util.List;
import java.util.Objects;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ConfigException;
import software.amazon.awssdk.services.config.model.ConfigRule;
import software.amazon.awssdk.services.config.model.NoSuchConfigRuleException;

/**
 * The AWS Config rule this remediation serves, read live ({@code config:DescribeConfigRules}) at each remediation.
 * Its input parameters are the deployed settings: a template parameter given to the function never reaches the
 * published version the runbooks invoke, while the rule's parameters are updated in place; and whoever changes
 * the rule later changes the remediation with it. Its parameters are parsed exactly as the rule evaluator parses
 * them ({@link RuleParameterDocument}).
 */
final class ServedRule {

    private final ConfigClient config;
    private final String ruleName;

    ServedRule(ConfigClient config, String ruleName) {
        this.config = Objects.requireNonNull(config, "config");
        this.ruleName = Objects.requireNonNull(ruleName, "ruleName");
    }

    /** The rule's limits and exemptions now; fails with the rule named when they cannot be known. */
    RuleSettings settings() {
        List<ConfigRule> rules;
        try {
            rules = config.describeConfigRules(request -> request.configRuleNames(ruleName))
                    .configRules();
        } catch (NoSuchConfigRuleException missing) {
            throw unavailable("it does not exist in this account and region", missing);
        } catch (ConfigException failed) {
            // AccessDeniedException among others: the error code says which, the message may quote a policy.
            throw unavailable(
                    "DescribeConfigRules failed ("
                            + (failed.awsErrorDetails() == null
                                    ? "status " + failed.statusCode()
                                    : failed.awsErrorDetails().errorCode())
                            + ")",
                    failed);
        }
        ConfigRule rule = rules.stream()
                .filter(candidate -> ruleName.equals(candidate.configRuleName()))
                .findFirst()
                .orElseThrow(() -> unavailable("it does not exist in this account and region", null));
        try {
            RuleParameterDocument parameters = RuleParameterDocument.parse(rule.inputParameters());
            return new RuleSettings(ruleName, parameters.limits(), parameters.exemptions(), parameters.ownerTagKey());
        } catch (InvalidSettingException unreadable) {
            throw unavailable("its input parameters are unreadable: " + unreadable.getMessage(), unreadable);
        }
    }

    private RuntimeException unavailable(String why, Throwable cause) {
        return new RuleSettingsUnavailableException(
                "Cannot read the deployed settings from the AWS Config rule '" + ruleName + "': " + why
                        + ". Nothing was changed",
                cause);
    }
}
