package io.github.stalekeys.evaluator;

import io.github.stalekeys.configrule.InvalidEventException;
import io.github.stalekeys.configrule.RuleEvaluation;
import io.github.stalekeys.configrule.Trigger;
import io.github.stalekeys.policy.IamIdentifiers;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.UserVerdict;
import java.util.function.Function;

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
            throw new InvalidEventException(path + ".resourceId " + InvalidSettingException.echo(change.resourceId())
                    + " is not an IAM user id (AIDA...)");
        }
        String name = change.resourceName();
        if (name != null && !IamIdentifiers.NAME.matcher(name).matches()) {
            throw new InvalidEventException(
                    path + ".resourceName " + InvalidSettingException.echo(name) + " is not an IAM user name");
        }
    }

    /**
     * The evaluation of the item a change event describes: {@code NOT_APPLICABLE} for what this rule does not
     * judge (another type, a deleted user, one out of scope), else {@code judged} of the user it names.
     */
    static RuleEvaluation evaluate(
            Trigger.ItemChange change, boolean leftScope, Function<IamUser, RuleEvaluation> judged) {
        if (!IamUserResource.TYPE.equals(change.resourceType())) {
            return RuleEvaluation.notApplicable(
                    change.resourceType(),
                    change.resourceId(),
                    "Not an IAM user: this rule judges AWS::IAM::User only");
        }
        if (change.resourceDeleted()) {
            return RuleEvaluation.notApplicable(change.resourceType(), change.resourceId(), AccountEvaluator.USER_GONE);
        }
        if (leftScope) {
            return RuleEvaluation.notApplicable(
                    change.resourceType(), change.resourceId(), "The IAM user left the rule's scope");
        }
        if (change.resourceName() == null || change.resourceName().isBlank()) {
            throw new InvalidEventException(
                    "invokingEvent.configurationItem.resourceName is missing for IAM user " + change.resourceId());
        }
        return judged.apply(new IamUser(change.resourceId(), change.resourceName()));
    }
}
