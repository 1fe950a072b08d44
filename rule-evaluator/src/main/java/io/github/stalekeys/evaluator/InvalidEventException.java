package io.github.stalekeys.evaluator;

/** The Config event cannot be evaluated as given; the message names the offending field. */
final class InvalidEventException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    InvalidEventException(String message) {
        super(message);
    }
}
