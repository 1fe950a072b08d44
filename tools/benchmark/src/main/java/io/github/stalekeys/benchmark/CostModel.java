package io.github.stalekeys.benchmark;

import io.github.stalekeys.configrule.ChangesOnly;
import io.github.stalekeys.configrule.PreviousResults;
import io.github.stalekeys.configrule.RefreshPeriod;
import io.github.stalekeys.configrule.RuleEvaluation;
import io.github.stalekeys.policy.Compliance;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What AWS Config records over daily periodic runs, by the rule's own selection code ({@link ChangesOnly} with
 * {@link RefreshPeriod}): each day a seeded random {@code changeShare} of the users gets a new result, the rest
 * stay as they were. Counts are exact for the model; no AWS call is made.
 */
final class CostModel {

    /** Evaluations recorded per day, from the first run (day 0) on. */
    record Days(int users, List<Integer> recorded) {

        int firstRun() {
            return recorded.get(0);
        }

        /** Days 0..29: the month in which the rule was deployed, its first run included. */
        int firstMonth() {
            return recorded.subList(0, 30).stream().mapToInt(Integer::intValue).sum();
        }

        /** Days 30..59: a month in steady state. */
        int steadyMonth() {
            return recorded.subList(30, 60).stream().mapToInt(Integer::intValue).sum();
        }

        int busiestSteadyDay() {
            return recorded.subList(30, 60).stream()
                    .mapToInt(Integer::intValue)
                    .max()
                    .orElse(0);
        }
    }

    private CostModel() {}

    static Days simulate(int users, double changeShare, RefreshPeriod refresh) {
        Random random = new Random(users);
        Instant start = Instant.parse("2026-11-01T06:00:00Z");
        List<String> ids = new ArrayList<>(users);
        Map<String, Integer> version = new HashMap<>();
        for (int i = 0; i < users; i++) {
            String id = String.format("AIDA%016X", random.nextLong() & Long.MAX_VALUE);
            ids.add(id);
            version.put(id, 0);
        }
        Map<String, PreviousResults.Result> held = new HashMap<>();
        List<Integer> recorded = new ArrayList<>();
        int changesPerDay = (int) Math.round(users * changeShare);
        for (int day = 0; day < 60; day++) {
            Instant now = start.plus(Duration.ofDays(day));
            if (day > 0) {
                for (int c = 0; c < changesPerDay; c++) {
                    version.merge(ids.get(random.nextInt(users)), 1, Integer::sum);
                }
            }
            List<RuleEvaluation> evaluations = ids.stream()
                    .map(id ->
                            new RuleEvaluation("AWS::IAM::User", id, Compliance.COMPLIANT, "state " + version.get(id)))
                    .toList();
            ChangesOnly.Selection selection = ChangesOnly.select(evaluations, held, refresh, now);
            for (RuleEvaluation posted : selection.toPost()) {
                held.put(
                        posted.resourceId(),
                        new PreviousResults.Result(posted.resourceId(), posted.compliance(), posted.annotation(), now));
            }
            recorded.add(selection.toPost().size());
        }
        return new Days(users, recorded);
    }
}
