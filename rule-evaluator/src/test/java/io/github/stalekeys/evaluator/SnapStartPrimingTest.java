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
    void sdkPrimingMakesEveryCallOfTheEvaluatorWithoutReachingAws() {
        // The clients answer themselves: were a request to leave the process, it would fail to resolve or connect.
        assertEquals(
                List.of(
                        "ListUsers",
                        "GenerateCredentialReport",
                        "GetCredentialReport",
                        "GetUser",
                        "ListAccessKeys",
                        "GetAccessKeyLastUsed",
                        "ListUserTags",
                        "GetComplianceDetailsByConfigRule",
                        "PutEvaluations"),
                OfflineSdkPriming.prime());
    }
}
