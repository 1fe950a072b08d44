package io.github.stalekeys.localrun;

/** A command line that cannot run: the message names the option and what to give instead (exit status 2). */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
