package io.github.stalekeys.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sts.StsClient;

/** Starts its own emulator (not the shared one) to check start-up and shutdown. */
@Tag("emulator")
class AwsEmulatorLifecycleTest {

    private static int health(URI endpoint) throws IOException, InterruptedException {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        return http.send(
                        HttpRequest.newBuilder(endpoint.resolve("/_emulator/health"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void startsServesAndStopsItsProcess() throws Exception {
        URI endpoint;
        List<ProcessHandle> before = emulatorProcesses();
        try (AwsEmulator emulator = AwsEmulator.start()) {
            endpoint = emulator.endpoint();
            assertEquals("127.0.0.1", endpoint.getHost());
            assertEquals("us-east-1", emulator.region());
            assertEquals(200, health(endpoint));
            try (StsClient sts = emulator.stsClient()) {
                assertEquals("123456789012", sts.getCallerIdentity().account());
            }
            assertTrue(emulatorProcesses().size() > before.size());
        }
        assertThrows(IOException.class, () -> health(endpoint));
        assertEquals(before.size(), emulatorProcesses().size());
    }

    private static List<ProcessHandle> emulatorProcesses() {
        long self = ProcessHandle.current().pid();
        return ProcessHandle.current()
                .descendants()
                .filter(p -> p.pid() != self)
                .filter(p -> p.info().commandLine().orElse("").contains("aws_emulator"))
                .filter(ProcessHandle::isAlive)
                .toList();
    }

    @Test
    void failsWithTheInterpretersStderrWhenItCannotStart(@TempDir Path dir) throws IOException {
        Path fakePython = dir.resolve("python-without-moto");
        Files.writeString(fakePython, "#!/bin/sh\necho \"ModuleNotFoundError: No module named 'moto'\" >&2\nexit 1\n");
        assertTrue(fakePython.toFile().setExecutable(true));

        IllegalStateException error =
                assertThrows(IllegalStateException.class, () -> AwsEmulator.start(fakePython.toString()));
        assertTrue(error.getMessage().contains("No module named 'moto'"), error.getMessage());
        assertTrue(error.getMessage().contains("with code 1"), error.getMessage());
    }

    @Test
    void refusesAMotoVersionItWasNotWrittenAgainst(@TempDir Path dir) throws IOException {
        Path fakeMoto = Files.createDirectories(dir.resolve("site").resolve("moto"));
        Files.writeString(fakeMoto.resolve("__init__.py"), "__version__ = '5.0.0'\n");
        Path python = dir.resolve("python-with-other-moto");
        Files.writeString(python, "#!/bin/sh\nPYTHONPATH='" + dir.resolve("site") + "' exec python3 \"$@\"\n");
        assertTrue(python.toFile().setExecutable(true));

        IllegalStateException error =
                assertThrows(IllegalStateException.class, () -> AwsEmulator.start(python.toString()));
        assertTrue(error.getMessage().contains("written against moto 5.2.1 and found moto 5.0.0"), error.getMessage());
        assertTrue(error.getMessage().contains("moto[server]==5.2.1"), error.getMessage());
    }

    @Test
    void theScriptsInstallTheMotoVersionTheEmulatorWasWrittenAgainst() throws IOException {
        String emulator = new String(
                AwsEmulator.class.getResourceAsStream("aws_emulator.py").readAllBytes(), StandardCharsets.UTF_8);
        // Surefire runs in the module's directory, tools/aws-emulator.
        String scripts = Files.readString(Path.of(System.getProperty("basedir", "."), "../../scripts/lib/moto.sh"));
        Matcher pinned = Pattern.compile("(?m)^MOTO_VERSION = \"([^\"]+)\"").matcher(emulator);
        assertTrue(pinned.find(), "aws_emulator.py names MOTO_VERSION");
        assertTrue(scripts.contains("MOTO_VERSION=" + pinned.group(1) + "\n"), "scripts/lib pins " + pinned.group(1));
    }
}
