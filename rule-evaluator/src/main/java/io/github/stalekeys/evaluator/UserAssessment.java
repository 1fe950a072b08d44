package io.github.stalekeys.evaluator;

import io.github.stalekeys.policy.AccessKeyActivity;
import io.github.stalekeys.policy.UserVerdict;
import java.util.List;

/**
 * A verdict with the keys it was drawn from: read live (with ids), or from the credential report (without
 * ids, for users the report settles). Empty for users that no longer exist.
 */
public record UserAssessment(UserVerdict verdict, List<AccessKeyActivity> keys) {

    public UserAssessment {
        keys = List.copyOf(keys);
    }
}
