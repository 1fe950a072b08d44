package io.github.stalekeys.evaluator;

import io.github.stalekeys.configrule.EvaluationPublisher;
import io.github.stalekeys.configrule.PreviousResults;
import io.github.stalekeys.events.KeyEventBus;
import io.github.stalekeys.logging.StructuredLogger;
import io.github.stalekeys.policy.IamUser;
import io.github.stalekeys.policy.StaleKeyPolicy;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * One invocation's warnings, periodic or change-triggered, both judged against the user's standing result
 * ({@link WarningWindow}). They are announced before the evaluations are recorded: a failed publication fails the
 * invocation with nothing recorded, and Lambda's retry announces the same warnings (same announcementId) and
 * records them.
 */
final class RunWarnings {

    private final WarningAnnouncer announcer;
    private final StaleKeyPolicy policy;
    private final Function<IamUser, Map<String, String>> tags;
    private final ConfigRuleEvent event;
    private final WarningSettings settings;

    private RunWarnings(
            WarningAnnouncer announcer,
            StaleKeyPolicy policy,
            Function<IamUser, Map<String, String>> tags,
            ConfigRuleEvent event,
            WarningSettings settings) {
        this.announcer = announcer;
        this.policy = policy;
        this.tags = tags;
        this.event = event;
        this.settings = settings;
    }

    /** The warnings of {@code event}'s invocation, or empty when its rule sets {@code warningDays} to 0. */
    static Optional<RunWarnings> of(
            ConfigRuleEvent event,
            WarningSettings settings,
            StaleKeyPolicy policy,
            Function<IamUser, Map<String, String>> tags,
            KeyEventBus bus,
            StructuredLogger log) {
        Objects.requireNonNull(event, "event");
        if (!settings.schedule().enabled()) {
            return Optional.empty();
        }
        return Optional.of(new RunWarnings(new WarningAnnouncer(bus, log), policy, tags, event, settings));
    }

    /** A periodic run's window: from each user's standing result to the run's notification time. */
    static WarningWindow periodicWindow(Instant runAt, Map<String, PreviousResults.Result> previous) {
        Map<String, Instant> recorded = new HashMap<>();
        previous.forEach((id, result) -> recorded.put(id, result.ordered()));
        return new WarningWindow(runAt, recorded);
    }

    /** Announces what a periodic run finds due in {@code window}. */
    WarningAnnouncer.Outcome announce(List<UserAssessment> assessments, WarningWindow window) {
        return announcer.announce(
                assessments,
                policy,
                tags,
                new WarningAnnouncer.Run(
                        event.getAccountId(),
                        event.getConfigRuleName(),
                        window,
                        settings,
                        EvaluationPublisher.TEST_MODE_TOKEN.equals(event.getResultToken())));
    }

    /**
     * What a change-triggered evaluation owes: its result replaces the user's standing one, which the next
     * periodic run compares its warnings with, so a stage reached since that one is announced here or never.
     * Config is read ({@code GetComplianceDetailsByResource}) only when a key has reached a stage at all.
     */
    Optional<WarningAnnouncer.Outcome> afterChange(
            UserAssessment assessment, Instant capturedAt, PreviousResults previous) {
        if (policy.warningsReached(assessment.keys(), Optional.empty(), capturedAt)
                .isEmpty()) {
            return Optional.empty();
        }
        String userId = assessment.verdict().user().userId();
        Map<String, Instant> standing = previous.ofResource(event.getConfigRuleName(), IamUserResource.TYPE, userId)
                .map(result -> Map.of(userId, result.ordered()))
                .orElse(Map.of());
        return Optional.of(announce(List.of(assessment), new WarningWindow(capturedAt, standing)));
    }
}
