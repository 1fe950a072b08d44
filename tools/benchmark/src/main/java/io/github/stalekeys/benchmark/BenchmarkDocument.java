package io.github.stalekeys.benchmark;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What the benchmark prints, kept to be written into BENCHMARKS.md between two markers: the document's tables are
 * the program's output, never typed by hand. The text outside the markers (how to reproduce, what is measured) is
 * left as it is.
 */
final class BenchmarkDocument {

    static final String BEGIN =
            "<!-- Written by scripts/benchmark from here to the end marker: do not edit by hand. -->";
    static final String END = "<!-- End of what scripts/benchmark writes. -->";

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out;

    /** Prints to {@code console} and keeps a copy. */
    BenchmarkDocument(PrintStream console) {
        OutputStream both = new OutputStream() {
            @Override
            public void write(int b) {
                console.write(b);
                printed.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                console.write(bytes, offset, length);
                printed.write(bytes, offset, length);
            }

            @Override
            public void flush() {
                console.flush();
            }
        };
        this.out = new PrintStream(both, true, StandardCharsets.UTF_8);
    }

    PrintStream out() {
        return out;
    }

    /** The run's circumstances: times are comparable only within a run, and only under a similar load. */
    void printHeader(List<String> arguments) {
        out.println("## This run");
        out.println();
        out.printf(
                Locale.ROOT,
                "- Started %s, `scripts/benchmark%s`.%n",
                java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                arguments.isEmpty() ? "" : " " + String.join(" ", arguments));
        out.printf(
                Locale.ROOT,
                "- JDK %s (%s); %d CPUs%s; %s.%n",
                System.getProperty("java.version"),
                System.getProperty("java.vendor"),
                Runtime.getRuntime().availableProcessors(),
                cpuModel().map(model -> " (" + model + ")").orElse(""),
                System.getProperty("os.name") + " " + System.getProperty("os.version"));
        out.printf(Locale.ROOT, "- Load average at the start (1, 5, 15 minutes): %s.%n", loadAverage());
    }

    void printFooter() {
        out.println();
        out.printf(Locale.ROOT, "Load average at the end (1, 5, 15 minutes): %s.%n", loadAverage());
    }

    /** Replaces what lies between the markers of {@code document} (or appends both) with what was printed. */
    void writeInto(Path document) {
        try {
            String text = Files.exists(document) ? Files.readString(document) : "";
            String generated =
                    BEGIN + "\n\n" + printed.toString(StandardCharsets.UTF_8).strip() + "\n\n" + END;
            int begin = text.indexOf(BEGIN);
            int end = text.indexOf(END);
            String updated = begin >= 0 && end > begin
                    ? text.substring(0, begin) + generated + text.substring(end + END.length())
                    : text + (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + "\n" + generated + "\n";
            Files.writeString(document, updated);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + document, e);
        }
    }

    /** The generated part of a document, or empty when it has none. */
    static Optional<String> generatedPart(String document) {
        int begin = document.indexOf(BEGIN);
        int end = document.indexOf(END);
        return begin >= 0 && end > begin
                ? Optional.of(document.substring(begin + BEGIN.length(), end))
                : Optional.empty();
    }

    static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).strip().split("\\s+");
            return fields[0] + ", " + fields[1] + ", " + fields[2];
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "not available (no /proc/loadavg)";
        }
    }

    private static Optional<String> cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
