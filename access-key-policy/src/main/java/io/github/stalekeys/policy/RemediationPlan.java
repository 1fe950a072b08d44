package io.github.stalekeys.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the remediation does with each of a user's keys, decided by the same policy as the rule: it disables
 * only active keys that are stale now, and keeps every other key, with the reason.
 */
public record RemediationPlan(List<KeyAssessment> toDisable, List<SkippedKey> skipped) {

    public RemediationPlan {
        toDisable = List.copyOf(toDisable);
        skipped = List.copyOf(skipped);
    }

    public static RemediationPlan of(StaleKeyPolicy policy, List<AccessKeyActivity> keys) {
        List<KeyAssessment> toDisable = new ArrayList<>();
        List<SkippedKey> skipped = new ArrayList<>();
        for (AccessKeyActivity key : keys) {
            if (key.status() != KeyStatus.ACTIVE) {
                skipped.add(new SkippedKey(
                        key.accessKeyId(),
                        "not active (status " + key.status().name().toLowerCase(Locale.ROOT)
                                + "): nothing to disable"));
                continue;
            }
            KeyAssessment assessment = policy.assess(key);
            if (assessment.stale()) {
                toDisable.add(assessment);
            } else {
                skipped.add(new SkippedKey(
                        key.accessKeyId(),
                        (key.neverUsed()
                                        ? "never used but created " + KeyAssessment.ago(assessment.idleDays())
                                        : "used " + KeyAssessment.ago(assessment.idleDays()))
                                + ", within the " + assessment.limit().days() + "-day limit"));
            }
        }
        return new RemediationPlan(toDisable, skipped);
    }
}
