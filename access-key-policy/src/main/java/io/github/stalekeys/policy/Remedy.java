package io.github.stalekeys.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a non-compliant annotation tells the reader to do: rotate or delete the stale keys, or, where the rule has an
 * exemption tag, exempt the user with it (its value: an expiry and the ticket). Both are optional details of the
 * annotation ({@link Annotation.Detail}): the tag goes first when 256 characters cannot hold everything.
 *
 * @param exemptionTagKey the rule's exemption tag key, if it has one
 */
public record Remedy(Optional<String> exemptionTagKey) {

    public Remedy {
        Objects.requireNonNull(exemptionTagKey, "exemptionTagKey");
    }

    /** The annotation's closing parts for {@code staleKeys} stale keys. */
    public List<Annotation.Part> parts(int staleKeys) {
        Annotation.Part action = Annotation.Part.optional(
                Annotation.Detail.ACTION, ". Fix: rotate or delete " + (staleKeys == 1 ? "the key" : "the keys"));
        return exemptionTagKey
                .map(tag -> List.of(
                        action,
                        Annotation.Part.optional(
                                Annotation.Detail.EXEMPTION_HINT,
                                ", or tag the user " + tag + " = \"until YYYY-MM-DD <ticket>\"")))
                .orElse(List.of(action));
    }
}
