package io.github.stalekeys.policy;

/** AWS Config annotations are 1..256 characters; longer text is cut at a word boundary with an ellipsis. */
public final class Annotation {

    public static final int MAX_LENGTH = 256;
    private static final String ELLIPSIS = "...";

    private Annotation() {}

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
