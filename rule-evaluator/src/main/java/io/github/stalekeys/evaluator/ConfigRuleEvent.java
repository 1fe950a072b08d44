package io.github.stalekeys.evaluator;

/**
 * The event AWS Config invokes a custom Lambda rule with, as the Lambda runtime binds it (a bean: a no-argument
 * constructor, a getter and setter per field, unknown fields ignored).
 *
 * <p>The function's own type rather than {@code aws-lambda-java-events}' {@code ConfigEvent}: that library and the
 * joda-time the runtime loads for any of its event classes would add 1.1 MB to the package for this one bean.
 * Field names as in the event Config sends:
 * https://docs.aws.amazon.com/config/latest/developerguide/evaluate-config_develop-rules_example-events.html
 */
public final class ConfigRuleEvent {

    private String version;
    private String invokingEvent;
    private String ruleParameters;
    private String resultToken;
    private String configRuleArn;
    private String configRuleId;
    private String configRuleName;
    private String accountId;
    private String executionRoleArn;
    private boolean eventLeftScope;

    public String getVersion() {
        return version;
    }

    public void setVersion(String version) {
        this.version = version;
    }

    public String getInvokingEvent() {
        return invokingEvent;
    }

    public void setInvokingEvent(String invokingEvent) {
        this.invokingEvent = invokingEvent;
    }

    public String getRuleParameters() {
        return ruleParameters;
    }

    public void setRuleParameters(String ruleParameters) {
        this.ruleParameters = ruleParameters;
    }

    public String getResultToken() {
        return resultToken;
    }

    public void setResultToken(String resultToken) {
        this.resultToken = resultToken;
    }

    public String getConfigRuleArn() {
        return configRuleArn;
    }

    public void setConfigRuleArn(String configRuleArn) {
        this.configRuleArn = configRuleArn;
    }

    public String getConfigRuleId() {
        return configRuleId;
    }

    public void setConfigRuleId(String configRuleId) {
        this.configRuleId = configRuleId;
    }

    public String getConfigRuleName() {
        return configRuleName;
    }

    public void setConfigRuleName(String configRuleName) {
        this.configRuleName = configRuleName;
    }

    public String getAccountId() {
        return accountId;
    }

    public void setAccountId(String accountId) {
        this.accountId = accountId;
    }

    public String getExecutionRoleArn() {
        return executionRoleArn;
    }

    public void setExecutionRoleArn(String executionRoleArn) {
        this.executionRoleArn = executionRoleArn;
    }

    public boolean getEventLeftScope() {
        return eventLeftScope;
    }

    public void setEventLeftScope(boolean eventLeftScope) {
        this.eventLeftScope = eventLeftScope;
    }
}
