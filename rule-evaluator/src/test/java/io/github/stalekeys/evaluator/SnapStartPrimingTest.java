package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.configrule.RuleEvaluation;
import io.github.stalekeys.policy.Compliance;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapStartPrimingTest {

    @Test
    void primingWalksTheEvaluationPathOnMadeUpData() {
        // prime() is given a clock and nothing else: it has no client through which to reach AWS.
        List<RuleEvaluation> shaped = SnapStartPriming.prime(Clock.systemUTC());

        assertEquals(
                List.of(Compliance.NON_COMPLIANT, Compliance.NOT_APPLICABLE),
                shaped.stream().map(RuleEvaluation::compliance).toList());
        assertTrue(
                shaped.get(0).annotation().startsWith("AKIAPRIMING000000001 unused since "),
                shaped.get(0).annotation());
    }

    @Test
    void sdkPrimingRunsThePeriodicAndTheChangePathsThroughEveryClientWithoutReachingAws() {
        // The clients answer themselves: were a request to leave the process, it would fail to resolve or connect.
        List<String> answered = OfflineSdkPriming.prime(Clock.systemUTC());

        assertEquals(
                List.of(
                        // the periodic run: previous results, report, users with their tags, the stale user confirmed
                        // live, posting
                        "GetComplianceDetailsByConfigRule",
                        "GenerateCredentialReport",
                        "GetCredentialReport",
                        "GetAccountAuthorizationDetails",
                        "ListAccessKeys",
                        "GetAccessKeyLastUsed",
                        // its tags again after the keys, for a backout's grace (the audit key is set)
                        "ListUserTags",
                        // 250 users and one gone: evaluations posted 100 at a time
                        "PutEvaluations",
                        "PutEvaluations",
                        "PutEvaluations",
                        // the change event: the keys, then the user (id and tags, after the keys), its evaluation
                        // posted
                        "ListAccessKeys",
                        "GetUser",
                        "GetAccessKeyLastUsed",
                        "PutEvaluations",
                        // the audit seals, and a warning announced
                        "GenerateMac",
                        "VerifyMac",
                        "PutEvents"),
                answered);
    }
}
