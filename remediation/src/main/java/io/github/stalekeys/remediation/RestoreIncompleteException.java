package io.github.stalekeys.remediation;

import java.util.Objects;

/**
 * Some keys could not be restored; the others were. The message names each key and why; the result says what was
 * restored, so those keys are still announced.
 */
final class RestoreIncompleteException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient RestoreResult partial;

    RestoreIncompleteException(RestoreResult partial, Throwable cause) {
        super(Objects.requireNonNull(partial, "partial").message(), cause);
        this.partial = partial;
    }

    /** What the backout did before it stopped. */
    RestoreResult partial() {
        return partial;
    }
}
