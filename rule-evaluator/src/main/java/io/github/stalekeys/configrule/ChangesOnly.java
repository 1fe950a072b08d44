package io.github.stalekeys.configrule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Picks, from a periodic run's evaluations, the ones worth recording: Config bills each evaluation recorded and
 * keeps a resource's last result until it is replaced, so an evaluation identical to the standing result is
 * posted only when its refresh is due.
 */
public final class ChangesOnly {

    /**
     * What to post, and why.
     *
     * @param toPost    the evaluations to post, in the order given
     * @param firsts    resources with no standing result
     * @param changes   resources whose compliance or annotation differs from the standing result
     * @param refreshes unchanged results posted again because their refresh was due, or to record that the
     *                  user's warning was decided this run
     * @param unchanged unchanged results left standing
     */
    public record Selection(List<RuleEvaluation> toPost, int firsts, int changes, int refreshes, int unchanged) {

        public Selection {
            toPost = List.copyOf(toPost);
        }
    }

    private ChangesOnly() {}

    /** Every evaluation, as posted by a change event: Config expects its one result whatever it holds. */
    public static Selection everything(List<RuleEvaluation> evaluations) {
        return new Selection(evaluations, 0, evaluations.size(), 0, 0);
    }

    /**
     * @param previous the standing results of the evaluations' resource type, by resource id
     */
    public static Selection select(
            List<RuleEvaluation> evaluations,
            Map<String, PreviousResults.Result> previous,
            RefreshPeriod refresh,
            Instant now) {
        return select(evaluations, previous, refresh, now, Set.of());
    }

    /**
     * As {@link #select(List, Map, RefreshPeriod, Instant)}; the resources in {@code recordAgain} are posted even
     * when unchanged (their new ordering timestamp is what the next run's warnings compare with).
     */
    public static Selection select(
            List<RuleEvaluation> evaluations,
            Map<String, PreviousResults.Result> previous,
            RefreshPeriod refresh,
            Instant now,
            Set<String> recordAgain) {
        Objects.requireNonNull(refresh, "refresh");
        List<RuleEvaluation> toPost = new ArrayList<>();
        int firsts = 0;
        int changes = 0;
        int refreshes = 0;
        int unchanged = 0;
        for (RuleEvaluation evaluation : evaluations) {
            PreviousResults.Result standing = previous.get(evaluation.resourceId());
            if (standing == null) {
                firsts++;
                toPost.add(evaluation);
            } else if (!standing.sameAs(evaluation)) {
                changes++;
                toPost.add(evaluation);
            } else if (recordAgain.contains(evaluation.resourceId())
                    || refresh.due(evaluation.resourceId(), standing.recorded(), now)) {
                refreshes++;
                toPost.add(evaluation);
            } else {
                unchanged++;
            }
        }
        return new Selection(toPost, firsts, changes, refreshes, unchanged);
    }
}
