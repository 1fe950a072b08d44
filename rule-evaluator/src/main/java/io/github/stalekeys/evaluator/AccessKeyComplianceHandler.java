package io.github.stalekeys.evaluator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
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
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.policy.UserVerdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

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
public final class AccessKeyComplianceHandler implements RequestStreamHandler {

    private static final String SESSION_NAME = "stale-access-keys-rule";

    private final AwsClients clients;
    private final Clock clock;
    private final Sleeper sleeper;
    private final StructuredLogger log;
    private final EvaluatorSettings settings;

    /** Used by the Lambda runtime: one set of clients per container. */
    public AccessKeyComplianceHandler() {
        this(
                AwsClients.fromEnvironment(),
                Clock.systemUTC(),
                Sleeper.REAL,
                StructuredLogger.toStandardOutput("rule-evaluator"),
                EvaluatorSettings.fromEnvironment(System::getenv));
        SnapStartPriming.register();
    }

    AccessKeyComplianceHandler(AwsClients clients, Clock clock, Sleeper sleeper, StructuredLogger log) {
        this(clients, clock, sleeper, log, EvaluatorSettings.DEFAULTS);
    }

    AccessKeyComplianceHandler(
            AwsClients clients, Clock clock, Sleeper sleeper, StructuredLogger log, EvaluatorSettings settings) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.log = Objects.requireNonNull(log, "log");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** The Lambda entry point: Config's event in, the report out, both JSON ({@link ConfigRuleEventJson}). */
    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        ConfigRuleEventJson.write(handleRequest(ConfigRuleEventJson.read(input), context), output);
    }

    public EvaluationReport handleRequest(ConfigRuleEvent event, Context context) {
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
                .map(roleName -> clients.assumingRole(MemberAccountRole.of(event, roleName), SESSION_NAME))
                .orElse(clients);
        // One run, one moment: every verdict, grace and refresh of this invocation at its start (the deadline alone
        // follows the real clock).
        Clock atRun = Clock.fixed(clock.instant(), ZoneOffset.UTC);
        StaleKeyPolicy policy = parameters.policy(atRun);
        // The records are sealed with this account's key: a member account's records are not verifiable here.
        Optional<AuditTrail> auditTrail = parameters.executionRoleName().isPresent()
                ? Optional.empty()
                : settings.auditRecordKeyId()
                        .map(keyId -> new AuditTrail(account.iam(), new AuditSeal(account.kms(), keyId)));
        AccountEvaluator evaluator = new AccountEvaluator(
                new IamKeyInventory(account.iam()),
                new CredentialReportSource(account.iam(), sleeper),
                policy,
                auditTrail,
                atRun,
                settings.liveConcurrency());

        Deadline deadline = Deadline.fromRemaining(remainingTime(context), clock);
        Optional<RunWarnings> warnings = RunWarnings.of(
                event,
                parameters.warnings(),
                policy,
                evaluator::tagsOf,
                new KeyEventBus(clients.events(), sleeper::sleep),
                log);
        List<RuleEvaluation> evaluations;
        ChangesOnly.Selection selection;
        Optional<WarningAnnouncer.Outcome> warned = Optional.empty();
        List<UserAssessment> assessed = List.of(); // a periodic run's, for the findings
        switch (trigger) {
            case Trigger.Scheduled scheduled -> {
                Map<String, PreviousResults.Result> previous = new PreviousResults(account.config())
                        .of(ruleName, IamUserResource.TYPE, EvaluationPublisher.TEST_MODE_TOKEN.equals(resultToken));
                Optional<WarningWindow> warningWindow =
                        warnings.map(run -> RunWarnings.periodicWindow(scheduled.orderingTimestamp(), previous));
                List<UserAssessment> periodic = evaluator.evaluateAll(
                        PreviousResults.awaitingCleanUp(previous, AccountEvaluator.USER_GONE), deadline, warningWindow);
                assessed = periodic;
                evaluations = periodic.stream()
                        .map(assessment -> logged(assessment.verdict(), ruleName))
                        .toList();
                warned = warnings.flatMap(run -> warningWindow.map(window -> run.announce(periodic, window)));
                selection = ChangesOnly.select(
                        evaluations,
                        previous,
                        parameters.refreshPeriod(),
                        atRun.instant(),
                        warned.map(WarningAnnouncer.Outcome::decided).orElse(Set.of()));
            }
            case Trigger.ItemChange change -> {
                List<UserAssessment> changed = new ArrayList<>(1);
                evaluations = List.of(IamUserResource.evaluate(change, event.getEventLeftScope(), user -> {
                    UserAssessment assessment = evaluator.evaluateChanged(user);
                    changed.add(assessment);
                    return logged(assessment.verdict(), ruleName);
                }));
                warned = warnings.flatMap(run -> changed.stream()
                        .findFirst()
                        .flatMap(assessment -> run.afterChange(
                                assessment, change.orderingTimestamp(), new PreviousResults(account.config()))));
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
                selection.refreshes(),
                warned.map(WarningAnnouncer.Outcome::warnings).orElse(0));
        report.logTo(log);
        warned.ifPresent(outcome -> log.info(
                "warnings announced",
                "configRuleName",
                ruleName,
                "accountId",
                event.getAccountId(),
                "warnings",
                outcome.warnings(),
                "testMode",
                report.testMode()));
        if (settings.findings().enabled() && trigger instanceof Trigger.Scheduled) {
            new FindingsImport(clients, sleeper, log, settings.findings())
                    .afterPeriodicRun(
                            event, assessed, policy, parameters, auditTrail, evaluator, report.testMode(), atRun);
        }
        return report;
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
                    verdict.staleKeys().stream().map(k -> k.key().accessKeyId()).toList(),
                    "annotation",
                    verdict.annotation());
        }
        return IamUserResource.evaluation(verdict);
    }

    private static Duration remainingTime(Context context) {
        return context == null ? Duration.ofMinutes(15) : Duration.ofMillis(context.getRemainingTimeInMillis());
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
