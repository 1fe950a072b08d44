package io.github.stalekeys.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.localruntime.LambdaPackage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The AWS call counts BENCHMARKS.md states are the ones the benchmark's seeded runs make. Call counts do not
 * depend on the machine or its load (times do, and are not checked): the runs here are the benchmark's own
 * ({@link Benchmark#accountRows}), with the packaged functions in fresh JVMs, at each size the document has a
 * table for. Every row of those tables is checked, but the per-user strategy above 100 users (thousands of calls,
 * a minute and more on a shared machine): its count is one {@code ListAccessKeys} per user and one
 * {@code GetAccessKeyLastUsed} per key, which the 100-user rows check.
 */
@Tag("emulator")
class BenchmarksDocumentTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final Pattern SIZE_HEADING = Pattern.compile("^## ([0-9,]+) users$");
    private static final int PER_USER_UP_TO = 100;

    /** A table row: label, total calls, calls by operation. */
    record Stated(long total, String byOperation) {}

    static Map<Integer, Map<String, Stated>> statedCounts(String generated) {
        Map<Integer, Map<String, Stated>> bySize = new TreeMap<>();
        Map<String, Stated> current = null;
        for (String line : generated.split("\n")) {
            Matcher heading = SIZE_HEADING.matcher(line.strip());
            if (heading.matches()) {
                current = new LinkedHashMap<>();
                bySize.put(Integer.parseInt(heading.group(1).replace(",", "")), current);
            } else if (line.startsWith("## ")) {
                current = null;
            } else if (current != null && line.startsWith("| ") && !line.startsWith("| Run ")) {
                String[] cells = line.split(" \\| ");
                current.put(
                        cells[0].substring(2).strip(),
                        new Stated(Long.parseLong(cells[1].replace(",", "").strip()), cells[6].strip()));
            }
        }
        return bySize;
    }

    @Test
    void theCallCountsBenchmarksMdStatesAreWhatTheSeededRunsMake() throws IOException {
        String document = Files.readString(ROOT.resolve("BENCHMARKS.md"));
        String generated = BenchmarkDocument.generatedPart(document)
                .orElseThrow(() -> new AssertionError("BENCHMARKS.md has no part written by scripts/benchmark"));
        Map<Integer, Map<String, Stated>> stated = statedCounts(generated);
        assertFalse(stated.isEmpty(), "BENCHMARKS.md states no call counts by account size");

        Path runtimeJar = ROOT.resolve("tools/local-lambda-runtime/target/local-lambda-runtime.jar");
        LambdaPackage evaluator = LambdaPackage.unpack(
                ROOT.resolve("rule-evaluator/target/rule-evaluator-lambda.zip"),
                Benchmark.EVALUATOR_HANDLER,
                runtimeJar,
                Benchmark.EVALUATOR_MEMORY_MB,
                Benchmark.EVALUATOR_TIMEOUT_S);
        LambdaPackage remediation = LambdaPackage.unpack(
                ROOT.resolve("remediation/target/remediation-lambda.zip"),
                Benchmark.REMEDIATION_HANDLER,
                runtimeJar,
                Benchmark.REMEDIATION_MEMORY_MB,
                Benchmark.REMEDIATION_TIMEOUT_S);
        try (AwsEmulator emulator = AwsEmulator.start()) {
            Benchmark benchmark =
                    new Benchmark(emulator, evaluator, remediation, new PrintStream(OutputStream.nullOutputStream()));
            stated.forEach((users, rows) -> {
                Benchmark.AccountRows measured = benchmark.accountRows(users, users <= PER_USER_UP_TO);
                Map<String, Stated> made = new LinkedHashMap<>();
                measured.rows()
                        .forEach(row ->
                                made.put(row.label(), new Stated(row.total(), Benchmark.byOperation(row.calls()))));
                for (Map.Entry<String, Stated> row : rows.entrySet()) {
                    if (users > PER_USER_UP_TO && row.getKey().startsWith("per-user strategy")) {
                        continue;
                    }
                    assertTrue(
                            made.containsKey(row.getKey()),
                            users + " users: the document's row '" + row.getKey() + "' is no run the benchmark makes: "
                                    + made.keySet());
                    assertEquals(row.getValue(), made.get(row.getKey()), users + " users, " + row.getKey());
                }
                assertEquals(
                        made.keySet().stream().toList(),
                        rows.keySet().stream()
                                .filter(label -> users <= PER_USER_UP_TO || !label.startsWith("per-user strategy"))
                                .toList(),
                        users + " users: every run the benchmark makes has its row");
            });
        } finally {
            evaluator.delete();
            remediation.delete();
        }
    }
}
