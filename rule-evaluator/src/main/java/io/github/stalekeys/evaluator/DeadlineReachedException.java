package io.github.stalekeys.evaluator;

/** The invocation stopped itself before Lambda's deadline rather than be killed half-way. */
final class DeadlineReachedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    DeadlineReachedException(String message) {
        super(message);
    }
}
