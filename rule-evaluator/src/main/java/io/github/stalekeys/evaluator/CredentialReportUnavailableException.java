package io.github.stalekeys.evaluator;

/** The credential report could not be had in time; the periodic run stops before posting anything. */
public final class CredentialReportUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    CredentialReportUnavailableException(String message) {
        super(message);
    }
}
