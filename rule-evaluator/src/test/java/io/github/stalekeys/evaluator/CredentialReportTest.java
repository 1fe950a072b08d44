package io.github.stalekeys.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.UsageSite;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CredentialReportTest {

    private static final String HEADER = "user,arn,user_creation_time,password_enabled,password_last_used,"
            + "password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
            + "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
            + "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,"
            + "access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n";

    @Test
    void rowsCarryKeysWithTheirCreationAndLastUseAndWhereItWas() {
        CredentialReport report = CredentialReport.parse(
                HEADER
                        + "<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
                        + "alice,arn:aws:iam::123456789012:user/alice,2025-01-10T08:00:00+00:00,false,N/A,N/A,N/A,false,true,2025-01-10T08:05:00+00:00,2026-07-08T10:00:00+00:00,us-east-1,s3,false,2025-02-01T00:00:00+00:00,N/A,N/A,N/A,false,N/A,false,N/A\n"
                        + "bob,arn:aws:iam::123456789012:user/bob,2025-03-01T00:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n");

        assertEquals(2, report.size(), "the root account row is not an IAM user");
        CredentialReport.Row alice = report.row("alice").orElseThrow();
        assertEquals(Instant.parse("2025-01-10T08:00:00Z"), alice.userCreationTime());
        assertEquals(
                List.of(
                        new AccessKeyActivity(
                                "",
                                KeyStatus.ACTIVE,
                                Instant.parse("2025-01-10T08:05:00Z"),
                                Optional.of(Instant.parse("2026-07-08T10:00:00Z")),
                                Optional.of(new UsageSite("s3", Optional.of("us-east-1")))),
                        new AccessKeyActivity(
                                "", KeyStatus.INACTIVE, Instant.parse("2025-02-01T00:00:00Z"), Optional.empty())),
                alice.keys());
        assertEquals(List.of(), report.row("bob").orElseThrow().keys());
        assertTrue(report.row("carol").isEmpty());
    }

    @Test
    void userNamesWithCommasAreGluedBackTogether() {
        CredentialReport report = CredentialReport.parse(
                HEADER
                        + "svc,billing,arn:aws:iam::123456789012:user/svc,billing,2025-01-10T08:00:00+00:00,false,N/A,N/A,N/A,false,true,2025-01-10T08:05:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n");
        CredentialReport.Row row = report.row("svc,billing").orElseThrow();
        assertEquals(1, row.keys().size());
        assertTrue(row.keys().get(0).neverUsed());
    }

    @Test
    void commasInTheUserPathOnlyAreReadToo() {
        CredentialReport report = CredentialReport.parse(
                HEADER
                        + "ops,arn:aws:iam::123456789012:user/team,x/y,z/ops,2025-01-10T08:00:00+00:00,false,N/A,N/A,N/A,false,true,2025-01-10T08:05:00+00:00,2026-11-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
                        + "a,b,arn:aws:iam::123456789012:user/p,q/a,b,2025-01-10T08:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n");
        assertEquals(
                Instant.parse("2026-11-01T00:00:00Z"),
                report.row("ops").orElseThrow().keys().get(0).lastUsed().orElseThrow());
        assertEquals(
                Instant.parse("2025-01-10T08:00:00Z"),
                report.row("a,b").orElseThrow().userCreationTime());
    }

    @Test
    void anUnreadableRowIsNamed() {
        IllegalStateException error =
                assertThrows(IllegalStateException.class, () -> CredentialReport.parse(HEADER + "broken,row\n"));
        assertTrue(error.getMessage().contains("'broken'"), error.getMessage());
    }

    @Test
    void aReportWithoutTheKeyColumnsIsRejected() {
        IllegalStateException error = assertThrows(
                IllegalStateException.class,
                () -> CredentialReport.parse("user,arn\nalice,arn:aws:iam::1:user/alice\n"));
        assertTrue(error.getMessage().contains("user_creation_time"), error.getMessage());
    }
}
