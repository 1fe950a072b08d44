package io.github.stalekeys.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.ComplianceType;
import software.amazon.awssdk.services.config.model.NoSuchConfigRuleException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CredentialReportNotPresentException;
import software.amazon.awssdk.services.sts.StsClient;

@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class CallCountsAndResetTest {

    @Test
    void countsEveryApiCallByServiceAndOperation(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient();
                ConfigClient config = emulator.configClient();
                StsClient sts = emulator.stsClient()) {
            iam.createUser(r -> r.userName("u1"));
            iam.listUsers();
            iam.listUsers();
            sts.getCallerIdentity();
            String token = emulator.registerResultToken("rule");
            config.putEvaluations(r ->
                    r.resultToken(token).evaluations(ConfigFixtures.evaluation("AIDA1", ComplianceType.COMPLIANT)));

            assertEquals(
                    Map.of(
                            "iam:CreateUser", 1L,
                            "iam:ListUsers", 2L,
                            "sts:GetCallerIdentity", 1L,
                            "config:PutEvaluations", 1L),
                    emulator.callCounts());

            emulator.resetCallCounts();
            assertEquals(Map.of(), emulator.callCounts());
            iam.listUsers();
            assertEquals(Map.of("iam:ListUsers", 1L), emulator.callCounts());
        }
    }

    @Test
    void resetForgetsAwsStateAndEveryExtensionSetting(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient();
                ConfigClient config = emulator.configClient()) {
            iam.createUser(r -> r.userName("gone"));
            String token = emulator.registerResultToken("rule");
            config.putEvaluations(r ->
                    r.resultToken(token).evaluations(ConfigFixtures.evaluation("AIDA1", ComplianceType.COMPLIANT)));
            emulator.recordIamUsersInConfig(false);
            emulator.credentialReportNeverReady();
            emulator.shiftClock(Duration.ofDays(-300));

            emulator.reset();

            assertEquals(Map.of(), emulator.callCounts());
            assertTrue(iam.listUsers().users().isEmpty());
            assertThrows(
                    NoSuchConfigRuleException.class,
                    () -> config.getComplianceDetailsByConfigRule(r -> r.configRuleName("rule")));
            assertTrue(emulator.storedEvaluations("rule").isEmpty());
            // Clock back to real time.
            iam.createUser(r -> r.userName("fresh"));
            Instant created =
                    iam.createAccessKey(r -> r.userName("fresh")).accessKey().createDate();
            assertTrue(created.isAfter(Instant.now().minus(1, ChronoUnit.HOURS)), created.toString());
            // Recorder back on.
            assertEquals(
                    1,
                    config.listDiscoveredResources(r -> r.resourceType("AWS::IAM::User"))
                            .resourceIdentifiers()
                            .size());
            // Credential report back to moto's behaviour: not present until generated, then ready.
            assertThrows(CredentialReportNotPresentException.class, iam::getCredentialReport);
            iam.generateCredentialReport();
            assertTrue(iam.getCredentialReport().content().asUtf8String().contains("fresh"));
        }
    }
}
