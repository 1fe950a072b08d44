package io.github.stalekeys.localrun;

/** A preview that could not finish (credentials, AWS's answer, the output file): one line naming the fix. */
final class PreviewFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PreviewFailedException(String message) {
        super(message);
    }

    /** The first line of an SDK or AWS message, short enough for one line of a terminal. */
    static String brief(String message) {
        if (message == null || message.isBlank()) {
            return "no message";
        }
        String line = message.strip().lines().findFirst().orElse("");
        return line.length() <= 160 ? line : line.substring(0, 157) + "...";
    }
}
