package io.github.stalekeys.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * AWS Config annotations are 1..256 characters. An annotation is built from parts: the essential ones (why the
 * verdict) are always kept, and optional details are dropped, kind by kind in {@link Detail}'s order, until the
 * whole fits; what still does not fit is cut at a word boundary with an ellipsis.
 */
public final class Annotation {

    public static final int MAX_LENGTH = 256;
    private static final String ELLIPSIS = "...";

    /**
     * The optional details, in the order they are dropped when the annotation would not fit: the first constant
     * goes first. A new kind of detail takes its place here by how much it matters (least first).
     */
    public enum Detail {
        /** Where IAM saw a key last used (service and region). */
        LAST_USE_SITE,
        /** The exemption tag to add instead of acting on the key. */
        EXEMPTION_HINT,
        /** What to do about the key (rotate or delete it). */
        ACTION
    }

    /**
     * One piece of an annotation, written with its own leading separator (so it can go without leaving one
     * behind).
     *
     * @param text   the text, as it is joined
     * @param detail empty for an essential part; otherwise the kind of optional detail it is
     */
    public record Part(String text, Optional<Detail> detail) {

        public Part {
            Objects.requireNonNull(text, "text");
            Objects.requireNonNull(detail, "detail");
        }

        public static Part essential(String text) {
            return new Part(text, Optional.empty());
        }

        public static Part optional(Detail detail, String text) {
            return new Part(text, Optional.of(detail));
        }
    }

    private Annotation() {}

    /**
     * The parts joined in their order, without the optional details that do not fit: each kind of {@link Detail}
     * is dropped whole, in the enum's order, until the text fits {@value #MAX_LENGTH} characters; then {@link
     * #fit(String)}.
     */
    public static String compose(List<Part> parts) {
        List<Part> kept = new ArrayList<>(parts);
        for (Detail drop : Detail.values()) {
            if (joined(kept).strip().length() <= MAX_LENGTH) {
                break;
            }
            kept.removeIf(part -> part.detail().equals(Optional.of(drop)));
        }
        return fit(joined(kept));
    }

    private static String joined(List<Part> parts) {
        return parts.stream().map(Part::text).collect(Collectors.joining());
    }

    /**
     * Returns {@code text} if it fits, or its longest prefix that ends on a word boundary followed by
     * {@value #ELLIPSIS}, so a key id is never shown half.
     */
    public static String fit(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("annotation must not be blank");
        }
        String trimmed = text.strip();
        if (trimmed.length() <= MAX_LENGTH) {
            return trimmed;
        }
        int limit = MAX_LENGTH - ELLIPSIS.length();
        int cut = trimmed.lastIndexOf(' ', limit);
        String head = cut > 0 ? trimmed.substring(0, cut) : trimmed.substring(0, limit);
        return head.replaceAll("[;,:\\s]+$", "") + ELLIPSIS;
    }
}
