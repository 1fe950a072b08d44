package io.github.stalekeys.remediation;

import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.KeyAssessment;
import io.github.stalekeys.policy.KeyStatus;
import io.github.stalekeys.policy.StaleKeyPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Which of a user's keys to disable now, decided by the same policy as the rule from a live read of the
 * keys: only active keys stale now. Every other key is kept, with the reason.
 */
record RemediationPlan(List<KeyAssessment> toDisable, List<SkippedKey> skipped) {

    RemediationPlan {
        toDisable = List.copyOf(toDisable);
        skipped = List.copyOf(skipped);
    }

    static RemediationPlan of(StaleKeyPolicy policy, List<AccessKeyActivity> keys) {
        List<KeyAssessment> toDisable = new ArrayList<>();
        List<SkippedKey> skipped = new ArrayList<>();
        int limit = policy.maxKeyAge().days();
        for (AccessKeyActivity key : keys) {
            if (key.status() != KeyStatus.ACTIVE) {
                skipped.add(new SkippedKey(key.accessKeyId(), "not active (status "
                        + key.status().name().toLowerCase(Locale.ROOT) + "): nothing to disable"));
                continue;
            }
            KeyAssessment assessment = policy.assess(key);
            if (assessment.stale()) {
                toDisable.add(assessment);
            } else {
                skipped.add(new SkippedKey(key.accessKeyId(), (key.neverUsed()
                        ? "never used but created " + assessment.idleDays() + " days ago"
                        : "used " + assessment.idleDays() + " days ago")
                        + ", within the " + limit + "-day limit"));
            }
        }
        return new RemediationPlan(toDisable, skipped);
    }
}
