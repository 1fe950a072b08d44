package io.github.stalekeys.configrule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.policy.Compliance;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.config.ConfigClient;
import software.amazon.awssdk.services.config.model.Evaluation;
import software.amazon.awssdk.services.config.model.PutEvaluationsRequest;
import software.amazon.awssdk.services.config.model.PutEvaluationsResponse;

/**
 * Posting in memory: what PutEvaluations lists in FailedEvaluations is sent again, with a doubling backoff, and
 * what still fails (or what time does not allow) fails the invocation by name. PutEvaluations takes at most 100
 * evaluations and reports FailedEvaluations, https://docs.aws.amazon.com/config/latest/APIReference/API_PutEvaluations.html
 */
class EvaluationPublisherRetryTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static final Instant ORDERING = Instant.parse("2026-11-29T11:59:00Z");

    /** Answers each call with the next list of resource ids to report failed; records what was sent. */
    private static final class ScriptedConfig implements ConfigClient {
        final Deque<List<String>> failures = new ArrayDeque<>();
        final List<PutEvaluationsRequest> requests = new ArrayList<>();

        @Override
        public PutEvaluationsResponse putEvaluations(PutEvaluationsRequest request) {
            requests.add(request);
            List<String> failedIds = failures.isEmpty() ? List.of() : failures.removeFirst();
            List<Evaluation> failed = request.evaluations().stream()
                    .filter(e -> failedIds.contains(e.complianceResourceId()))
                    .map(e -> e.toBuilder().annotation(null).build()) // Config echoes the resource, not our text
                    .toList();
            return PutEvaluationsResponse.builder().failedEvaluations(failed).build();
        }

        List<String> sentIds(int call) {
            return requests.get(call).evaluations().stream()
                    .map(Evaluation::complianceResourceId)
                    .toList();
        }

        @Override
        public String serviceName() {
            return "config";
        }

        @Override
        public void close() {}
    }

    private static List<RuleEvaluation> evaluations(int count) {
        return IntStream.range(0, count)
                .mapToObj(i -> new RuleEvaluation(
                        "AWS::IAM::User",
                        String.format("AIDAUSER%012d", i),
                        Compliance.COMPLIANT,
                        "all keys used within 90 days"))
                .toList();
    }

    private static Deadline deadline(Duration left) {
        return new Deadline(NOW.plus(left), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void failedEvaluationsAreSentAgainAloneWithTheirOwnAnnotationAndADoublingBackoff() {
        ScriptedConfig config = new ScriptedConfig();
        List<String> user1 = List.of("AIDAUSER000000000001");
        config.failures.add(user1);
        config.failures.add(user1);
        List<Duration> waits = new ArrayList<>();

        int posted = new EvaluationPublisher(config, waits::add)
                .publish(evaluations(3), ORDERING, "token", deadline(Duration.ofMinutes(5)));

        assertEquals(3, posted);
        assertEquals(3, config.requests.size());
        assertEquals(user1, config.sentIds(1));
        assertEquals(user1, config.sentIds(2));
        Evaluation resent = config.requests.get(2).evaluations().getFirst();
        assertEquals("all keys used within 90 days", resent.annotation());
        assertEquals(ORDERING, resent.orderingTimestamp());
        assertEquals(List.of(Duration.ofMillis(500), Duration.ofMillis(1000)), waits);
    }

    @Test
    void anEvaluationStillFailingAfterFiveAttemptsFailsTheInvocationNamingIt() {
        ScriptedConfig config = new ScriptedConfig();
        for (int i = 0; i < 5; i++) {
            config.failures.add(List.of("AIDAUSER000000000002"));
        }
        List<Duration> waits = new ArrayList<>();

        EvaluationsNotRecordedException error = assertThrows(
                EvaluationsNotRecordedException.class,
                () -> new EvaluationPublisher(config, waits::add)
                        .publish(evaluations(3), ORDERING, "token", deadline(Duration.ofMinutes(5))));

        assertEquals(5, config.requests.size());
        assertEquals(4, waits.size());
        assertTrue(
                error.getMessage().contains("did not record 1 of 3 evaluations after 5 attempts"), error.getMessage());
        assertTrue(error.getMessage().endsWith(": AIDAUSER000000000002"), error.getMessage());
    }

    @Test
    void retriesStopWhenTheBackoffWouldPassTheDeadline() {
        ScriptedConfig config = new ScriptedConfig();
        config.failures.add(List.of("AIDAUSER000000000000"));
        List<Duration> waits = new ArrayList<>();

        EvaluationsNotRecordedException error = assertThrows(
                EvaluationsNotRecordedException.class,
                () -> new EvaluationPublisher(config, waits::add)
                        .publish(evaluations(2), ORDERING, "token", deadline(Duration.ofMillis(499))));

        assertEquals(1, config.requests.size());
        assertEquals(List.of(), waits);
        assertTrue(error.getMessage().contains("before the invocation's deadline"), error.getMessage());
    }

    @Test
    void batchesOfAHundredAndNoneStartedPastTheDeadline() {
        ScriptedConfig config = new ScriptedConfig();

        int posted = new EvaluationPublisher(config, wait -> {})
                .publish(evaluations(250), ORDERING, "TESTMODE", deadline(Duration.ofMinutes(1)));

        assertEquals(250, posted);
        assertEquals(
                List.of(100, 100, 50),
                config.requests.stream().map(r -> r.evaluations().size()).toList());
        assertTrue(config.requests.stream().allMatch(PutEvaluationsRequest::testMode), "TESTMODE token: test mode");

        ScriptedConfig exact = new ScriptedConfig();
        new EvaluationPublisher(exact, wait -> {})
                .publish(evaluations(200), ORDERING, "token", deadline(Duration.ofMinutes(1)));
        assertEquals(2, exact.requests.size(), "no empty call after a full batch");
        assertTrue(exact.requests.stream().noneMatch(PutEvaluationsRequest::testMode));

        ScriptedConfig late = new ScriptedConfig();
        EvaluationsNotRecordedException error = assertThrows(
                EvaluationsNotRecordedException.class,
                () -> new EvaluationPublisher(late, wait -> {})
                        .publish(evaluations(2), ORDERING, "token", deadline(Duration.ofSeconds(-1))));
        assertEquals(0, late.requests.size());
        assertTrue(error.getMessage().endsWith(": AIDAUSER000000000000, AIDAUSER000000000001"), error.getMessage());
    }
}
