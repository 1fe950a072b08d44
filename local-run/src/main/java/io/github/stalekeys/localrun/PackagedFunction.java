package io.github.stalekeys.localrun;

import io.github.stalekeys.rehearsal.LambdaFunction;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A function's deployment package (the {@code .zip} {@code template.yaml} deploys), run the way Lambda runs
 * it: unpacked once like {@code /var/task}, each invocation in a fresh JVM with classes at the root and
 * {@code lib/*} on the class path, configuration in environment variables, and the Java runtimes' default
 * {@code JAVA_TOOL_OPTIONS}. What the function logs is kept apart from its response.
 */
final class PackagedFunction implements LambdaFunction {

    /** What Lambda's Java runtimes set by default: quick start over peak throughput. */
    static final String LAMBDA_JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

    /** One invocation: the response, the error kind if it failed, its logs, and how long it took. */
    record Invocation(String payload, String functionError, String logs, Duration took) {
        boolean failed() {
            return functionError != null;
        }
    }

    private final Path taskRoot;
    private final String handler;
    private final Path runtimeJar;
    private final Map<String, String> environment;
    private final Duration timeout;

    private PackagedFunction(Path taskRoot, String handler, Path runtimeJar, Map<String, String> environment,
                             Duration timeout) {
        this.taskRoot = taskRoot;
        this.handler = handler;
        this.runtimeJar = runtimeJar;
        this.environment = environment;
        this.timeout = timeout;
    }

    /** Unpacks {@code zip} into a scratch directory and prepares to invoke {@code handler} from it. */
    static PackagedFunction unpack(Path zip, String handler, Path runtimeJar, Map<String, String> environment,
                                   Duration timeout) {
        for (Path required : List.of(zip, runtimeJar)) {
            if (!Files.isRegularFile(required)) {
                throw new IllegalStateException(required + " is missing: build first with `mvn -B package -DskipTests`");
            }
        }
        try {
            Path root = Files.createTempDirectory("lambda-task-");
            try (ZipInputStream entries = new ZipInputStream(Files.newInputStream(zip))) {
                for (ZipEntry entry; (entry = entries.getNextEntry()) != null; ) {
                    Path target = root.resolve(entry.getName()).normalize();
                    if (!target.startsWith(root)) {
                        throw new IllegalStateException(zip + " has an entry outside its root: " + entry.getName());
                    }
                    if (entry.isDirectory()) {
                        Files.createDirectories(target);
                    } else {
                        Files.createDirectories(target.getParent());
                        Files.copy(entries, target);
                    }
                }
            }
            return new PackagedFunction(root, handler, runtimeJar, Map.copyOf(environment), timeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + zip, e);
        }
    }

    @Override
    public Response invoke(String payload) {
        Invocation invocation = run(payload);
        return new Response(invocation.payload(), invocation.functionError());
    }

    /** Runs one invocation in a fresh JVM. */
    Invocation run(String event) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = taskRoot + ":" + taskRoot.resolve("lib") + "/*:" + runtimeJar;
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", classPath,
                "io.github.stalekeys.localruntime.LocalLambdaRuntime", handler, String.valueOf(timeout.toSeconds()));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_") || name.equals("JAVA_TOOL_OPTIONS"));
        env.put("JAVA_TOOL_OPTIONS", LAMBDA_JAVA_TOOL_OPTIONS);
        env.putAll(environment);
        long start = System.nanoTime();
        try {
            Process process = builder.start();
            process.getOutputStream().write(event.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            StreamCollector logs = StreamCollector.start(process.getErrorStream());
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toSeconds() + 30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Invocation("{\"errorMessage\":\"Task timed out\"}", "Unhandled", logs.text(),
                        Duration.ofNanos(System.nanoTime() - start));
            }
            return new Invocation(out, process.exitValue() == 0 ? null : "Unhandled", logs.text(),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for " + handler, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + handler + " ran", e);
        }
    }

    /** Reads a process stream on its own thread, so a chatty function cannot block on a full pipe. */
    private static final class StreamCollector {
        private final Thread reader;
        private final StringBuilder text = new StringBuilder();

        private StreamCollector(InputStream stream) {
            this.reader = Thread.ofVirtual().start(() -> {
                try {
                    String all = new String(stream.readAllBytes(), StandardCharsets.UTF_8);
                    synchronized (text) {
                        text.append(all);
                    }
                } catch (IOException ignored) {
                    // the process is gone; what was read is what there is
                }
            });
        }

        static StreamCollector start(InputStream stream) {
            return new StreamCollector(stream);
        }

        String text() {
            try {
                reader.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (text) {
                return text.toString();
            }
        }
    }

    static Map<String, String> emulatorEnvironment(java.net.URI endpoint, String region, String accessKeyId,
                                                   String secretAccessKey) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", region);
        env.put("AWS_ENDPOINT_URL", endpoint.toString());
        env.put("AWS_ACCESS_KEY_ID", accessKeyId);
        env.put("AWS_SECRET_ACCESS_KEY", secretAccessKey);
        return env;
    }
}
