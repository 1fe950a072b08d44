package io.github.stalekeys.localruntime.crac;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a function sees through {@code org.crac} (as the evaluator's SnapStart priming uses it) when the local
 * runtime selects this stand-in: a hook the function keeps runs, a hook it forgets is lost, as on Lambda.
 */
class OrgCracThroughTheStandInTest {

    private static final List<String> CALLS = new ArrayList<>();

    private record Recorder(String name) implements org.crac.Resource {
        @Override
        public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> context) {
            CALLS.add("before " + name);
        }

        @Override
        public void afterRestore(org.crac.Context<? extends org.crac.Resource> context) {
            CALLS.add("after " + name);
        }
    }

    /** Kept for the whole run, as SnapStartPriming keeps its instance in a static field. */
    private static final Recorder KEPT = new Recorder("kept");

    @BeforeAll
    static void selectTheStandIn() {
        // Read once, when org.crac.Core is first initialised (as LocalLambdaRuntime sets it).
        System.setProperty("org.crac.Core.Compat", "io.github.stalekeys.localruntime.crac");
    }

    @Test
    void aKeptHookRunsAndAForgottenOneIsLost() throws Exception {
        CALLS.clear();
        org.crac.Core.getGlobalContext().register(KEPT);
        org.crac.Core.getGlobalContext().register(new Recorder("forgotten"));

        org.crac.Core.checkpointRestore();

        assertEquals(List.of("before kept", "after kept"), CALLS);
    }
}
