package io.github.stalekeys.localruntime.crac;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The stand-in behaves like the CRaC runtime SnapStart uses: hooks run in CRaC's order, and a hook nothing but
 * the context references is lost, because the runtime holds registered resources weakly (CRaC's maintainers,
 * https://github.com/CRaC/org.crac/issues/2: "before checkpoint CRaC maintains only weak references to the
 * resources"). A function that forgets to keep its hook then loses its priming here too, not only on Lambda.
 */
class CheckpointHooksTest {

    private static final List<String> CALLS = new ArrayList<>();

    private record Recorder(String name) implements Resource {
        @Override
        public void beforeCheckpoint(Context<? extends Resource> context) {
            CALLS.add("before " + name);
        }

        @Override
        public void afterRestore(Context<? extends Resource> context) {
            CALLS.add("after " + name);
        }
    }

    @Test
    void hooksHeldByTheFunctionRunInCracOrder() throws Exception {
        CALLS.clear();
        Recorder first = new Recorder("first");
        Recorder second = new Recorder("second");
        Core.getGlobalContext().register(first);
        Core.getGlobalContext().register(second);

        Core.checkpointRestore();

        assertEquals(List.of("before second", "before first", "after first", "after second"), CALLS);
        // Kept reachable until the checkpoint has run, as a function keeps its hooks in a field.
        assertEquals("first second", first.name() + " " + second.name());
    }

    @Test
    void aHookOnlyTheContextReferencesIsLostAsOnLambda() throws Exception {
        CALLS.clear();
        Core.getGlobalContext().register(new Recorder("forgotten"));

        Core.checkpointRestore();

        assertEquals(List.of(), CALLS);
    }
}
