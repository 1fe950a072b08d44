package io.github.stalekeys.localrun;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.evaluator.AccountPreview;
import io.github.stalekeys.policy.InvalidSettingException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The local entry point: {@code demo} runs the whole flow on an embedded emulator; {@code preview} evaluates a
 * real account read-only and shows what the remediation would do with each key.
 */
public final class LocalRun {

    static final String USAGE = """
            usage: local-run demo
                   local-run organization
                   local-run preview [--profile NAME] [--region REGION] [--max-age-days N]
                                     [--exempt-users NAME,ID,...] [--exemption-tag-key KEY]
                                     [--format table|csv|json] [--output FILE] [--endpoint-url URL]

              demo     seeds a local AWS emulator, runs the rule, the remediation and the backout, and prints
                       each step. Needs the build (mvn -B package -DskipTests) and Python 3 with moto.
              organization
                       the same across three emulated accounts of an organization, each running the functions
                       with its own roles; shows that one account cannot reach another's users.
              preview  evaluates the account of your AWS credentials (default chain, or --profile) read-only:
                       no PutEvaluations, no key changes. Needs iam:ListUsers, iam:GenerateCredentialReport,
                       iam:GetCredentialReport, iam:ListAccessKeys, iam:GetAccessKeyLastUsed, iam:ListUserTags.
            """;

    private LocalRun() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Deque<String> arguments = new ArrayDeque<>(List.of(args));
        String command = arguments.isEmpty() ? "" : arguments.removeFirst();
        try {
            return switch (command) {
                case "demo" -> {
                    requireNoMore(arguments);
                    new LocalDemo(LocalDemo.Artifacts.inProject(Path.of("").toAbsolutePath()), out).run();
                    yield 0;
                }
                case "organization" -> {
                    requireNoMore(arguments);
                    new OrganizationDemo(
                                    LocalDemo.Artifacts.inProject(Path.of("").toAbsolutePath()), out)
                            .run();
                    yield 0;
                }
                case "preview" -> preview(arguments, out);
                default -> {
                    err.print(USAGE);
                    yield 2;
                }
            };
        } catch (UsageException | InvalidSettingException e) {
            err.println("local-run: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
    }

    private static int preview(Deque<String> arguments, PrintStream out) {
        String profile = null;
        String region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
        String format = "table";
        Path output = null;
        URI endpoint = null;
        ObjectNode parameters = new ObjectMapper().createObjectNode();
        while (!arguments.isEmpty()) {
            String option = arguments.removeFirst();
            switch (option) {
                case "--profile" -> profile = value(option, arguments);
                case "--region" -> region = value(option, arguments);
                case "--max-age-days" -> parameters.put("maxAccessKeyAgeDays", value(option, arguments));
                case "--exempt-users" -> parameters.put("exemptUsers", value(option, arguments));
                case "--exemption-tag-key" -> parameters.put("exemptionTagKey", value(option, arguments));
                case "--format" -> format = value(option, arguments);
                case "--output" -> output = Path.of(value(option, arguments));
                case "--endpoint-url" -> endpoint = URI.create(value(option, arguments));
                default -> throw new UsageException("unknown option " + option);
            }
        }
        if (!List.of("table", "csv", "json").contains(format)) {
            throw new UsageException("--format must be table, csv or json, got " + format);
        }
        if (output != null && format.equals("table")) {
            throw new UsageException("--output writes csv or json: add --format csv or --format json");
        }
        AwsCredentialsProvider credentials = profile == null
                ? DefaultCredentialsProvider.builder().build()
                : ProfileCredentialsProvider.builder().profileName(profile).build();
        AwsClients clients = AwsClients.create(Region.of(region), credentials, endpoint);
        AccountPreview preview = AccountPreview.of(clients, parameters.toString(), Clock.systemUTC());
        PreviewReport report = PreviewReport.of(preview.policy(), preview.assessAccount(Duration.ofMinutes(10)));
        String rendered = switch (format) {
            case "csv" -> report.csv();
            case "json" -> report.json();
            default -> null;
        };
        if (rendered == null) {
            report.printTable(out);
        } else if (output == null) {
            out.print(rendered);
        } else {
            write(output, rendered);
            report.printTable(out);
            out.println("Written to " + output);
        }
        return 0;
    }

    private static void write(Path output, String text) {
        try {
            Files.writeString(output, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UsageException("cannot write " + output + ": " + e.getMessage());
        }
    }

    private static String value(String option, Deque<String> arguments) {
        if (arguments.isEmpty() || arguments.peekFirst().startsWith("--")) {
            throw new UsageException(option + " needs a value");
        }
        return arguments.removeFirst();
    }

    private static void requireNoMore(Deque<String> arguments) {
        if (!arguments.isEmpty()) {
            throw new UsageException("unexpected argument " + arguments.peekFirst());
        }
    }

    private static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
