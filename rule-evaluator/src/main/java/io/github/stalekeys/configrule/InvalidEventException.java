package io.github.stalekeys.configrule;

/** The Config event cannot be evaluated as given; the message names the offending field. */
public final class InvalidEventException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public InvalidEventException(String message) {
        super(message);
    }
}
