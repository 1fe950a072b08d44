package io.github.stalekeys.policy;

import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Users the rule leaves alone: listed by user id (matched exactly) or by name (whatever its case), or carrying a
 * tag key.
 * A tag exempts a user whatever its value, except the value {@code false}, so that
 * {@code KeyRotationExempt=false} means what it says, and until the date its value may name
 * ({@code until 2027-01-31 ...}, see {@link TagExemption}).
 */
public final class Exemptions {

    public static final Exemptions NONE = new Exemptions(Set.of(), Set.of(), Optional.empty());

    private final Set<String> userIds;
    private final Set<String> lowerCaseUserNames;
    private final Optional<String> tagKey;

    private Exemptions(Set<String> userIds, Set<String> lowerCaseUserNames, Optional<String> tagKey) {
        this.userIds = userIds;
        this.lowerCaseUserNames = lowerCaseUserNames;
        this.tagKey = tagKey;
    }

    /**
     * Builds the exemptions from their settings.
     *
     * @param usersSettingName  name of the comma-separated user list setting, quoted in errors
     * @param users             comma-separated user names and/or user ids; null or blank for none
     * @param tagSettingName    name of the tag key setting, quoted in errors
     * @param tagKey            the exempting tag key; null or blank for none
     */
    public static Exemptions parse(String usersSettingName, String users, String tagSettingName, String tagKey) {
        Set<String> entries = users == null
                ? Set.of()
                : Arrays.stream(users.split(","))
                        .map(String::strip)
                        .filter(entry -> !entry.isEmpty())
                        .collect(Collectors.toUnmodifiableSet());
        for (String entry : entries) {
            if (!IamIdentifiers.NAME.matcher(entry).matches()
                    && !IamIdentifiers.USER_ID.matcher(entry).matches()) {
                throw new InvalidSettingException(
                        usersSettingName,
                        "must list IAM user names or user ids separated by commas; "
                                + InvalidSettingException.echo(entry) + " is neither");
            }
        }
        Optional<String> key = Optional.ofNullable(tagKey).map(String::strip).filter(k -> !k.isEmpty());
        if (key.isPresent()
                && (!IamIdentifiers.TAG_KEY.matcher(key.get()).matches()
                        || key.get().startsWith("aws:"))) {
            throw new InvalidSettingException(
                    tagSettingName, "is not a valid IAM tag key: " + InvalidSettingException.echo(key.get()));
        }
        // An entry shaped like a user id is an id, matched exactly: were it a name too, anyone who may create users
        // could create one named like the exempt id (in any case) and never be reported. Names match whatever
        // their case, as IAM compares them.
        return new Exemptions(
                entries.stream()
                        .filter(e -> IamIdentifiers.USER_ID.matcher(e).matches())
                        .collect(Collectors.toUnmodifiableSet()),
                entries.stream()
                        .filter(e -> !IamIdentifiers.USER_ID.matcher(e).matches())
                        .map(e -> e.toLowerCase(Locale.ROOT))
                        .collect(Collectors.toUnmodifiableSet()),
                key);
    }

    /** Why the user is exempt by name or id (free to check), if they are. */
    public Optional<String> byIdentity(IamUser user) {
        if (userIds.contains(user.userId())
                || lowerCaseUserNames.contains(user.userName().toLowerCase(Locale.ROOT))) {
            return Optional.of("Exempt: listed in exemptUsers");
        }
        return Optional.empty();
    }

    /** The exempting tag key, if one is configured. */
    public Optional<String> tagKey() {
        return tagKey;
    }

    /** Whether an exemption tag is configured, i.e. whether tags are worth looking up at all. */
    public boolean usesTag() {
        return tagKey.isPresent();
    }

    /**
     * What the user's tags say at {@code now}: exempt, exempt once but lapsed (the value's {@code until} date
     * has passed), or not exempt. IAM user tag keys are case-insensitive (case is only preserved), so
     * {@code keyrotationexempt} is the same tag as {@code KeyRotationExempt}. See {@link TagExemption} for the
     * value's format.
     */
    public TagExemption byTags(Map<String, String> tags, Instant now) {
        return tagKey.flatMap(key -> tags.entrySet().stream()
                        .filter(tag -> tag.getKey().equalsIgnoreCase(key))
                        .findFirst())
                .map(tag -> TagExemption.of(tag.getKey(), tag.getValue(), now))
                .orElseGet(TagExemption.None::new);
    }
}
