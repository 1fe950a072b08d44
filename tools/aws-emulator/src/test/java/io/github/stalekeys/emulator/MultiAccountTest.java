package io.github.stalekeys.emulator;

import static io.github.stalekeys.emulator.ConfigFixtures.evaluation;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.InvalidResultTokenException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.StsException;

/** Several accounts in one emulator: IAM and Config state per account, and role trust when switched on. */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class MultiAccountTest {

    private static final String RULE = "stale-access-keys";
    private static final String B = "210987654321";
    private static final String C = "345678901234";

    private static String role(String account, String name) {
        return "arn:aws:iam::" + account + ":role/" + name;
    }

    @Test
    void eachAccountHasItsOwnUsers(AwsEmulator emulator) {
        AwsCredentialsProvider inB = emulator.roleSession(role(B, "OrganizationAccountAccessRole"), "seed");
        try (IamClient iamB = emulator.iamClient(inB)) {
            new IamSeeder(emulator, Clock.systemUTC(), iamB).user("alice");
            assertEquals(
                    "arn:aws:iam::" + B + ":user/alice",
                    iamB.getUser(r -> r.userName("alice")).user().arn());
        }
        try (IamClient iamDefault = emulator.iamClient()) {
            assertTrue(iamDefault.listUsers().users().isEmpty(), "the default account has no alice");
        }
    }

    @Test
    void aResultTokenPostsOnlyForItsAccountAndResultsStayThere(AwsEmulator emulator) {
        String tokenOfB = emulator.registerResultToken(RULE, B);
        AwsCredentialsProvider inB = emulator.roleSession(role(B, "evaluator"), "rule");
        AwsCredentialsProvider inC = emulator.roleSession(role(C, "evaluator"), "rule");

        try (ConfigClient configC = emulator.configClient(inC)) {
            assertThrows(
                    InvalidResultTokenException.class,
                    () -> configC.putEvaluations(r ->
                            r.resultToken(tokenOfB).evaluations(evaluation("AIDAONE", ComplianceType.NON_COMPLIANT))));
        }
        try (ConfigClient configB = emulator.configClient(inB)) {
            configB.putEvaluations(
                    r -> r.resultToken(tokenOfB).evaluations(evaluation("AIDAONE", ComplianceType.NON_COMPLIANT)));
            assertEquals(
                    1,
                    configB.getComplianceDetailsByConfigRule(r -> r.configRuleName(RULE))
                            .evaluationResults()
                            .size());
        }
        assertEquals(1, emulator.storedEvaluations(RULE, B).size());
        assertEquals(List.of(), emulator.storedEvaluations(RULE, C));
        assertEquals(List.of(), emulator.storedEvaluations(RULE), "nothing in the default account");
    }

    @Test
    void withTrustEnforcedOnlyARoleThatTrustsTheCallerCanBeAssumed(AwsEmulator emulator) {
        AwsCredentialsProvider adminOfC = emulator.roleSession(role(C, "OrganizationAccountAccessRole"), "setup");
        AwsCredentialsProvider callerInB = emulator.roleSession(role(B, "evaluator"), "rule");
        try (IamClient iamC = emulator.iamClient(adminOfC)) {
            iamC.createRole(r -> r.roleName("lambda-only")
                    .assumeRolePolicyDocument(trust("{\"Service\":\"lambda.amazonaws.com\"}")));
            iamC.createRole(r -> r.roleName("trusts-b")
                    .assumeRolePolicyDocument(trust("{\"AWS\":\"" + role(B, "evaluator") + "\"}")));
        }
        emulator.enforceRoleTrust(true);

        try (StsClient sts = emulator.stsClient(callerInB)) {
            for (String refused : List.of("lambda-only", "does-not-exist")) {
                StsException error = assertThrows(
                        StsException.class,
                        () -> sts.assumeRole(r -> r.roleArn(role(C, refused)).roleSessionName("try")));
                assertEquals(403, error.statusCode(), refused);
                assertEquals("AccessDenied", error.awsErrorDetails().errorCode(), refused);
            }
            assertEquals(
                    "arn:aws:sts::" + C + ":assumed-role/trusts-b/ok",
                    sts.assumeRole(r -> r.roleArn(role(C, "trusts-b")).roleSessionName("ok"))
                            .assumedRoleUser()
                            .arn());
        }

        emulator.reset();
        emulator.roleSession(role(C, "does-not-exist"), "after-reset"); // moto's behaviour again
    }

    private static String trust(String principal) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":" + principal
                + ",\"Action\":\"sts:AssumeRole\"}]}";
    }
}
