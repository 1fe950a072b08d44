package io.github.stalekeys.localrun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** `scripts/run organization`: the command is listed and takes no arguments (the run itself: OrganizationDemoTest). */
class OrganizationCommandTest {

    @Test
    void theUsageListsItAndAnExtraArgumentIsRefused() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

        int status = LocalRun.run(new String[] {"organization", "--accounts", "5"}, out, out);

        assertEquals(2, status);
        String text = printed.toString(StandardCharsets.UTF_8);
        assertEquals(
                "scripts/run: unexpected argument '--accounts' (scripts/run --help lists the options)\n",
                text,
                "one line, not the whole usage");
        assertTrue(LocalRun.USAGE.contains("scripts/run organization"), LocalRun.USAGE);
    }
}
