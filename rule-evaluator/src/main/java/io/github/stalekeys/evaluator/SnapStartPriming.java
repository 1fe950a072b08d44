package io.github.stalekeys.evaluator;

import io.github.stalekeys.configrule.EvaluationPublisher;
import io.github.stalekeys.configrule.InvokingEventParser;
import io.github.stalekeys.configrule.RuleEvaluation;
import io.github.stalekeys.configrule.Trigger;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.StaleKeyPolicy;
import io.github.stalekeys.policy.UserVerdict;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * Runs the evaluator's own code once before SnapStart snapshots the function, so a restored function starts
 * with those classes loaded and initialised: parsing the event and the rule parameters, reading a credential
 * report, judging a user, shaping the evaluations and a log line; then every SDK call the evaluator makes,
 * through clients that answer themselves ({@link OfflineSdkPriming}). All of it offline, on made-up data: a
 * snapshot must never carry a write to AWS, nor wait on the network.
 */
final class SnapStartPriming implements Resource {

    /** Held here: CRaC keeps only weak references to registered resources. */
    private static final SnapStartPriming INSTANCE = new SnapStartPriming();

    private SnapStartPriming() {}

    static void register() {
        Core.getGlobalContext().register(INSTANCE);
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        prime(Clock.systemUTC());
        OfflineSdkPriming.prime(Clock.systemUTC());
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        // Nothing to undo: priming keeps no state and opened no connection.
    }

    /** The offline rehearsal of an evaluation; returns the evaluations it shaped, for the test. */
    static List<RuleEvaluation> prime(Clock clock) {
        Instant now = clock.instant();
        Trigger scheduled = InvokingEventParser.parse(
                "{\"messageType\":\"ScheduledNotification\"," + "\"notificationCreationTime\":\"" + now + "\"}");
        Trigger changed = InvokingEventParser.parse("{\"messageType\":\"ConfigurationItemChangeNotification\","
                + "\"configurationItem\":{\"resourceType\":\"AWS::IAM::User\",\"resourceId\":\"AIDAPRIMING000000001\","
                + "\"resourceName\":\"priming\",\"configurationItemStatus\":\"OK\","
                + "\"configurationItemCaptureTime\":\"" + now + "\"}}");
        RuleParameters parameters = RuleParameters.parse("{\"maxAccessKeyAgeDays\":\"90\",\"exemptUsers\":\"someone\","
                + "\"exemptionTagKey\":\"KeyRotationExempt\"}");
        CredentialReport report = CredentialReport.parse("user,arn,user_creation_time,access_key_1_active,"
                + "access_key_1_last_rotated,access_key_1_last_used_date,access_key_2_active,access_key_2_last_rotated,"
                + "access_key_2_last_used_date\npriming,arn:aws:iam::000000000000:user/priming,2020-01-01T00:00:00+00:00,"
                + "true,2020-01-01T00:00:00+00:00,N/A,false,N/A,N/A\n");
        StaleKeyPolicy policy = parameters.policy(clock);
        IamUser user = new IamUser("AIDAPRIMING000000001", "priming");
        List<AccessKeyActivity> keys = List.of(
                new AccessKeyActivity(
                        "AKIAPRIMING000000001",
                        KeyStatus.ACTIVE,
                        now.minus(Duration.ofDays(400)),
                        Optional.of(now.minus(Duration.ofDays(143)))),
                report.row("priming").orElseThrow().keys().get(0));
        UserVerdict verdict = policy.judge(user, keys, tagged -> Map.of("team", "priming"));
        List<RuleEvaluation> evaluations = List.of(
                IamUserResource.evaluation(verdict),
                RuleEvaluation.notApplicable(IamUserResource.TYPE, user.userId(), AccountEvaluator.USER_GONE));
        evaluations.forEach(evaluation -> EvaluationPublisher.toSdk(evaluation, scheduled.orderingTimestamp()));
        new StructuredLogger("rule-evaluator", new PrintStream(OutputStream.nullOutputStream()), clock)
                .info(
                        "primed",
                        "trigger",
                        changed.orderingTimestamp(),
                        "accessKeyIds",
                        List.of("AKIAPRIMING000000001"));
        return evaluations;
    }
}
