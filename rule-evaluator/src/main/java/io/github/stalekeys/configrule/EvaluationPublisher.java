package io.github.stalekeys.configrule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.Evaluation;
import software.amazon.awssdk.services.config.model.PutEvaluationsResponse;

/**
 * Posts evaluations with {@code PutEvaluations}: at most 100 a call, every one carrying the notification's
 * ordering timestamp. Evaluations Config lists as failed are retried with backoff; if some still fail, or the
 * Lambda deadline comes first, the invocation fails naming them, so no result is dropped silently.
 *
 * <p>With nothing to post it still calls {@code PutEvaluations} once, with no evaluations: the API accepts 0 to
 * 100 and is "required in every AWS Lambda function that is invoked by an AWS Config rule"
 * (https://docs.aws.amazon.com/config/latest/APIReference/API_PutEvaluations.html), so the invocation's result
 * token is answered even by a run that found nothing new.
 */
public final class EvaluationPublisher {

    public static final int BATCH_SIZE = 100;
    public static final String TEST_MODE_TOKEN = "TESTMODE";
    private static final int ATTEMPTS = 5;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);

    private final ConfigClient config;
    private final Sleeper sleeper;

    public EvaluationPublisher(ConfigClient config, Sleeper sleeper) {
        this.config = Objects.requireNonNull(config, "config");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * Posts all evaluations; returns how many were recorded (validated only, in test mode).
     *
     * @param deadline when to stop retrying and starting batches, to fail clearly before Lambda's timeout
     */
    public int publish(
            List<RuleEvaluation> evaluations, Instant orderingTimestamp, String resultToken, Deadline deadline) {
        boolean testMode = TEST_MODE_TOKEN.equals(resultToken);
        if (evaluations.isEmpty()) {
            config.putEvaluations(request ->
                    request.resultToken(resultToken).testMode(testMode).evaluations(List.of()));
            return 0;
        }
        List<String> notRecorded = new ArrayList<>();
        boolean outOfTime = false;
        for (int from = 0; from < evaluations.size(); from += BATCH_SIZE) {
            List<Evaluation> batch = evaluations.subList(from, Math.min(from + BATCH_SIZE, evaluations.size())).stream()
                    .map(evaluation -> toSdk(evaluation, orderingTimestamp))
                    .toList();
            if (outOfTime || deadline.passed()) {
                outOfTime = true;
                batch.forEach(evaluation -> notRecorded.add(evaluation.complianceResourceId()));
                continue;
            }
            Attempts attempts = putWithRetries(batch, resultToken, testMode, deadline);
            notRecorded.addAll(attempts.notRecorded());
            outOfTime = attempts.outOfTime();
        }
        if (!notRecorded.isEmpty()) {
            throw new EvaluationsNotRecordedException("AWS Config did not record " + notRecorded.size() + " of "
                    + evaluations.size() + " evaluations "
                    + (outOfTime
                            ? "before the invocation's deadline (retries stopped to fail clearly rather than be cut off)"
                            : "after " + ATTEMPTS + " attempts")
                    + ": " + String.join(", ", notRecorded));
        }
        return evaluations.size();
    }

    /** How one batch ended: the resources still not recorded, and whether time ran out first. */
    private record Attempts(List<String> notRecorded, boolean outOfTime) {}

    private Attempts putWithRetries(List<Evaluation> batch, String resultToken, boolean testMode, Deadline deadline) {
        List<Evaluation> pending = batch;
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            List<Evaluation> sent = pending;
            PutEvaluationsResponse response = config.putEvaluations(request ->
                    request.resultToken(resultToken).testMode(testMode).evaluations(sent));
            if (!response.hasFailedEvaluations() || response.failedEvaluations().isEmpty()) {
                return new Attempts(List.of(), false);
            }
            pending = failedAmong(sent, response.failedEvaluations());
            boolean outOfTime = !deadline.allows(backoff);
            if (attempt == ATTEMPTS || outOfTime) {
                return new Attempts(
                        pending.stream().map(Evaluation::complianceResourceId).toList(), outOfTime);
            }
            sleeper.sleep(backoff);
            backoff = backoff.multipliedBy(2);
        }
    }

    /** The evaluations to resend: the ones we sent that Config lists as failed (by resource). */
    private static List<Evaluation> failedAmong(List<Evaluation> sent, List<Evaluation> failed) {
        Map<String, Evaluation> byResource = new LinkedHashMap<>();
        for (Evaluation evaluation : sent) {
            byResource.put(evaluation.complianceResourceType() + "/" + evaluation.complianceResourceId(), evaluation);
        }
        List<Evaluation> resend = new ArrayList<>();
        for (Evaluation evaluation : failed) {
            Evaluation original =
                    byResource.get(evaluation.complianceResourceType() + "/" + evaluation.complianceResourceId());
            resend.add(original != null ? original : evaluation);
        }
        return resend;
    }

    public static Evaluation toSdk(RuleEvaluation evaluation, Instant orderingTimestamp) {
        return Evaluation.builder()
                .complianceResourceType(evaluation.resourceType())
                .complianceResourceId(evaluation.resourceId())
                .complianceType(evaluation.compliance().name())
                .annotation(evaluation.annotation())
                .orderingTimestamp(orderingTimestamp)
                .build();
    }
}
