package io.github.stalekeys.findings;

/**
 * Where a key stands in its life as the rule reports it in Security Hub, with the finding's compliance status
 * and severity in that state. {@link #RESOLVED} findings are archived.
 */
public enum KeyState {
    /** Active and not yet stale, but within the warning days of its limit. */
    WARNED("WARNING", "LOW"),
    /** Active and unused beyond its limit. */
    NON_COMPLIANT("FAILED", "MEDIUM"),
    /** Set to Inactive (by a remediation execution, when its sealed record says so). */
    DISABLED("PASSED", "INFORMATIONAL"),
    /** Restored by a backout and spared until its grace ends unless used. */
    RESTORED("WARNING", "LOW"),
    /** Its user is exempt (by the exemption list or tag, possibly until a date). */
    EXEMPT("WARNING", "INFORMATIONAL"),
    /** Used again, deleted, or its user deleted: nothing left to act on; the finding is archived. */
    RESOLVED("PASSED", "INFORMATIONAL");

    private final String complianceStatus;
    private final String severityLabel;

    KeyState(String complianceStatus, String severityLabel) {
        this.complianceStatus = complianceStatus;
        this.severityLabel = severityLabel;
    }

    /** ASFF {@code Compliance.Status}: PASSED, WARNING or FAILED. */
    public String complianceStatus() {
        return complianceStatus;
    }

    /** ASFF {@code Severity.Label}. */
    public String severityLabel() {
        return severityLabel;
    }

    /** ASFF {@code RecordState}. */
    public String recordState() {
        return this == RESOLVED ? "ARCHIVED" : "ACTIVE";
    }
}
