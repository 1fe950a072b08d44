package io.github.stalekeys.evaluator;

import io.github.stalekeys.audit.AuditTrail;
import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.configrule.Sleeper;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.StaleKeyPolicy;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The periodic run's last step when findings are enabled: after the evaluations and warnings are out. */
final class FindingsImport {

    private final AwsClients clients;
    private final Sleeper sleeper;
    private final StructuredLogger log;
    private final FindingsSettings settings;

    FindingsImport(AwsClients clients, Sleeper sleeper, StructuredLogger log, FindingsSettings settings) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.log = Objects.requireNonNull(log, "log");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /** A Security Hub failure never keeps the evaluations from being recorded: they already are. */
    void afterPeriodicRun(
            ConfigRuleEvent event,
            List<UserAssessment> periodic,
            StaleKeyPolicy policy,
            RuleParameters parameters,
            Optional<AuditTrail> auditTrail,
            AccountEvaluator evaluator,
            boolean testMode,
            Clock atRun) {
        if (testMode || parameters.executionRoleName().isPresent()) {
            // A test invocation changes nothing; a member account's findings would have to be imported there.
            log.info(
                    testMode
                            ? "test mode: security hub findings not imported"
                            : "security hub findings are imported in single-account mode only",
                    "configRuleName",
                    event.getConfigRuleName());
            return;
        }
        AsffFindingContext.of(event, clients.region().id(), settings, atRun.instant())
                .map(context -> new SecurityHubFindings(clients.securityHub(sleeper::sleep), log, context))
                .ifPresent(hub -> hub.update(
                        periodic,
                        policy,
                        new SealedAuditFacts(auditTrail, evaluator::tagsOf, atRun),
                        parameters.warnings().ownerTagKey(),
                        evaluator::tagsOf));
    }
}
