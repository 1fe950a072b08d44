package io.github.stalekeys.localruntime.crac;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The global context and {@link #checkpointRestore()}: runs every registered hook's {@code beforeCheckpoint}
 * (last registered first, as CRaC does) and then every {@code afterRestore} (first registered first).
 * No snapshot is taken; the process simply goes on, which is what the function sees after a restore.
 *
 * <p>Like the CRaC runtime, the context holds hooks weakly (https://github.com/CRaC/org.crac/issues/2), and a
 * garbage collection runs before the hooks: on Lambda the snapshot may be taken long after the function's
 * initialisation, so a hook only the context references is lost there, and here too.
 */
public final class Core {

    private static final GlobalContext GLOBAL = new GlobalContext();

    private Core() {}

    public static Context<Resource> getGlobalContext() {
        return GLOBAL;
    }

    public static void checkpointRestore() throws CheckpointException, RestoreException {
        System.gc();
        try {
            GLOBAL.beforeCheckpoint(null);
        } catch (Exception e) {
            throw new CheckpointException(e);
        }
        try {
            GLOBAL.afterRestore(null);
        } catch (Exception e) {
            throw new RestoreException(e);
        }
    }

    private static final class GlobalContext extends Context<Resource> {
        private final List<WeakReference<Resource>> resources = new ArrayList<>();

        @Override
        public synchronized void register(Resource resource) {
            resources.add(new WeakReference<>(Objects.requireNonNull(resource, "resource")));
        }

        @Override
        public synchronized void beforeCheckpoint(Context<? extends Resource> context) throws Exception {
            for (Resource resource : live().reversed()) {
                resource.beforeCheckpoint(this);
            }
        }

        @Override
        public synchronized void afterRestore(Context<? extends Resource> context) throws Exception {
            for (Resource resource : live()) {
                resource.afterRestore(this);
            }
        }

        /** The hooks still reachable from the function, in registration order; the others are forgotten. */
        private List<Resource> live() {
            resources.removeIf(reference -> reference.get() == null);
            return resources.stream()
                    .map(WeakReference::get)
                    .filter(Objects::nonNull)
                    .toList();
        }
    }
}
