package io.github.stalekeys.remediation;

/** Some keys could not be restored; the others were. The message names each key and why. */
final class RestoreIncompleteException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    RestoreIncompleteException(String message) {
        super(message);
    }
}
