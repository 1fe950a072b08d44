package io.github.stalekeys.localruntime.crac;

/** A checkpoint hook, as {@code jdk.crac.Resource} defines it. */
public interface Resource {

    void beforeCheckpoint(Context<? extends Resource> context) throws Exception;

    void afterRestore(Context<? extends Resource> context) throws Exception;
}
