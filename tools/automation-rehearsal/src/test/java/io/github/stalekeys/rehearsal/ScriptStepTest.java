package io.github.stalekeys.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code aws:executeScript} steps run in a real Python (hence the tag: not part of the pure-Java run): a
 * script that writes a lot to both streams must not hang the rehearsal, and the step's {@code timeoutSeconds}
 * (shared by every Automation action,
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/automation-handling-timeouts.html) must stop a
 * script that runs too long.
 */
@Tag("emulator")
class ScriptStepTest {

    private static final LambdaFunction NO_FUNCTION = payload -> {
        throw new AssertionError("this runbook invokes no function");
    };

    @TempDir
    Path dir;

    private Path runbook(int timeoutSeconds, String... scriptLines) throws IOException {
        StringBuilder script = new StringBuilder();
        for (String line : scriptLines) {
            script.append("        ").append(line).append('\n');
        }
        Path file = dir.resolve("runbook.yaml");
        Files.writeString(file, """
                schemaVersion: '0.3'
                parameters:
                  Size:
                    type: String
                    default: '200000'
                mainSteps:
                  - name: Script
                    action: aws:executeScript
                    onFailure: Abort
                    timeoutSeconds: %d
                    inputs:
                      Runtime: python3.11
                      Handler: handler
                      InputPayload:
                        Size: '{{ Size }}'
                      Script: |-
                %s    outputs:
                      - Name: Length
                        Selector: $.Payload.length
                        Type: Integer
                    isEnd: true
                outputs:
                  - Script.Length
                """.formatted(timeoutSeconds, script));
        return file;
    }

    @Test
    void aScriptWritingMoreThanAPipeHoldsOnBothStreamsCompletes() throws IOException {
        // Far beyond a pipe's buffer (64 KiB on Linux) on stderr first, then on stdout (the result).
        AutomationRehearsal rehearsal = new AutomationRehearsal(
                runbook(
                        30,
                        "import sys",
                        "def handler(event, context):",
                        "    size = int(event['Size'])",
                        "    sys.stderr.write('e' * size)",
                        "    sys.stderr.flush()",
                        "    return {'length': size, 'padding': 'o' * size}"),
                NO_FUNCTION);

        AutomationRehearsal.Execution execution =
                assertTimeoutPreemptively(Duration.ofSeconds(20), () -> rehearsal.start(Map.of()));

        assertTrue(execution.succeeded(), execution.failure());
        assertEquals(200_000, execution.outputs().get("Script.Length").asInt());
    }

    @Test
    void aScriptOverTheStepTimeoutFailsTheStepInTime() throws IOException {
        AutomationRehearsal rehearsal = new AutomationRehearsal(
                runbook(
                        1,
                        "import time",
                        "def handler(event, context):",
                        "    time.sleep(30)",
                        "    return {'length': 0}"),
                NO_FUNCTION);

        AutomationRehearsal.Execution execution =
                assertTimeoutPreemptively(Duration.ofSeconds(15), () -> rehearsal.start(Map.of()));

        assertFalse(execution.succeeded());
        assertEquals("Script", execution.failedStep());
        assertTrue(execution.failure().contains("did not finish in 1 s"), execution.failure());
    }

    @Test
    void aFailingScriptFailsTheStepWithItsLastErrorLine() throws IOException {
        AutomationRehearsal rehearsal = new AutomationRehearsal(
                runbook(
                        30,
                        "def handler(event, context):",
                        "    raise ValueError('Size is not acceptable: ' + event['Size'])"),
                NO_FUNCTION);

        AutomationRehearsal.Execution execution = rehearsal.start(Map.of("Size", "7"));

        assertFalse(execution.succeeded());
        assertEquals("ValueError: Size is not acceptable: 7", execution.failure());
    }

    @Test
    void scriptStepsRefuseToRunInThePureJavaTestRun() throws IOException {
        AutomationRehearsal rehearsal = new AutomationRehearsal(
                runbook(30, "def handler(event, context):", "    return {'length': 1}"), NO_FUNCTION);
        String before = System.getProperty("stalekeys.testRun");
        System.setProperty("stalekeys.testRun", "unit");
        try {
            IllegalStateException refused = assertThrows(IllegalStateException.class, () -> rehearsal.start(Map.of()));
            assertTrue(refused.getMessage().contains("@Tag(\"emulator\")"), refused.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty("stalekeys.testRun");
            } else {
                System.setProperty("stalekeys.testRun", before);
            }
        }
    }
}
