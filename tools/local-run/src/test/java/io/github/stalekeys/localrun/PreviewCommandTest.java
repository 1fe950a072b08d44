package io.github.stalekeys.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.emulator.AwsEmulatorExtension;
import io.github.stalekeys.emulator.IamSeeder;
import io.github.stalekeys.emulator.IamSeeder.SeededKey;
import io.github.stalekeys.emulator.IamSeeder.SeededUser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.iam.IamClient;

/** `scripts/run preview` against the emulator, standing in for a real account through the default chain. */
@Tag("emulator")
@ExtendWith(AwsEmulatorExtension.class)
class PreviewCommandTest {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @BeforeEach
    void useTheEmulatorsCredentialsThroughTheDefaultChain(AwsEmulator emulator) {
        AwsCredentials credentials = emulator.credentials().resolveCredentials();
        System.setProperty("aws.accessKeyId", credentials.accessKeyId());
        System.setProperty("aws.secretAccessKey", credentials.secretAccessKey());
    }

    @AfterEach
    void forgetThem() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void listsWhatTheRemediationWouldDoWithEachKeyAndChangesNothing(AwsEmulator emulator, @TempDir Path dir)
            throws Exception {
        IamSeeder iam = new IamSeeder(emulator, Clock.systemUTC());
        SeededUser alice = iam.user("alice");
        SeededKey fresh = iam.keyUsed(alice, 3);
        SeededKey stale = iam.keyUsed(alice, 143);
        SeededUser bob = iam.user("bob");
        iam.keyUsed(bob, 10);
        iam.user("carol");
        SeededUser dave = iam.user("dave");
        iam.keyUsed(dave, 3);
        iam.setStatus(dave, iam.keyUsed(dave, 400), software.amazon.awssdk.services.iam.model.StatusType.INACTIVE);
        emulator.resetCallCounts();
        Path json = dir.resolve("preview.json");

        int status = LocalRun.run(
                new String[] {
                    "preview",
                    "--endpoint-url",
                    emulator.endpoint().toString(),
                    "--region",
                    emulator.region(),
                    "--format",
                    "json",
                    "--output",
                    json.toString()
                },
                out,
                out);

        assertEquals(0, status, printed.toString(StandardCharsets.UTF_8));
        JsonNode rows = new ObjectMapper().readTree(json.toFile());
        assertEquals(6, rows.size(), rows.toString());
        JsonNode staleRow = find(rows, stale.accessKeyId());
        assertEquals("NON_COMPLIANT", staleRow.get("verdict").asText());
        assertEquals("disable: unused 143 days", staleRow.get("remediation").asText());
        // Where each key was last used, as IAM recorded it (the emulator records s3 in its region).
        assertEquals("s3", staleRow.get("lastUsedService").asText());
        assertEquals(emulator.region(), staleRow.get("lastUsedRegion").asText());
        assertEquals("s3", rows.get(2).get("lastUsedService").asText(), "from the credential report");
        assertEquals(emulator.region(), rows.get(2).get("lastUsedRegion").asText());
        assertTrue(rows.get(3).get("lastUsedService").isNull(), "no key: no last use");
        assertEquals(
                "keep: used 3 days ago, within the 90-day limit",
                find(rows, fresh.accessKeyId()).get("remediation").asText());
        assertEquals(
                "keep: used 10 days ago, within the 90-day limit",
                rows.get(2).get("remediation").asText());
        assertEquals("key 1 (credential report)", rows.get(2).get("accessKey").asText());
        assertEquals(
                "nothing to do: no access keys", rows.get(3).get("remediation").asText());
        assertEquals(
                "keep: used 3 days ago, within the 90-day limit",
                rows.get(4).get("remediation").asText(),
                "each of dave's keys (no ids in the report) gets its own reason");
        assertEquals(
                "keep: not active (status inactive): nothing to disable",
                rows.get(5).get("remediation").asText());
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("4 users, 1 keys the remediation would disable."));
        assertEquals(
                List.of(),
                emulator.callCounts().keySet().stream()
                        .filter(call ->
                                call.startsWith("config:") || call.matches("iam:(Update|Tag|Untag|Delete|Create).*"))
                        .toList(),
                "read-only: " + emulator.callCounts());
        assertEquals("Active", iam.status(alice, stale));
    }

    @Test
    void writesCsvWithAHeader(AwsEmulator emulator) {
        IamSeeder iam = new IamSeeder(emulator, Clock.systemUTC());
        iam.keyNeverUsed(iam.user("svc,billing"), 200);
        iam.user("=cmd");

        int status = LocalRun.run(
                new String[] {
                    "preview",
                    "--endpoint-url",
                    emulator.endpoint().toString(),
                    "--format",
                    "csv",
                    "--max-age-days",
                    "30"
                },
                out,
                out);

        String csv = printed.toString(StandardCharsets.UTF_8);
        assertEquals(0, status, csv);
        assertTrue(
                csv.startsWith("user_name,user_id,verdict,annotation,access_key,key_status,last_activity,"
                        + "last_used_service,last_used_region,remediation\n"),
                csv);
        assertTrue(csv.contains("\"svc,billing\",AIDA"), csv);
        assertTrue(csv.contains("\n'=cmd,AIDA"), "a name that looks like a formula is defused: " + csv);
        assertTrue(csv.contains("disable: never used, created 200 days ago"), csv);
        // Never used: the last-use service and region cells are empty.
        assertTrue(csv.contains("(created, never used)\",,,\"disable: never used"), csv);
    }

    @Test
    void judgesNeverUsedKeysByTheirOwnLimitAsTheRuleDoes(AwsEmulator emulator) {
        IamSeeder iam = new IamSeeder(emulator, Clock.systemUTC());
        iam.keyNeverUsed(iam.user("new-hire"), 40);
        String[] base = {"preview", "--endpoint-url", emulator.endpoint().toString(), "--format", "csv"};

        assertEquals(0, LocalRun.run(base, out, out));
        assertTrue(
                printed.toString(StandardCharsets.UTF_8).contains("keep: "), printed.toString(StandardCharsets.UTF_8));
        printed.reset();
        String[] withNeverUsedLimit = java.util.stream.Stream.concat(
                        java.util.Arrays.stream(base),
                        java.util.stream.Stream.of("--max-never-used-key-age-days", "30"))
                .toArray(String[]::new);
        assertEquals(0, LocalRun.run(withNeverUsedLimit, out, out));
        assertTrue(
                printed.toString(StandardCharsets.UTF_8).contains("disable: never used, created 40 days ago"),
                printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anExecutionRoleEvaluatesTheNamedAccountAndARefusedRoleIsOneLine(AwsEmulator emulator) {
        String member = "210987654321";
        AwsCredentialsProvider inMember =
                emulator.roleSession("arn:aws:iam::" + member + ":role/OrganizationAccountAccessRole", "seed");
        try (IamClient iamMember = emulator.iamClient(inMember)) {
            new IamSeeder(emulator, Clock.systemUTC(), iamMember)
                    .keyUsed(new IamSeeder(emulator, Clock.systemUTC(), iamMember).user("member-alice"), 120);
        }
        new IamSeeder(emulator, Clock.systemUTC()).user("central-bob");
        String[] args = {
            "preview",
            "--endpoint-url",
            emulator.endpoint().toString(),
            "--format",
            "csv",
            "--execution-role-name",
            "StaleKeysMember",
            "--account-id",
            member
        };

        assertEquals(0, LocalRun.run(args, out, out));
        String csv = printed.toString(StandardCharsets.UTF_8);
        assertTrue(csv.contains("\nmember-alice,AIDA"), csv);
        assertTrue(csv.contains("disable: unused 120 days"), csv);
        assertTrue(!csv.contains("central-bob"), "the member account's users only: " + csv);

        printed.reset();
        emulator.enforceRoleTrust(true);
        assertEquals(1, LocalRun.run(args, out, out));
        assertEquals(
                List.of("scripts/run: AWS refused a call (AccessDenied: User: arn:aws:iam::123456789012:root "
                        + "is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::" + member
                        + ":role/StaleKeysMember): check that the role exists in that account and trusts your"
                        + " credentials"),
                printed.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void aMissingReadPermissionIsOneLineNamingTheActionAndTheFix(AwsEmulator emulator) {
        new IamSeeder(emulator, Clock.systemUTC()).user("alice");
        emulator.denyIamCalls("GetAccountAuthorizationDetails");

        assertEquals(
                1,
                LocalRun.run(
                        new String[] {
                            "preview", "--endpoint-url", emulator.endpoint().toString()
                        },
                        out,
                        out));

        assertEquals(
                List.of("scripts/run: AWS refused a call (AccessDenied: User: arn:aws:iam::123456789012:root is not"
                        + " authorized to perform: iam:GetAccountAuthorizationDetails on resource: *): grant the"
                        + " preview's read-only permissions (scripts/run --help lists them)"),
                printed.toString(StandardCharsets.UTF_8).lines().toList());
    }

    @Test
    void badOptionsAreNamed(AwsEmulator emulator) {
        assertEquals(2, LocalRun.run(new String[] {"preview", "--format", "xml"}, out, out));
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("--format must be table, csv or json, got 'xml'"));
        assertEquals(
                2,
                LocalRun.run(
                        new String[] {
                            "preview",
                            "--max-age-days",
                            "0",
                            "--endpoint-url",
                            emulator.endpoint().toString()
                        },
                        out,
                        out));
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("maxAccessKeyAgeDays must be in 1..3650, got 0"));
        assertEquals(2, LocalRun.run(new String[] {"launch"}, out, out));
        assertEquals(2, LocalRun.run(new String[] {"preview", "--output", "x.txt"}, out, out));
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("--output writes csv or json"));
    }

    private static JsonNode find(JsonNode rows, String accessKeyId) {
        for (JsonNode row : rows) {
            if (row.get("accessKey").asText().equals(accessKeyId)) {
                return row;
            }
        }
        throw new AssertionError(accessKeyId + " not in " + rows);
    }
}
