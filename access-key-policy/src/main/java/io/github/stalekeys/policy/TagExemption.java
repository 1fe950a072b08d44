package io.github.stalekeys.policy;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a user's exemption tag says at a given instant. The tag's value may carry an expiry, {@code until
 * YYYY-MM-DD} anywhere in it, with free text around (e.g. {@code until 2027-01-31 INC-4711 break-glass}): the
 * user is exempt through that day (UTC) and the exemption lapses at the next midnight UTC. A value without
 * {@code until} exempts with no end, as before; {@code false} does not exempt.
 *
 * <p>An {@code until} followed by anything but a valid ISO date ({@code until 31/01/2027}, {@code until
 * 2027-02-30}, full-width digits, a non-breaking space) does not exempt: fail safe, or a typo would exempt for
 * good. The note quotes what could not be read (escaped and cut: anyone who may tag the user wrote it), so the
 * annotation in the Config console says what to fix.
 */
public sealed interface TagExemption {

    /** The user is exempt now; {@code reason} is the annotation. */
    record Exempt(String reason) implements TagExemption {}

    /**
     * The user carries an exemption that does not hold (any more): lapsed, or with an expiry that cannot be read;
     * {@code note} says which, for the annotation.
     */
    record Lapsed(String note) implements TagExemption {}

    /** No exemption tag, or one whose value is {@code false}. */
    record None() implements TagExemption {}

    /** Exempt's reason, if exempt now. */
    default Optional<String> exemptReason() {
        return this instanceof Exempt exempt ? Optional.of(exempt.reason()) : Optional.empty();
    }

    /** Lapsed's note, if the exemption has lapsed. */
    default Optional<String> lapsedNote() {
        return this instanceof Lapsed lapsed ? Optional.of(lapsed.note()) : Optional.empty();
    }

    // "until 2027-01-31", "until: 2027-01-31", "UNTIL:2027-01-31".
    Pattern UNTIL = Pattern.compile("(?i)(?<![\\p{L}\\p{N}])until(?![\\p{L}\\p{N}])\\s*:?\\s*(\\S*)");
    Pattern ISO_DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");

    /**
     * Reads one tag.
     *
     * @param tagKey the tag's key as the user carries it
     * @param value  the tag's value (anyone allowed to tag the user wrote it)
     * @param now    the instant to judge at
     */
    static TagExemption of(String tagKey, String value, Instant now) {
        String text = value == null ? "" : value.strip();
        if ("false".equals(text.toLowerCase(Locale.ROOT))) {
            return new None();
        }
        Matcher until = UNTIL.matcher(text);
        if (!until.find()) {
            return new Exempt("Exempt: tagged " + tagKey + shown(value));
        }
        Optional<LocalDate> expiry = date(until.group(1));
        if (expiry.isEmpty()) {
            return new Lapsed("exemption tag " + tagKey + " has an unreadable expiry "
                    + InvalidSettingException.echo(text.substring(until.start()))
                    + " (write until YYYY-MM-DD): not exempt");
        }
        Instant lapses = expiry.get().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        if (now.isBefore(lapses)) {
            return new Exempt("Exempt: tagged " + tagKey + " until " + expiry.get() + shown(value));
        }
        return new Lapsed("exemption tag " + tagKey + " lapsed after " + expiry.get());
    }

    /**
     * The tag's value (the ticket, the reason) as the annotation shows it: anyone who may tag the user wrote it, so
     * it is quoted, escaped and cut as {@link InvalidSettingException#echo} does.
     */
    private static String shown(String value) {
        return value == null || value.isEmpty()
                ? " (empty value)"
                : " (value " + InvalidSettingException.echo(value) + ")";
    }

    private static Optional<LocalDate> date(String token) {
        // Trailing punctuation ("until 2027-01-31,") is not part of the date.
        String candidate = token.replaceAll("[.,;:]+$", "");
        if (!ISO_DATE.matcher(candidate).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(candidate));
        } catch (DateTimeParseException invalid) {
            return Optional.empty();
        }
    }
}
