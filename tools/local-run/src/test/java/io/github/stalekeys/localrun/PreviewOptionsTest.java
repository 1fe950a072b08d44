package io.github.stalekeys.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.stalekeys.ruleparameters.RuleParameterDocument;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.regions.Region;

/** The preview's command line, checked before any AWS call: no emulator, no credentials, no network. */
class PreviewOptionsTest {

    private final ByteArrayOutputStream printedOut = new ByteArrayOutputStream();
    private final ByteArrayOutputStream printedErr = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printedOut, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(printedErr, true, StandardCharsets.UTF_8);

    @AfterEach
    void forgetTheProfileFiles() {
        System.clearProperty("aws.configFile");
        System.clearProperty("aws.sharedCredentialsFile");
    }

    private int preview(Map<String, String> environment, String... options) {
        String[] args = new String[options.length + 1];
        args[0] = "preview";
        System.arraycopy(options, 0, args, 1, options.length);
        return LocalRun.run(args, out, err, environment);
    }

    private int preview(String... options) {
        return preview(Map.of(), options);
    }

    private String errors() {
        return printedErr.toString(StandardCharsets.UTF_8);
    }

    private static PreviewOptions parse(String... options) {
        return PreviewOptions.parse(List.of(options), Map.of());
    }

    @Test
    void everyParameterOfTheRuleHasAnOptionNamedAfterItAndTheHelpListsIt() {
        for (String parameter : RuleParameterDocument.NAMES) {
            String option = "--" + parameter.replaceAll("([A-Z])", "-$1").toLowerCase(java.util.Locale.ROOT);
            assertEquals(parameter, PreviewOptions.RULE_PARAMETER_OPTIONS.get(option), option);
            assertTrue(LocalRun.USAGE.contains(option), option + " in the help");
            assertTrue(LocalRun.USAGE.contains(parameter), parameter + " in the help");
        }
        PreviewOptions.RULE_PARAMETER_OPTIONS
                .keySet()
                .forEach(option -> assertTrue(LocalRun.USAGE.contains(option), option + " in the help"));
    }

    @Test
    void eachRuleParameterOptionReachesTheParametersTheRuleWouldGet() throws IOException {
        PreviewOptions options = parse(
                "--rule-parameters",
                "{\"maxAccessKeyAgeDays\":\"60\",\"exemptUsers\":\"ci-bot\",\"refreshDays\":\"7\"}",
                "--max-access-key-age-days",
                "45",
                "--max-never-used-key-age-days",
                "14",
                "--warning-days",
                "10",
                "--evaluation-frequency",
                "Six_Hours",
                "--owner-tag-key",
                "Owner",
                "--automatic-remediation",
                "true",
                "--exemption-tag-key",
                "KeyRotationExempt");
        assertEquals(
                new ObjectMapper()
                        .readTree("{\"maxAccessKeyAgeDays\":\"45\",\"exemptUsers\":\"ci-bot\",\"refreshDays\":\"7\","
                                + "\"maxNeverUsedKeyAgeDays\":\"14\",\"warningDays\":\"10\","
                                + "\"evaluationFrequency\":\"Six_Hours\",\"ownerTagKey\":\"Owner\","
                                + "\"automaticRemediation\":\"true\",\"exemptionTagKey\":\"KeyRotationExempt\"}"),
                new ObjectMapper().readTree(options.ruleParameters()),
                "the options override --rule-parameters");
        assertEquals(Optional.empty(), options.memberRoleArn());
    }

    @Test
    void helpPrintsTheUsageAndExitsZero() {
        assertEquals(0, preview("--help"));
        assertEquals(LocalRun.USAGE, printedOut.toString(StandardCharsets.UTF_8));
        assertTrue(LocalRun.USAGE.contains("--max-never-used-key-age-days"));
        assertEquals(0, LocalRun.run(new String[] {"--help"}, out, err, Map.of()));
        assertEquals("", errors());
    }

    @Test
    void aRegionTheSdkDoesNotKnowIsRefusedInOneLine() {
        assertEquals(2, preview("--region", "nowhere-1"));
        assertEquals(
                "scripts/run: --region 'nowhere-1' is not an AWS region this build knows: name one such as us-east-1"
                        + " or eu-west-1 (aws account list-regions lists yours) (scripts/run --help lists the options)\n",
                errors());
        assertEquals(2, preview(Map.of("AWS_REGION", "us-east1")));
        assertTrue(errors().contains("AWS_REGION 'us-east1' is not an AWS region"), errors());
        assertEquals(2, preview("--region", "aws-global"), "a global pseudo-region is not a region to name");
        assertEquals(Region.EU_WEST_1, parse("--region", "eu-west-1").region());
        assertEquals(Region.US_EAST_1, parse().region(), "the default");
        assertEquals(
                Region.EU_CENTRAL_1,
                PreviewOptions.parse(List.of(), Map.of("AWS_REGION", "eu-central-1"))
                        .region());
    }

    @Test
    void anExecutionRoleIsAssumedInTheNamedAccountOfTheRegionsPartition() {
        assertEquals(
                Optional.of("arn:aws:iam::111122223333:role/StaleKeysMember"),
                parse("--execution-role-name", "StaleKeysMember", "--account-id", "111122223333")
                        .memberRoleArn());
        assertEquals(
                Optional.of("arn:aws-cn:iam::111122223333:role/StaleKeysMember"),
                parse(
                                "--region",
                                "cn-north-1",
                                "--rule-parameters",
                                "{\"executionRoleName\":\"StaleKeysMember\"}",
                                "--account-id",
                                "111122223333")
                        .memberRoleArn());
        assertEquals(2, preview("--execution-role-name", "StaleKeysMember"));
        assertTrue(errors().contains("--execution-role-name needs --account-id"), errors());
        assertEquals(2, preview("--account-id", "111122223333"));
        assertTrue(errors().contains("--account-id goes with --execution-role-name"), errors());
        assertEquals(2, preview("--execution-role-name", "R", "--account-id", "1234"));
        assertTrue(errors().contains("--account-id must be a 12-digit account id, got '1234'"), errors());
    }

    @Test
    void aBadRuleParameterIsRefusedAsTheRuleRefusesIt_NamingTheOption() {
        assertEquals(2, preview("--max-never-used-key-age-days", "0", "--endpoint-url", "http://127.0.0.1:9"));
        assertTrue(errors().contains("maxNeverUsedKeyAgeDays must be in 1..3650, got 0"), errors());
        assertTrue(errors().contains("(option --max-never-used-key-age-days)"), errors());
        assertEquals(2, preview("--rule-parameters", "{\"maxAgeDays\":\"9\"}"));
        assertTrue(errors().contains("has an unknown parameter 'maxAgeDays'"), errors());
        assertTrue(errors().contains("(option --rule-parameters)"), errors());
        assertEquals(2, preview("--execution-role-name", "no spaces", "--account-id", "111122223333"));
        assertTrue(errors().contains("executionRoleName is not a valid IAM role name"), errors());
        assertEquals(2, preview("--refresh-days", "61"));
        assertTrue(errors().contains("refreshDays must be whole days, 1..60, got '61'"), errors());
        assertEquals(4, errors().lines().count(), "one line each: " + errors());
    }

    @Test
    void aProfileThatDoesNotExistIsOneLineNamingHowToCreateIt(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("config"), "[profile other]\nregion = eu-west-1\n");
        System.setProperty("aws.configFile", config.toString());
        System.setProperty(
                "aws.sharedCredentialsFile", dir.resolve("credentials").toString());

        assertEquals(1, preview("--profile", "nope", "--endpoint-url", "http://127.0.0.1:9"));
        assertEquals(
                "scripts/run: --profile nope: there is no such profile in " + config + " or "
                        + dir.resolve("credentials") + ": create it (aws configure --profile nope, or aws configure"
                        + " sso) or name one that exists (aws configure list-profiles)\n",
                errors());
        assertEquals(1, preview(Map.of("AWS_PROFILE", "gone"), "--endpoint-url", "http://127.0.0.1:9"));
        assertTrue(errors().contains("scripts/run: AWS_PROFILE=gone: there is no such profile"), errors());
        assertEquals(1, preview("--profile", "other", "--endpoint-url", "http://127.0.0.1:9"));
        assertTrue(errors().contains("scripts/run: the profile other gave no credentials ("), errors());
        assertTrue(errors().contains("log in (aws sso login --profile other)"), errors());
        assertEquals(3, errors().lines().count(), "one line each: " + errors());
    }

    @Test
    void aRelativeOutputIsTheCurrentDirectorysAndRefusedWhereGitWouldAddIt(@TempDir Path dir) throws Exception {
        // The tests run in the repository's root (as the preview runs in the caller's directory): a target/ is
        // ignored, its root is not.
        assertEquals(
                Path.of("").toAbsolutePath().resolve("tools/local-run/target/preview.csv"),
                ReportFile.at("tools/local-run/target/preview.csv").path());
        assertEquals(2, preview("--format", "csv", "--output", "preview.csv"));
        assertTrue(
                errors().startsWith("scripts/run: --output "
                        + Path.of("").toAbsolutePath().resolve("preview.csv") + " is inside the git work tree "
                        + Path.of("").toAbsolutePath() + " and git does not"),
                errors());
        printedErr.reset();

        Path repository = Files.createDirectory(dir.resolve("ops"));
        git(repository, "init", "-q");
        String tracked = repository.resolve("preview.csv").toString();
        assertEquals(2, preview("--format", "csv", "--output", tracked));
        assertEquals(
                "scripts/run: --output " + tracked + " is inside the git work tree " + repository
                        + " and git does not ignore it; the report names users and their ids: write it outside the"
                        + " work tree (e.g. --output ~/preview.csv) or add it to .gitignore (scripts/run --help lists"
                        + " the options)\n",
                errors());
        Files.writeString(repository.resolve(".gitignore"), "*.csv\n");
        assertEquals(repository.resolve("preview.csv"), ReportFile.at(tracked).path(), "ignored: accepted");
        assertEquals(
                dir.resolve("report.json"),
                ReportFile.at(dir.resolve("report.json").toString()).path());

        assertEquals(
                2,
                preview(
                        "--format",
                        "csv",
                        "--output",
                        dir.resolve("missing/x.csv").toString()));
        assertTrue(errors().contains("does not exist: create it or write elsewhere"), errors());
        assertEquals(false, Files.exists(repository.resolve("preview.csv")), "nothing written");
    }

    @Test
    void theReportIsWrittenWhole(@TempDir Path dir) throws IOException {
        ReportFile file = ReportFile.at(dir.resolve("r.csv").toString());
        file.write("a,b\n");
        file.write("c,d\n");
        assertEquals("c,d\n", Files.readString(dir.resolve("r.csv")));
        try (var left = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("r.csv")), left.toList(), "no temporary file left");
        }
    }

    @Test
    void anUnknownOptionOrCommandIsOneLine() {
        assertEquals(2, preview("--max-age", "9"));
        assertEquals(2, LocalRun.run(new String[] {"launch"}, out, err, Map.of()));
        assertEquals(2, preview("--endpoint-url", "localhost:4566"));
        assertEquals(
                List.of(
                        "scripts/run: unknown option '--max-age' (scripts/run --help lists the options)",
                        "scripts/run: unknown command 'launch': demo, organization or preview (scripts/run --help"
                                + " lists the options)",
                        "scripts/run: --endpoint-url must be an http(s) URL such as https://iam.amazonaws.com, got"
                                + " 'localhost:4566' (scripts/run --help lists the options)"),
                errors().lines().toList());
    }

    private static void git(Path directory, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", directory.toString()));
        command.addAll(List.of(args));
        assertEquals(0, new ProcessBuilder(command).inheritIO().start().waitFor());
    }
}
