package io.github.stalekeys.policy;

/**
 * The status IAM reports for an access key. Newer API models add {@code Expired}; any value this code
 * does not know is kept as {@link #UNRECOGNIZED} so that it is never mistaken for an active key.
 */
public enum KeyStatus {
    ACTIVE,
    INACTIVE,
    EXPIRED,
    UNRECOGNIZED;

    /** Maps IAM's wire value ({@code Active}, {@code Inactive}, {@code Expired}) to a status. */
    public static KeyStatus fromIam(String value) {
        if (value == null) {
            return UNRECOGNIZED;
        }
        return switch (value) {
            case "Active" -> ACTIVE;
            case "Inactive" -> INACTIVE;
            case "Expired" -> EXPIRED;
            default -> UNRECOGNIZED;
        };
    }
}
