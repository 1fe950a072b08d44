package io.github.stalekeys.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CredentialReportExpiredException;
import software.amazon.awssdk.services.iam.model.CredentialReportNotReadyException;
import software.amazon.awssdk.services.iam.model.ReportStateType;

@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class CredentialReportTest {

    @Test
    void becomesReadyAfterTheConfiguredNumberOfGenerateCalls(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            iam.createUser(r -> r.userName("erin"));
            emulator.credentialReportReadyAfter(3);

            assertEquals(ReportStateType.STARTED, iam.generateCredentialReport().state());
            CredentialReportNotReadyException notReady =
                    assertThrows(CredentialReportNotReadyException.class, iam::getCredentialReport);
            assertEquals("ReportInProgress", notReady.awsErrorDetails().errorCode());
            assertEquals(404, notReady.statusCode());
            assertEquals(
                    ReportStateType.INPROGRESS, iam.generateCredentialReport().state());
            assertThrows(CredentialReportNotReadyException.class, iam::getCredentialReport);
            assertEquals(
                    ReportStateType.COMPLETE, iam.generateCredentialReport().state());

            String csv = iam.getCredentialReport().content().asUtf8String();
            assertTrue(csv.startsWith("user,arn,"), csv);
            assertTrue(csv.contains("erin"), csv);
        }
    }

    @Test
    void neverReadyKeepsReportingInProgress(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            emulator.credentialReportNeverReady();
            assertEquals(ReportStateType.STARTED, iam.generateCredentialReport().state());
            for (int i = 0; i < 5; i++) {
                assertEquals(
                        ReportStateType.INPROGRESS,
                        iam.generateCredentialReport().state());
                assertThrows(CredentialReportNotReadyException.class, iam::getCredentialReport);
            }
            emulator.credentialReportNormal();
            iam.generateCredentialReport();
            assertTrue(iam.getCredentialReport().content().asUtf8String().startsWith("user,arn,"));
        }
    }

    @Test
    void expiredOnceFailsTheNextGetOnly(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            iam.generateCredentialReport();
            emulator.credentialReportExpiredOnce();

            CredentialReportExpiredException expired =
                    assertThrows(CredentialReportExpiredException.class, iam::getCredentialReport);
            assertEquals("ReportExpired", expired.awsErrorDetails().errorCode());
            assertEquals(410, expired.statusCode());
            assertTrue(iam.getCredentialReport().content().asUtf8String().startsWith("user,arn,"));
        }
    }
}
