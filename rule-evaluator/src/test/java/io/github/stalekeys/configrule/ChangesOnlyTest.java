package io.github.stalekeys.configrule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.stalekeys.policy.Compliance;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChangesOnlyTest {

    private static final Instant NOW = Instant.parse("2026-11-29T06:00:00Z");
    private static final String USER = "AWS::IAM::User";

    private static RuleEvaluation evaluation(String id, Compliance compliance, String annotation) {
        return new RuleEvaluation(USER, id, compliance, annotation);
    }

    private static PreviousResults.Result standing(String id, Compliance compliance, String annotation, int daysOld) {
        return new PreviousResults.Result(id, compliance, annotation, NOW.minus(Duration.ofDays(daysOld)));
    }

    @Test
    void onlyNewChangedAndDueResultsAreSelected() {
        List<RuleEvaluation> evaluations = List.of(
                evaluation("AIDANEW", Compliance.COMPLIANT, "No active access keys"),
                evaluation("AIDAFLIPPED", Compliance.NON_COMPLIANT, "AKIA1 unused since 2026-07-08 (limit 90 days)"),
                evaluation("AIDAREWORDED", Compliance.NON_COMPLIANT, "AKIA2 unused since 2026-07-09 (limit 90 days)"),
                evaluation("AIDASAME", Compliance.COMPLIANT, "No active access keys"),
                evaluation("AIDAOLD", Compliance.COMPLIANT, "No active access keys"));
        Map<String, PreviousResults.Result> previous = Map.of(
                "AIDAFLIPPED", standing("AIDAFLIPPED", Compliance.COMPLIANT, "AKIA1 fine", 1),
                "AIDAREWORDED",
                        standing(
                                "AIDAREWORDED",
                                Compliance.NON_COMPLIANT,
                                "AKIA2 unused since 2026-07-08 (limit 90 days)",
                                1),
                "AIDASAME", standing("AIDASAME", Compliance.COMPLIANT, "No active access keys", 1),
                "AIDAOLD", standing("AIDAOLD", Compliance.COMPLIANT, "No active access keys", 30));

        ChangesOnly.Selection selection = ChangesOnly.select(evaluations, previous, RefreshPeriod.DEFAULT, NOW);

        assertEquals(
                List.of("AIDANEW", "AIDAFLIPPED", "AIDAREWORDED", "AIDAOLD"),
                selection.toPost().stream().map(RuleEvaluation::resourceId).toList());
        assertEquals(1, selection.firsts());
        assertEquals(2, selection.changes());
        assertEquals(1, selection.refreshes());
        assertEquals(1, selection.unchanged());
    }

    @Test
    void anUnchangedResultWhoseWarningWasDecidedIsRecordedAgain() {
        List<RuleEvaluation> evaluations = List.of(
                evaluation(
                        "AIDAWARNED", Compliance.COMPLIANT, "An active access key turns non-compliant on 2026-12-13"),
                evaluation("AIDAQUIET", Compliance.COMPLIANT, "No active access keys"));
        Map<String, PreviousResults.Result> previous = Map.of(
                "AIDAWARNED",
                        standing(
                                "AIDAWARNED",
                                Compliance.COMPLIANT,
                                "An active access key turns non-compliant on 2026-12-13",
                                1),
                "AIDAQUIET", standing("AIDAQUIET", Compliance.COMPLIANT, "No active access keys", 1));

        ChangesOnly.Selection selection =
                ChangesOnly.select(evaluations, previous, RefreshPeriod.DEFAULT, NOW, java.util.Set.of("AIDAWARNED"));

        assertEquals(
                List.of("AIDAWARNED"),
                selection.toPost().stream().map(RuleEvaluation::resourceId).toList());
        assertEquals(1, selection.refreshes());
        assertEquals(1, selection.unchanged());
    }
}
