package io.github.stalekeys.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The rule's verdict on one user.
 *
 * @param user       the user judged
 * @param compliance the outcome
 * @param why        why, as annotation parts (essential first; optional details may be dropped to fit)
 * @param staleKeys  the active keys unused beyond the threshold (empty unless non-compliant)
 * @param remedy     what a non-compliant annotation says to do about the stale keys, if anything
 */
public record UserVerdict(
        IamUser user,
        Compliance compliance,
        List<Annotation.Part> why,
        List<KeyAssessment> staleKeys,
        Optional<Remedy> remedy) {

    public UserVerdict {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(compliance, "compliance");
        why = List.copyOf(why);
        staleKeys = List.copyOf(staleKeys);
        Objects.requireNonNull(remedy, "remedy");
        Annotation.compose(why); // a blank annotation is refused here, not when posted
    }

    /** A verdict whose annotation is one essential text and says nothing to do. */
    public UserVerdict(IamUser user, Compliance compliance, String annotation, List<KeyAssessment> staleKeys) {
        this(user, compliance, List.of(Annotation.Part.essential(annotation)), staleKeys, Optional.empty());
    }

    /** The verdict for a user that is out of the rule's reach (deleted, exempt, not an IAM user). */
    public static UserVerdict notApplicable(IamUser user, String reason) {
        return new UserVerdict(user, Compliance.NOT_APPLICABLE, reason, List.of());
    }

    /**
     * The annotation, in 1..256 characters as AWS Config accepts it: why, then (non-compliant) what to do, the
     * optional details dropped as {@link Annotation#compose} says when they do not all fit.
     */
    public String annotation() {
        List<Annotation.Part> parts = new ArrayList<>(why);
        if (compliance == Compliance.NON_COMPLIANT && !staleKeys.isEmpty()) {
            remedy.ifPresent(r -> parts.addAll(r.parts(staleKeys.size())));
        }
        return Annotation.compose(parts);
    }

    /** This verdict with {@code essential} said first. */
    public UserVerdict prefixed(String essential) {
        List<Annotation.Part> parts = new ArrayList<>();
        parts.add(Annotation.Part.essential(essential));
        parts.addAll(why);
        return new UserVerdict(user, compliance, parts, staleKeys, remedy);
    }

    /** This verdict with another outcome, reason and stale keys, and the same remedy. */
    public UserVerdict rejudged(Compliance outcome, String reason, List<KeyAssessment> stillStale) {
        return new UserVerdict(user, outcome, List.of(Annotation.Part.essential(reason)), stillStale, remedy);
    }
}
