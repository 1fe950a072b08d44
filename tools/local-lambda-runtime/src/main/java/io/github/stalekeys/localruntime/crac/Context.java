package io.github.stalekeys.localruntime.crac;

/** Hooks in registration order, as {@code jdk.crac.Context} defines it. */
public abstract class Context<R extends Resource> implements Resource {

    protected Context() {}

    public abstract void register(R resource);
}
