package io.github.stalekeys.localruntime.crac;

/** A hook failed after the (simulated) restore. */
public class RestoreException extends Exception {

    private static final long serialVersionUID = 1L;

    public RestoreException(Throwable cause) {
        super(cause);
    }
}
