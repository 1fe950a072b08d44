package io.github.stalekeys.events;

/** Some key events could not be put on the event bus. */
public final class EventsNotPublishedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public EventsNotPublishedException(String message) {
        super(message);
    }
}
