package io.github.stalekeys.evaluator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ConfigEvent;
import io.github.stalekeys.audit.AuditSeal;
import io.github.stalekeys.audit.AuditTrail;
import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.configrule.ChangesOnly;
import io.github.stalekeys.configrule.Deadline;
import io.github.stalekeys.configrule.EvaluationPublisher;
import io.github.stalekeys.configrule.InvalidEventException;
import io.github.stalekeys.configrule.InvokingEventParser;
import io.github.stalekeys.configrule.PreviousResults;
import io.github.stalekeys.configrule.RuleEvaluation;
import io.github.stalekeys.configrule.Sleeper;
import io.github.stalekeys.configrule.Trigger;
import io.github.stalekeys.events.KeyEventBus;
import io.github.stalekeys.iam.IamKeyInventory;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.Compliance;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.InvalidSettingException;
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.policy.UserVerdict;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.config.model.NoSuchConfigRuleException;

/**
 * The AWS Config custom rule: judges IAM users by how long their active access keys have gone unused.
 *
 * <p>It validates the event and the rule parameters before any AWS call (a bad event posts nothing),
 * dispatches on the trigger, and posts the evaluations. Every failure propagates, so Config shows the rule
 * as failed instead of silently keeping stale results.
 *
 * <p>A periodic run posts only what differs from the results Config holds, plus the results whose refresh is
 * due ({@link ChangesOnly}); a change event always posts its one evaluation.
 */
public final class AccessKeyComplianceHandler implements RequestHandler<ConfigEvent, EvaluationReport> {

    private static final Pattern ACCOUNT_ID = Pattern.compile("[0-9]{12}");
    private static final String SESSION_NAME = "stale-access-keys-rule";
    /** How many flagged users a periodic run confirms live at once: 1..16, default 4. */
    static final String LIVE_CONCURRENCY_VARIABLE = "LIVE_CONFIRMATION_CONCURRENCY";

    private final AwsClients clients;
    private final Clock clock;
    private final Sleeper sleeper;
    private final StructuredLogger log;
    private final Optional<String> auditRecordKeyId;
    private final int liveConcurrency;

    /** Used by the Lambda runtime: one set of clients per container. */
    public AccessKeyComplianceHandler() {
        this(
                AwsClients.fromEnvironment(),
                Clock.systemUTC(),
                Sleeper.REAL,
                StructuredLogger.toStandardOutput("rule-evaluator"),
                Optional.ofNullable(System.getenv(AUDIT_RECORD_KEY_ID)).filter(id -> !id.isBlank()),
                liveConcurrency(System.getenv(LIVE_CONCURRENCY_VARIABLE)));
        SnapStartPriming.register();
    }

    AccessKeyComplianceHandler(AwsClients clients, Clock clock, Sleeper sleeper, StructuredLogger log) {
        this(clients, clock, sleeper, log, Optional.empty(), AccountEvaluator.DEFAULT_LIVE_CONCURRENCY);
    }

    AccessKeyComplianceHandler(
            AwsClients clients, Clock clock, Sleeper sleeper, StructuredLogger log, Optional<String> auditRecordKeyId) {
        this(clients, clock, sleeper, log, auditRecordKeyId, AccountEvaluator.DEFAULT_LIVE_CONCURRENCY);
    }

    AccessKeyComplianceHandler(
            AwsClients clients, Clock clock, Sleeper sleeper, StructuredLogger log, int liveConcurrency) {
        this(clients, clock, sleeper, log, Optional.empty(), liveConcurrency);
    }

    /**
     * @param auditRecordKeyId the KMS HMAC key that seals the remediation's audit records (environment variable
     *                         {@value #AUDIT_RECORD_KEY_ID}), to honour a backout's grace; empty: none is
     * @param liveConcurrency  how many flagged users are confirmed live at a time
     */
    AccessKeyComplianceHandler(
            AwsClients clients,
            Clock clock,
            Sleeper sleeper,
            StructuredLogger log,
            Optional<String> auditRecordKeyId,
            int liveConcurrency) {
        this.liveConcurrency = liveConcurrency;
        this.clients = Objects.requireNonNull(clients, "clients");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.log = Objects.requireNonNull(log, "log");
        this.auditRecordKeyId = Objects.requireNonNull(auditRecordKeyId, "auditRecordKeyId");
    }

    static final String AUDIT_RECORD_KEY_ID = "AUDIT_RECORD_KEY_ID";

    @Override
    public EvaluationReport handleRequest(ConfigEvent event, Context context) {
        if (event == null) {
            throw new InvalidEventException("the event is empty");
        }
        String ruleName = required(event.getConfigRuleName(), "configRuleName");
        String resultToken = required(event.getResultToken(), "resultToken");
        RuleParameters parameters = RuleParameters.parse(event.getRuleParameters());
        Trigger trigger = InvokingEventParser.parse(event.getInvokingEvent());
        if (trigger instanceof Trigger.ItemChange change) {
            IamUserResource.checkItem(change);
        }
        AwsClients account = parameters
                .executionRoleName()
                .map(roleName -> clients.assumingRole(roleArn(event, roleName), SESSION_NAME))
                .orElse(clients);
        StaleKeyPolicy policy = parameters.policy(clock);
        // The records are sealed with this account's key: a member account's records are not verifiable here.
        Optional<AuditTrail> auditTrail = parameters.executionRoleName().isPresent()
                ? Optional.empty()
                : auditRecordKeyId.map(keyId -> new AuditTrail(account.iam(), new AuditSeal(account.kms(), keyId)));
        AccountEvaluator evaluator = new AccountEvaluator(
                account.iam(),
                new IamKeyInventory(account.iam()),
                new CredentialReportSource(account.iam(), sleeper),
                policy,
                auditTrail,
                clock,
                liveConcurrency);

        Deadline deadline = Deadline.fromRemaining(remainingTime(context), clock);
        List<UserAssessment> periodic = List.of();
        Optional<WarningWindow> warningWindow = Optional.of(trigger)
                .filter(Trigger.Scheduled.class::isInstance)
                .filter(scheduled -> parameters.warnings().schedule().enabled())
                .map(scheduled -> new WarningWindow(
                        scheduled.orderingTimestamp(),
                        parameters.warnings().frequency().period()));
        List<RuleEvaluation> evaluations;
        ChangesOnly.Selection selection;
        switch (trigger) {
            case Trigger.Scheduled scheduled -> {
                Map<String, PreviousResults.Result> previous = previousResults(account, ruleName, resultToken);
                periodic = evaluator.evaluateAll(awaitingCleanUp(previous), deadline, warningWindow);
                evaluations = periodic.stream()
                        .map(assessment -> logged(assessment.verdict(), ruleName))
                        .toList();
                selection = ChangesOnly.select(evaluations, previous, parameters.refreshPeriod(), clock.instant());
            }
            case Trigger.ItemChange change -> {
                evaluations = List.of(evaluateItem(change, event.getEventLeftScope(), evaluator, ruleName));
                selection = ChangesOnly.everything(evaluations);
            }
        }

        int posted = new EvaluationPublisher(account.config(), sleeper)
                .publish(selection.toPost(), trigger.orderingTimestamp(), resultToken, deadline.forPosting());
        EvaluationReport report = new EvaluationReport(
                ruleName,
                event.getAccountId(),
                trigger.getClass().getSimpleName(),
                EvaluationPublisher.TEST_MODE_TOKEN.equals(resultToken),
                count(evaluations, Compliance.COMPLIANT),
                count(evaluations, Compliance.NON_COMPLIANT),
                count(evaluations, Compliance.NOT_APPLICABLE),
                posted,
                selection.unchanged(),
                selection.refreshes());
        log.info(
                "evaluations posted",
                "configRuleName",
                ruleName,
                "accountId",
                event.getAccountId(),
                "trigger",
                report.trigger(),
                "testMode",
                report.testMode(),
                "compliant",
                report.compliant(),
                "nonCompliant",
                report.nonCompliant(),
                "notApplicable",
                report.notApplicable(),
                "posted",
                report.posted(),
                "unchanged",
                report.unchanged(),
                "refreshed",
                report.refreshed());
        if (warningWindow.isPresent()) {
            // After the evaluations are recorded: if publishing fails, the invocation fails and Lambda's retry
            // re-posts the same evaluations and announces the same period's warnings again.
            int warned = new WarningAnnouncer(new KeyEventBus(clients.events(), sleeper::sleep), log)
                    .announce(
                            periodic,
                            policy,
                            evaluator::tagsOf,
                            new WarningAnnouncer.Run(
                                    event.getAccountId(),
                                    ruleName,
                                    warningWindow.get(),
                                    parameters.warnings(),
                                    report.testMode()));
            log.info(
                    "warnings announced",
                    "configRuleName",
                    ruleName,
                    "accountId",
                    event.getAccountId(),
                    "warnings",
                    warned,
                    "testMode",
                    report.testMode());
        }
        return report;
    }

    /**
     * The results this rule holds on IAM users. A test-mode event (e.g. {@code sam local invoke}) may name a rule
     * that is not deployed: it then has no previous results rather than failing.
     */
    private static Map<String, PreviousResults.Result> previousResults(
            AwsClients account, String ruleName, String resultToken) {
        try {
            return new PreviousResults(account.config()).of(ruleName, IamUserResource.TYPE);
        } catch (NoSuchConfigRuleException notDeployed) {
            if (EvaluationPublisher.TEST_MODE_TOKEN.equals(resultToken)) {
                return Map.of();
            }
            throw notDeployed;
        }
    }

    /** Users with a result that does not yet say they are gone: if they no longer exist, that is reported once. */
    private static Set<String> awaitingCleanUp(Map<String, PreviousResults.Result> previous) {
        return previous.values().stream()
                .filter(result -> result.compliance() != Compliance.NOT_APPLICABLE
                        || !AccountEvaluator.USER_GONE.equals(result.annotation()))
                .map(PreviousResults.Result::resourceId)
                .collect(Collectors.toSet());
    }

    private RuleEvaluation evaluateItem(
            Trigger.ItemChange change, boolean leftScope, AccountEvaluator evaluator, String ruleName) {
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
        return logged(
                evaluator
                        .evaluateChanged(new IamUser(change.resourceId(), change.resourceName()))
                        .verdict(),
                ruleName);
    }

    private RuleEvaluation logged(UserVerdict verdict, String ruleName) {
        if (verdict.compliance() == Compliance.NON_COMPLIANT) {
            log.info(
                    "user has unused access keys",
                    "configRuleName",
                    ruleName,
                    "userName",
                    verdict.user().userName(),
                    "userId",
                    verdict.user().userId(),
                    "accessKeyIds",
                    verdict.staleKeys().stream().map(k -> k.key().accessKeyId()).toList());
        }
        return IamUserResource.evaluation(verdict);
    }

    /** The {@value #LIVE_CONCURRENCY_VARIABLE} setting: unset means the default of 4. */
    static int liveConcurrency(String value) {
        if (value == null || value.isBlank()) {
            return AccountEvaluator.DEFAULT_LIVE_CONCURRENCY;
        }
        String number = value.strip();
        if (!number.matches("[0-9]{1,2}") || Integer.parseInt(number) < 1 || Integer.parseInt(number) > 16) {
            throw new InvalidSettingException(
                    LIVE_CONCURRENCY_VARIABLE, "must be a whole number 1..16, got '" + value + "'");
        }
        return Integer.parseInt(number);
    }

    private static Duration remainingTime(Context context) {
        return context == null ? Duration.ofMinutes(15) : Duration.ofMillis(context.getRemainingTimeInMillis());
    }

    /** The role to assume in the event's account, in the rule's own partition. */
    static String roleArn(ConfigEvent event, String roleName) {
        String accountId = event.getAccountId();
        if (accountId == null || !ACCOUNT_ID.matcher(accountId).matches()) {
            throw new InvalidEventException("accountId must be a 12-digit account id to assume "
                    + RuleParameters.EXECUTION_ROLE_NAME + ", got '" + accountId + "'");
        }
        return "arn:" + partition(event) + ":iam::" + accountId + ":role/" + roleName;
    }

    /** The partition of the rule itself (aws, aws-cn, aws-us-gov), read from an ARN in the event. */
    private static String partition(ConfigEvent event) {
        for (String arn : new String[] {event.getConfigRuleArn(), event.getExecutionRoleArn()}) {
            if (arn != null && arn.startsWith("arn:") && arn.indexOf(':', 4) > 4) {
                return arn.substring(4, arn.indexOf(':', 4));
            }
        }
        return "aws";
    }

    private static String required(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new InvalidEventException(field + " is missing from the event");
        }
        return value;
    }

    private static int count(List<RuleEvaluation> evaluations, Compliance compliance) {
        return (int)
                evaluations.stream().filter(e -> e.compliance() == compliance).count();
    }
}
