package io.github.stalekeys.localruntime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * A function's deployment package (the {@code .zip} {@code template.yaml} deploys), run the way Lambda runs
 * it: unpacked once like {@code /var/task}, each invocation in a fresh JVM through {@link LocalLambdaRuntime}
 * with classes at the root and {@code lib/*} on the class path, configuration in environment variables, the
 * Java runtimes' default {@code JAVA_TOOL_OPTIONS} and a heap sized for the function's memory. Each run is
 * measured from the outside: wall time of the JVM process and its peak resident set size. What the function
 * logs is kept apart from its response.
 */
public final class LambdaPackage {

    /** What Lambda's Java runtimes put in JAVA_TOOL_OPTIONS by default. */
    public static final String LAMBDA_JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

    /** One invocation, measured; {@code failed} as Lambda's {@code FunctionError} would say. */
    public record Run(String response, boolean failed, String logs, Duration wall, long peakRssKb) {

        private static final Pattern REPORTED =
                Pattern.compile("REPORT .*\\bDuration: (\\d+) ms\\s*$", Pattern.MULTILINE);

        /** The invocation's own time, from the runtime's REPORT line (without JVM start, init or snapshot). */
        public Duration invocationDuration() {
            Matcher matcher = REPORTED.matcher(logs);
            if (!matcher.find()) {
                throw new IllegalStateException("no REPORT line in the function's logs");
            }
            return Duration.ofMillis(Long.parseLong(matcher.group(1)));
        }
    }

    private final Path root;
    private final String handler;
    private final Path runtimeJar;
    private final int memoryMb;
    private final int timeoutSeconds;
    private boolean rootOnClassPath = true;

    private LambdaPackage(Path root, String handler, Path runtimeJar, int memoryMb, int timeoutSeconds) {
        this.root = root;
        this.handler = handler;
        this.runtimeJar = runtimeJar;
        this.memoryMb = memoryMb;
        this.timeoutSeconds = timeoutSeconds;
    }

    public static LambdaPackage unpack(Path zip, String handler, Path runtimeJar, int memoryMb, int timeoutSeconds) {
        for (Path required : List.of(zip, runtimeJar)) {
            if (!Files.isRegularFile(required)) {
                throw new IllegalStateException(
                        required + " is missing: build first with `mvn -B package -DskipTests`");
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
            return new LambdaPackage(root, handler, runtimeJar, memoryMb, timeoutSeconds);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + zip, e);
        }
    }

    /**
     * Runs one invocation in a fresh JVM. The heap is sized as Lambda's Java bootstrap sizes it for the
     * function's memory (85 % of it, serial GC); {@code extraToolOptions} are appended to Lambda's default
     * JAVA_TOOL_OPTIONS (the variable Lambda honours for user options).
     */
    public Run invoke(String event, Map<String, String> environment, String extraToolOptions) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = (rootOnClassPath ? root + ":" : "") + root.resolve("lib") + "/*:" + runtimeJar;
        Path rssFile;
        try {
            rssFile = Files.createTempFile("benchmark-rss-", ".txt");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>();
        boolean timeTool = Files.isExecutable(Path.of("/usr/bin/time"));
        if (timeTool) {
            command.addAll(List.of("/usr/bin/time", "-f", "%M", "-o", rssFile.toString()));
        }
        command.addAll(List.of(
                java,
                "-XX:MaxHeapSize=" + (memoryMb * 1024L * 85 / 100) + "k",
                "-XX:+UseSerialGC",
                "-cp",
                classPath,
                LocalLambdaRuntime.class.getName(),
                handler,
                String.valueOf(timeoutSeconds)));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("AWS_") || name.equals("JAVA_TOOL_OPTIONS"));
        env.put("JAVA_TOOL_OPTIONS", (LAMBDA_JAVA_TOOL_OPTIONS + " " + extraToolOptions).strip());
        env.putAll(environment);
        long start = System.nanoTime();
        try {
            Process process = builder.start();
            RssPoller poller = timeTool ? null : RssPoller.start(process.pid());
            process.getOutputStream().write(event.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            Thread.Builder.OfVirtual threads = Thread.ofVirtual();
            StringBuilder logs = new StringBuilder();
            Thread logReader = threads.start(() -> {
                try {
                    logs.append(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // the process is gone
                }
            });
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeoutSeconds + 60L, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(handler + " did not finish within its timeout");
            }
            Duration wall = Duration.ofNanos(System.nanoTime() - start);
            logReader.join(Duration.ofSeconds(5));
            long rss = timeTool ? readRss(rssFile) : poller.stop();
            return new Run(out, process.exitValue() != 0, logs.toString(), wall, rss);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a JVM for " + handler, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + handler + " ran", e);
        } finally {
            try {
                Files.deleteIfExists(rssFile);
            } catch (IOException ignored) {
                // harmless
            }
        }
    }

    private static long readRss(Path file) throws IOException {
        // /usr/bin/time writes "Command exited with non-zero status N" first when the command fails.
        List<String> lines = Files.readAllLines(file);
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i).strip();
            if (line.matches("[0-9]+")) {
                return Long.parseLong(line);
            }
        }
        return -1;
    }

    /** Without /usr/bin/time: polls VmHWM (the kernel's peak RSS) of the JVM every 10 ms. */
    private static final class RssPoller {
        private final Thread thread;
        private volatile long peakKb = -1;
        private volatile boolean stopped;

        private RssPoller(long pid) {
            Path status = Path.of("/proc", Long.toString(pid), "status");
            this.thread = Thread.ofPlatform().daemon().start(() -> {
                while (!stopped) {
                    try {
                        for (String line : Files.readAllLines(status)) {
                            if (line.startsWith("VmHWM:")) {
                                long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                                peakKb = Math.max(peakKb, kb);
                            }
                        }
                        Thread.sleep(10);
                    } catch (IOException | RuntimeException gone) {
                        return;
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        static RssPoller start(long pid) {
            return new RssPoller(pid);
        }

        long stop() throws InterruptedException {
            stopped = true;
            thread.join(1000);
            return peakKb;
        }
    }

    /**
     * The same package with the function's own classes moved from the root into {@code lib/function.jar} and
     * the root left off the class path: the layout class-data sharing needs (the JVM refuses to dump an
     * archive when a non-empty directory, such as Lambda's {@code /var/task}, is on the class path).
     */
    public static LambdaPackage unpackJarsOnly(
            Path zip, String handler, Path runtimeJar, int memoryMb, int timeoutSeconds) {
        LambdaPackage function = unpack(zip, handler, runtimeJar, memoryMb, timeoutSeconds);
        Path root = function.root;
        try (var jar = new java.util.zip.ZipOutputStream(Files.newOutputStream(root.resolve("lib/function.jar")));
                var files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = root.relativize(file).toString();
                if (name.startsWith("lib/")) {
                    continue;
                }
                jar.putNextEntry(new ZipEntry(name));
                Files.copy(file, jar);
                jar.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot repack " + zip, e);
        }
        function.rootOnClassPath = false;
        return function;
    }

    public void delete() {
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }
}
