package io.github.stalekeys.policy;

import java.util.List;
import java.util.Objects;

/**
 * The rule's verdict on one user.
 *
 * @param user       the user judged
 * @param compliance the outcome
 * @param annotation why, in 1..256 characters, as AWS Config accepts it
 * @param staleKeys  the active keys unused beyond the threshold (empty unless non-compliant)
 */
public record UserVerdict(IamUser user, Compliance compliance, String annotation, List<KeyAssessment> staleKeys) {

    public UserVerdict {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(compliance, "compliance");
        annotation = Annotation.fit(annotation);
        staleKeys = List.copyOf(staleKeys);
    }

    /** The verdict for a user that is out of the rule's reach (deleted, exempt, not an IAM user). */
    public static UserVerdict notApplicable(IamUser user, String reason) {
        return new UserVerdict(user, Compliance.NOT_APPLICABLE, reason, List.of());
    }
}
