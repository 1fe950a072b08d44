package io.github.stalekeys.remediation;

/**
 * The keys were disabled but the user is at IAM's quota of tags, so the audit record could not be attached.
 * The message carries the sealed record (our own text, never input) so that an operator can attach it once a
 * tag is freed; the backout then accepts it as the remediation's own.
 */
final class AuditRecordNotStoredException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String tagKey;
    private final String tagValue;

    AuditRecordNotStoredException(String message, String tagKey, String tagValue, Throwable cause) {
        super(message, cause);
        this.tagKey = tagKey;
        this.tagValue = tagValue;
    }

    String tagKey() {
        return tagKey;
    }

    String tagValue() {
        return tagValue;
    }
}
