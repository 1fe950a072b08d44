package io.github.stalekeys.evaluator;

import io.github.stalekeys.configrule.Deadline;
import io.github.stalekeys.configrule.Sleeper;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.CredentialReportExpiredException;
import software.amazon.awssdk.services.iam.model.CredentialReportNotPresentException;
import software.amazon.awssdk.services.iam.model.CredentialReportNotReadyException;
import software.amazon.awssdk.services.iam.model.GetCredentialReportResponse;
import software.amazon.awssdk.services.iam.model.ReportStateType;

/**
 * Gets a current credential report: asks IAM to generate one (IAM reuses a report under 4 hours old) and, while
 * it is being generated, polls the report itself with a bounded exponential backoff until it can be read.
 *
 * <p>When the report cannot be had before the deadline, it fails with
 * {@link CredentialReportUnavailableException} and nothing is posted: a whole-account verdict from a
 * partial picture would be wrong, and falling back to per-user calls for thousands of users is exactly the
 * throttling storm the report avoids. Config invokes the rule asynchronously, so Lambda retries the
 * invocation (twice, minutes apart), by when the report is ready; the previous results stand meanwhile.
 */
final class CredentialReportSource {

    private static final Duration FIRST_WAIT = Duration.ofMillis(500);
    private static final Duration LONGEST_WAIT = Duration.ofSeconds(8);

    private final IamClient iam;
    private final Sleeper sleeper;

    CredentialReportSource(IamClient iam, Sleeper sleeper) {
        this.iam = Objects.requireNonNull(iam, "iam");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    CredentialReport fetch(Deadline deadline) {
        Duration wait = FIRST_WAIT;
        int attempts = 0;
        boolean generating = false;
        while (true) {
            attempts++;
            // Once a generation is under way, GetCredentialReport itself is the poll (ReportInProgress until it is
            // complete): one call a poll, where polling GenerateCredentialReport and then reading costs one more.
            boolean readable = generating || iam.generateCredentialReport().state() == ReportStateType.COMPLETE;
            generating = true;
            if (readable) {
                try {
                    GetCredentialReportResponse report = iam.getCredentialReport();
                    return CredentialReport.parse(
                            report.content().asUtf8String(), java.util.Optional.ofNullable(report.generatedTime()));
                } catch (CredentialReportNotReadyException inProgress) {
                    // Still being generated: read again after the wait.
                } catch (CredentialReportExpiredException | CredentialReportNotPresentException notUsable) {
                    generating = false; // expired or replaced since: generating again starts a fresh one
                }
            }
            if (!deadline.allows(wait)) {
                throw new CredentialReportUnavailableException("the IAM credential report was not ready after "
                        + attempts + (attempts == 1 ? " attempt" : " attempts")
                        + "; stopped to keep within the invocation's time. No evaluations were "
                        + "posted; the previous results stand and the retried or next scheduled run will try again");
            }
            sleeper.sleep(wait);
            wait = wait.multipliedBy(2).compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait.multipliedBy(2);
        }
    }
}
