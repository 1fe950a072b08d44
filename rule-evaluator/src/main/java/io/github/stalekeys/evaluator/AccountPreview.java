package io.github.stalekeys.evaluator;

import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.configrule.Deadline;
import io.github.stalekeys.configrule.Sleeper;
import io.github.stalekeys.iam.IamKeyInventory;
import io.github.stalekeys.policy.StaleKeyPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The rule's whole-account evaluation, read-only: the same reads and verdicts as a periodic run, but no
 * {@code PutEvaluations} and no Config calls at all, so it can be pointed at a real account before anyone
 * switches on automatic remediation. IAM permissions needed:
 * {@code iam:GetAccountAuthorizationDetails}, {@code iam:GenerateCredentialReport}, {@code iam:GetCredentialReport},
 * {@code iam:ListAccessKeys}, {@code iam:GetAccessKeyLastUsed}.
 */
public final class AccountPreview {

    private final AwsClients clients;
    private final StaleKeyPolicy policy;
    private final Clock clock;

    private AccountPreview(AwsClients clients, StaleKeyPolicy policy, Clock clock) {
        this.clients = clients;
        this.policy = policy;
        this.clock = clock;
    }

    /**
     * @param ruleParameters the rule parameters as the rule would receive them (JSON), e.g.
     *                       {@code {"maxAccessKeyAgeDays":"90"}}; null or blank for the defaults
     * @throws io.github.stalekeys.policy.InvalidSettingException naming a parameter that is wrong
     */
    public static AccountPreview of(AwsClients clients, String ruleParameters, Clock clock) {
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(clock, "clock");
        RuleParameters parameters = RuleParameters.parse(ruleParameters);
        return new AccountPreview(clients, parameters.policy(clock), clock);
    }

    /** The policy the preview judges by, for reporting what the remediation would do with each key. */
    public StaleKeyPolicy policy() {
        return policy;
    }

    /** Every current user of the account, judged; stops with an error rather than exceed {@code timeBudget}. */
    public List<UserAssessment> assessAccount(Duration timeBudget) {
        AccountEvaluator evaluator = new AccountEvaluator(
                new IamKeyInventory(clients.iam()), new CredentialReportSource(clients.iam(), Sleeper.REAL), policy);
        return evaluator.evaluateAll(
                Set.of(), Deadline.fromRemaining(timeBudget.plus(Deadline.POSTING_RESERVE), clock));
    }
}
