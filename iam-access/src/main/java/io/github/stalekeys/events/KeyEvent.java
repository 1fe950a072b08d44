package io.github.stalekeys.events;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One event about an access key, as it goes on the default event bus: source {@value #SOURCE}, one of the
 * detail types below, and a JSON detail whose {@code message} field is a readable sentence (what the template's
 * notification rule sends by e-mail).
 */
public record KeyEvent(String detailType, ObjectNode detail) {

    /** The source of every event this product publishes; the IAM policies allow only this one. */
    public static final String SOURCE = "io.github.stalekeys";

    public static final String WARNING = "Access Key Warning";
    public static final String DISABLED = "Access Key Disabled";
    public static final String DISABLE_DRY_RUN = "Access Key Disable Dry Run";
    public static final String RESTORED = "Access Key Restored";

    /** The version of the detail's layout; raised when a field changes meaning or goes away. */
    public static final String SCHEMA_VERSION = "1";

    private static final ObjectMapper JSON = new ObjectMapper();

    public KeyEvent {
        Objects.requireNonNull(detailType, "detailType");
        Objects.requireNonNull(detail, "detail");
    }

    /** A detail with the fields every event carries. */
    public static ObjectNode detail(String accessKeyId, String userName) {
        ObjectNode detail = JSON.createObjectNode();
        detail.put("schemaVersion", SCHEMA_VERSION);
        detail.put("userName", userName);
        detail.put("accessKeyId", accessKeyId);
        return detail;
    }

    public String detailJson() {
        return detail.toString();
    }
}
