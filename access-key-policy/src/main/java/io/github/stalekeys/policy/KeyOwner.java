package io.github.stalekeys.policy;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who owns a user's keys, by the owner tag the rule names ({@code ownerTagKey}): warnings and change notices say
 * who it is, or why it is not known.
 *
 * @param tagKey the owner tag's key, if one is configured
 * @param value  the user's value of that tag, if it has a non-blank one
 */
public record KeyOwner(Optional<String> tagKey, Optional<String> value) {

    public static final KeyOwner NOT_CONFIGURED = new KeyOwner(Optional.empty(), Optional.empty());

    public KeyOwner {
        Objects.requireNonNull(tagKey, "tagKey");
        Objects.requireNonNull(value, "value");
    }

    /** The owner named by {@code tags} under {@code tagKey} (IAM tag keys are case-insensitive). */
    public static KeyOwner of(Optional<String> tagKey, Map<String, String> tags) {
        Optional<String> value = tagKey.flatMap(key -> tags.entrySet().stream()
                .filter(tag -> tag.getKey().equalsIgnoreCase(key))
                .map(Map.Entry::getValue)
                .filter(text -> !text.isBlank())
                .findFirst());
        return new KeyOwner(tagKey, value);
    }

    /** {@code NOT_CONFIGURED}, {@code TAGGED} or {@code TAG_ABSENT}. */
    public String status() {
        return tagKey.isEmpty() ? "NOT_CONFIGURED" : value.isPresent() ? "TAGGED" : "TAG_ABSENT";
    }

    /** One sentence for a message. */
    public String describe() {
        if (tagKey.isEmpty()) {
            return "Owner: not known (no owner tag configured).";
        }
        return value.map(v -> "Owner: " + v + " (tag " + tagKey.get() + ").")
                .orElse("Owner: not known (the user has no " + tagKey.get() + " tag).");
    }
}
