package io.github.stalekeys.securityhub;

import java.util.Locale;

/** A Security Hub call that failed for good: its operation, error code and HTTP status. */
public final class SecurityHubException extends RuntimeException {

    private final String operation;
    private final String errorCode;
    private final int status;

    public SecurityHubException(String operation, String errorCode, String message, int status, Throwable cause) {
        super(
                operation + " failed: " + errorCode + (status > 0 ? " (HTTP " + status + ")" : "")
                        + (message == null || message.isBlank() ? "" : ": " + bounded(message)),
                cause);
        this.operation = operation;
        this.errorCode = errorCode;
        this.status = status;
    }

    public String operation() {
        return operation;
    }

    public String errorCode() {
        return errorCode;
    }

    public int status() {
        return status;
    }

    /** Throttled or a server-side failure: worth another attempt. */
    public boolean retryable() {
        return status == 429
                || status >= 500
                || errorCode.equals("ThrottlingException")
                || errorCode.equals("TooManyRequestsException")
                || errorCode.equals("ConnectionFailed");
    }

    /**
     * Security Hub is not enabled in this account (or region): the answer's message says the account "is not
     * subscribed to AWS Security Hub". The code alone does not say it: {@code InvalidAccessException} also answers
     * an account that "is not an administrator for this organization", which is an error to report.
     */
    public boolean notEnabled() {
        return getMessage().toLowerCase(Locale.ROOT).contains("not subscribed");
    }

    private static String bounded(String message) {
        String oneLine = message.replaceAll("\\p{Cntrl}", " ");
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "...";
    }
}
