package io.github.stalekeys.evaluator;

import io.github.stalekeys.configrule.InvalidEventException;
import io.github.stalekeys.configrule.RuleEvaluation;
import io.github.stalekeys.configrule.Trigger;
import io.github.stalekeys.policy.IamIdentifiers;
import io.github.stalekeys.policy.UserVerdict;

/** The Config resource this rule judges: an IAM user, whose resource id is the user id. */
final class IamUserResource {

    static final String TYPE = "AWS::IAM::User";

    private IamUserResource() {}

    static RuleEvaluation evaluation(UserVerdict verdict) {
        return new RuleEvaluation(TYPE, verdict.user().userId(), verdict.compliance(), verdict.annotation());
    }

    /**
     * Refuses an IAM user item whose id or name IAM could not have issued: both reach IAM calls and evaluations.
     * Items of other resource types pass (they are answered {@code NOT_APPLICABLE}).
     */
    static void checkItem(Trigger.ItemChange change) {
        if (!TYPE.equals(change.resourceType())) {
            return;
        }
        String path = change.itemPath();
        if (!IamIdentifiers.USER_ID.matcher(change.resourceId()).matches()) {
            throw new InvalidEventException(
                    path + ".resourceId '" + change.resourceId() + "' is not an IAM user id (AIDA...)");
        }
        String name = change.resourceName();
        if (name != null && !IamIdentifiers.NAME.matcher(name).matches()) {
            throw new InvalidEventException(path + ".resourceName '" + name + "' is not an IAM user name");
        }
    }
}
