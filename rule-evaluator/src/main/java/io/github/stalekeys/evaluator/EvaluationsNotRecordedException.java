package io.github.stalekeys.evaluator;

/** AWS Config kept refusing some evaluations; the message names the resources not recorded. */
final class EvaluationsNotRecordedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    EvaluationsNotRecordedException(String message) {
        super(message);
    }
}
