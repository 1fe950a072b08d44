package io.github.stalekeys.evaluator;

import io.github.stalekeys.configrule.InvalidEventException;
import io.github.stalekeys.policy.InvalidSettingException;
import java.util.regex.Pattern;

/** Organization mode: the role the rule assumes in the account an event is about. */
final class MemberAccountRole {

    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");

    private MemberAccountRole() {}

    /** The role to assume in the event's account, in the rule's own partition. */
    static String of(ConfigRuleEvent event, String roleName) {
        String accountId = event.getAccountId();
        if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
            throw new InvalidEventException("accountId must be a 12-digit account id to assume "
                    + RuleParameters.EXECUTION_ROLE_NAME + ", got " + InvalidSettingException.echo(accountId));
        }
        return "arn:" + partition(event) + ":iam::" + accountId + ":role/" + roleName;
    }

    /** The partition of the rule itself (aws, aws-cn, aws-us-gov), read from an ARN in the event. */
    private static String partition(ConfigRuleEvent event) {
        for (String arn : new String[] {event.getConfigRuleArn(), event.getExecutionRoleArn()}) {
            if (arn != null && arn.startsWith("arn:") && arn.indexOf(':', 4) > 4) {
                return arn.substring(4, arn.indexOf(':', 4));
            }
        }
        return "aws";
    }
}
