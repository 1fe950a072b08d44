package io.github.stalekeys.configrule;

/** AWS Config kept refusing some evaluations; the message names the resources not recorded. */
public final class EvaluationsNotRecordedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EvaluationsNotRecordedException(String message) {
        super(message);
    }
}
