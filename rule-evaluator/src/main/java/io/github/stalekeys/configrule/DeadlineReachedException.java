package io.github.stalekeys.configrule;

/** The invocation stopped itself before Lambda's deadline rather than be killed half-way. */
public final class DeadlineReachedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public DeadlineReachedException(String message) {
        super(message);
    }
}
