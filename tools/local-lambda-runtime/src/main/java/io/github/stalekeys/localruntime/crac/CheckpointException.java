package io.github.stalekeys.localruntime.crac;

/** A hook failed before the (simulated) checkpoint. */
public class CheckpointException extends Exception {

    private static final long serialVersionUID = 1L;

    public CheckpointException(Throwable cause) {
        super(cause);
    }
}
