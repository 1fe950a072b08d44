package io.github.stalekeys.policy;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who owns a user's keys, by the owner tag the rule names ({@code ownerTagKey}): warnings and change notices say
 * who it is, or why it is not known. Anyone who may tag the user writes the value, and it reaches people (an
 * e-mail, a chat message): only an e-mail address or an IAM-safe name is ever rendered; anything else (a URL,
 * line separators, bidi or zero-width marks, text) is reported as unreadable.
 *
 * @param tagKey the owner tag's key, if one is configured
 * @param value  the user's value of that tag, if it has a readable one
 * @param unreadable whether the user has the tag with a value that is neither an e-mail address nor a name
 */
public record KeyOwner(Optional<String> tagKey, Optional<String> value, boolean unreadable) {

    public static final KeyOwner NOT_CONFIGURED = new KeyOwner(Optional.empty(), Optional.empty(), false);

    private static final Pattern EMAIL =
            Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63})*\\.[A-Za-z]{2,63}");

    public KeyOwner {
        Objects.requireNonNull(tagKey, "tagKey");
        Objects.requireNonNull(value, "value");
    }

    /** The owner named by {@code tags} under {@code tagKey} (IAM tag keys are case-insensitive). */
    public static KeyOwner of(Optional<String> tagKey, Map<String, String> tags) {
        Optional<String> tagged = tagKey.flatMap(key -> tags.entrySet().stream()
                .filter(tag -> tag.getKey().equalsIgnoreCase(key))
                .map(Map.Entry::getValue)
                .map(String::strip)
                .filter(text -> !text.isEmpty())
                .findFirst());
        Optional<String> readable = tagged.filter(KeyOwner::readable);
        return new KeyOwner(tagKey, readable, tagged.isPresent() && readable.isEmpty());
    }

    private static boolean readable(String value) {
        return value.length() <= 254
                && (EMAIL.matcher(value).matches()
                        || IamIdentifiers.NAME.matcher(value).matches());
    }

    /** {@code NOT_CONFIGURED}, {@code TAGGED}, {@code TAG_ABSENT} or {@code TAG_UNREADABLE}. */
    public String status() {
        if (tagKey.isEmpty()) {
            return "NOT_CONFIGURED";
        }
        return value.isPresent() ? "TAGGED" : unreadable ? "TAG_UNREADABLE" : "TAG_ABSENT";
    }

    /** One sentence for a message. */
    public String describe() {
        if (tagKey.isEmpty()) {
            return "Owner: not known (no owner tag configured).";
        }
        if (unreadable) {
            return "Owner: not known (the " + tagKey.get()
                    + " tag's value is neither an e-mail address nor a name; it is not shown).";
        }
        return value.map(v -> "Owner: " + v + " (tag " + tagKey.get() + ").")
                .orElse("Owner: not known (the user has no " + tagKey.get() + " tag).");
    }
}
