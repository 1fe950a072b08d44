package io.github.stalekeys.emulator;

/** What the emulator can do to an AWS call instead of (or besides) answering it normally. */
public enum Fault {
    /** IAM/STS: HTTP 400 query-XML error {@code Throttling}; Config: HTTP 400 JSON {@code ThrottlingException}. */
    THROTTLE("throttle"),
    /** HTTP 500 {@code InternalFailure}, in the service's protocol. */
    HTTP_500("http500"),
    /** HTTP 503 {@code ServiceUnavailable}, in the service's protocol. */
    HTTP_503("http503"),
    /** The connection is dropped before the call reaches the service: it has no effect. */
    RESET("reset"),
    /** The call takes effect, then the connection is dropped: the answer is lost. */
    RESET_AFTER("reset_after"),
    /** The answer comes late (the plan's delay), otherwise normal. */
    DELAY("delay");

    private final String wireName;

    Fault(String wireName) {
        this.wireName = wireName;
    }

    /** The name {@code aws_emulator.py} uses. */
    public String wireName() {
        return wireName;
    }

    static Fault ofWireName(String name) {
        for (Fault fault : values()) {
            if (fault.wireName.equals(name)) {
                return fault;
            }
        }
        throw new IllegalArgumentException("unknown fault " + name);
    }
}
