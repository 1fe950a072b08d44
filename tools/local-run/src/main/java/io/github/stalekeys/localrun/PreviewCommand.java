package io.github.stalekeys.localrun;

import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.configrule.DeadlineReachedException;
import io.github.stalekeys.evaluator.AccountPreview;
import io.github.stalekeys.evaluator.CredentialReportUnavailableException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileLocation;

/**
 * {@code scripts/run preview}: checks the options, the rule parameters and the credentials before the first AWS
 * call, then evaluates the account read-only. Each failure is one line naming the fix, never a stack trace.
 */
final class PreviewCommand {

    private static final String SESSION_NAME = "stale-keys-preview";

    private PreviewCommand() {}

    static int run(PreviewOptions options, Map<String, String> environment, PrintStream out) {
        AwsCredentialsProvider credentials = credentials(options.profile(), environment);
        AwsClients caller = AwsClients.create(
                options.region(), credentials, options.endpoint().orElse(null));
        AwsClients account = options.memberRoleArn()
                .map(role -> caller.assumingRole(role, SESSION_NAME))
                .orElse(caller);
        // Every rule parameter is checked here, as the rule checks it, before anything is asked of AWS.
        AccountPreview preview = AccountPreview.of(account, options.ruleParameters(), Clock.systemUTC());
        requireCredentials(credentials, options.profile());
        PreviewReport report;
        try {
            report = PreviewReport.of(preview.policy(), preview.assessAccount(Duration.ofMinutes(10)));
        } catch (AwsServiceException e) {
            throw new PreviewFailedException(refused(e));
        } catch (SdkClientException e) {
            throw new PreviewFailedException("cannot reach AWS (" + PreviewFailedException.brief(e.getMessage())
                    + "): check the network, --region and --endpoint-url");
        } catch (CredentialReportUnavailableException | DeadlineReachedException e) {
            throw new PreviewFailedException(
                    PreviewFailedException.brief(e.getMessage()) + ": run the preview again in a few minutes");
        }
        switch (options.format()) {
            case "csv" -> print(report.csv(), options, report, out);
            case "json" -> print(report.json(), options, report, out);
            default -> report.printTable(out);
        }
        return 0;
    }

    private static void print(String rendered, PreviewOptions options, PreviewReport report, PrintStream out) {
        if (options.output().isEmpty()) {
            out.print(rendered);
            return;
        }
        options.output().get().write(rendered);
        report.printTable(out);
        out.println("Written to " + options.output().get().path());
    }

    /** --profile, else the SDK's default chain; a named profile (or AWS_PROFILE) must exist in the files. */
    private static AwsCredentialsProvider credentials(Optional<String> profile, Map<String, String> environment) {
        if (profile.isPresent()) {
            requireProfile(profile.get(), "--profile " + profile.get());
            return ProfileCredentialsProvider.builder()
                    .profileName(profile.get())
                    .build();
        }
        String fromEnvironment = environment.get("AWS_PROFILE");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            requireProfile(fromEnvironment, "AWS_PROFILE=" + fromEnvironment);
        }
        return DefaultCredentialsProvider.builder().build();
    }

    private static void requireProfile(String name, String source) {
        ProfileFile files;
        try {
            files = ProfileFile.defaultProfileFile();
        } catch (RuntimeException e) { // the SDK's parser reports a malformed file with unchecked exceptions
            throw new PreviewFailedException("cannot read the AWS config files ("
                    + PreviewFailedException.brief(e.getMessage()) + "): fix them, or check with aws configure list");
        }
        if (files.profile(name).isEmpty()) {
            throw new PreviewFailedException(source + ": there is no such profile in "
                    + ProfileFileLocation.configurationFilePath() + " or "
                    + ProfileFileLocation.credentialsFilePath() + ": create it (aws configure --profile " + name
                    + ", or aws configure sso) or name one that exists (aws configure list-profiles)");
        }
    }

    private static void requireCredentials(AwsCredentialsProvider credentials, Optional<String> profile) {
        try {
            credentials.resolveCredentials();
        } catch (SdkClientException e) {
            throw new PreviewFailedException(profile.map(name -> "the profile " + name + " gave no credentials ("
                            + PreviewFailedException.brief(e.getMessage()) + "): log in (aws sso login --profile "
                            + name + ") or set its keys (aws configure --profile " + name + ")")
                    .orElse("no AWS credentials found (environment variables, AWS_PROFILE, ~/.aws, SSO, container or"
                            + " instance role): run aws configure or aws sso login, or pass --profile NAME"));
        }
    }

    private static String refused(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
        String what = "AWS refused a call (" + (code == null ? "" : code + ": ")
                + PreviewFailedException.brief(
                        e.awsErrorDetails() == null
                                ? e.getMessage()
                                : e.awsErrorDetails().errorMessage())
                + "): ";
        String message = e.awsErrorDetails() == null
                ? ""
                : String.valueOf(e.awsErrorDetails().errorMessage());
        if (message.contains("sts:AssumeRole")) {
            return what + "check that the role exists in that account and trusts your credentials";
        }
        if (code != null && code.startsWith("AccessDenied")) {
            return what + "grant the preview's read-only permissions (scripts/run --help lists them)";
        }
        if (code != null
                && (code.startsWith("ExpiredToken")
                        || code.equals("InvalidClientTokenId")
                        || code.equals("SignatureDoesNotMatch"))) {
            return what + "your credentials are invalid or expired: log in again, then check them with"
                    + " aws sts get-caller-identity";
        }
        if (code != null && code.startsWith("Throttl")) {
            return what + "IAM is throttling this account: run the preview again later";
        }
        return what + "see AWS's message";
    }
}
