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
    void becomesReadyAfterTheConfiguredNumberOfReportCallsOfEitherKind(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            iam.createUser(r -> r.userName("erin"));
            emulator.credentialReportReadyAfter(5);

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
    void theReportCarriesEachKeysLastUsedRegionAndServiceAndItsRealGenerationTime(AwsEmulator emulator) {
        try (IamClient iam = emulator.iamClient()) {
            iam.createUser(r -> r.userName("svc,two-keys"));
            String first = iam.createAccessKey(r -> r.userName("svc,two-keys"))
                    .accessKey()
                    .accessKeyId();
            String second = iam.createAccessKey(r -> r.userName("svc,two-keys"))
                    .accessKey()
                    .accessKeyId();
            java.time.Instant now = java.time.Instant.now();
            emulator.seedKeyActivity(first, now.minus(java.time.Duration.ofDays(30)), null);
            emulator.seedKeyActivity(
                    second, now.minus(java.time.Duration.ofDays(20)), now.minus(java.time.Duration.ofDays(2)));
            iam.generateCredentialReport();
            var report = iam.getCredentialReport();

            assertTrue(
                    java.time.Duration.between(report.generatedTime(), now)
                                    .abs()
                                    .getSeconds()
                            < 60,
                    "GeneratedTime is when the content was built, not moto's fixed 2015: " + report.generatedTime());
            String[] lines = report.content().asUtf8String().split("\n");
            java.util.List<String> header = java.util.Arrays.asList(lines[0].split(","));
            String row = java.util.Arrays.stream(lines)
                    .filter(line -> line.startsWith("svc,two-keys,"))
                    .findFirst()
                    .orElseThrow();
            // The user name holds a comma: the cells after the ARN are counted from the end.
            String[] cells = row.split(",", -1);
            java.util.function.Function<String, String> cell =
                    column -> cells[cells.length - header.size() + header.indexOf(column)];
            assertEquals("N/A", cell.apply("access_key_1_last_used_date"));
            assertEquals("N/A", cell.apply("access_key_1_last_used_region"));
            assertEquals("N/A", cell.apply("access_key_1_last_used_service"));
            assertTrue(cell.apply("access_key_2_last_used_date")
                    .startsWith(
                            now.minus(java.time.Duration.ofDays(2)).toString().substring(0, 10)));
            assertEquals(emulator.region(), cell.apply("access_key_2_last_used_region"));
            assertEquals("s3", cell.apply("access_key_2_last_used_service"));
            assertTrue(cell.apply("access_key_2_last_rotated").startsWith("20"), row);
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
