package io.github.stalekeys.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.stalekeys.aws.AwsClients;
import io.github.stalekeys.configrule.RefreshPeriod;
import io.github.stalekeys.emulator.AwsEmulator;
import io.github.stalekeys.localruntime.LambdaPackage;
import io.github.stalekeys.policy.Exemptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import software.amazon.awssdk.regions.Region;

/**
 * The benchmark: for each account size, the packaged functions run in fresh JVMs against the
 * emulator (AWS calls by operation, wall time, peak RSS), the per-user strategy on the same account, the
 * evaluator's cold start with and without an AppCDS archive, and the size of each deployment package.
 * Prints Markdown tables.
 *
 * <p>Usage (from the repository root, after {@code mvn -B package -DskipTests}):
 * {@code java -jar tools/benchmark/target/benchmark.jar [--sizes 100,1000,5000] [--cold-runs 5]}
 */
public final class Benchmark {

    // By name: the functions are not on this tool's class path (each runs from its own package, in its own JVM).
    static final String EVALUATOR_HANDLER = "io.github.stalekeys.evaluator.AccessKeyComplianceHandler";
    static final String REMEDIATION_HANDLER = "io.github.stalekeys.remediation.AccessKeyRemediationHandler";
    static final String ACCOUNT_ID = "123456789012";
    static final String EXEMPTION_TAG = "KeyRotationExempt";
    static final String PARAMETERS = "{\"maxAccessKeyAgeDays\":\"90\",\"exemptionTagKey\":\"" + EXEMPTION_TAG + "\"}";
    // template.yaml defaults: EvaluatorMemorySize 512, EvaluatorTimeout 300, RemediationMemorySize 512,
    // RemediationTimeout 60.
    static final int EVALUATOR_MEMORY_MB = 512;
    static final int EVALUATOR_TIMEOUT_S = 300;
    static final int REMEDIATION_MEMORY_MB = 512;
    static final int REMEDIATION_TIMEOUT_S = 60;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One measured run: the AWS calls it made, by operation, its wall time and peak RSS (-1: not a JVM), and for a
     * rule run the evaluations posted and the warnings announced (-1: not a rule run).
     */
    record Measure(
            String label,
            Map<String, Long> calls,
            Duration wall,
            long peakRssKb,
            String result,
            int posted,
            int warned) {

        Measure(String label, Map<String, Long> calls, Duration wall, long peakRssKb, String result) {
            this(label, calls, wall, peakRssKb, result, -1, -1);
        }

        long calls(String operation) {
            return calls.getOrDefault(operation, 0L);
        }

        long total() {
            return calls.values().stream().mapToLong(Long::longValue).sum();
        }

        long service(String prefix) {
            return calls.entrySet().stream()
                    .filter(e -> e.getKey().startsWith(prefix))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
        }
    }

    private final AwsEmulator emulator;
    private final LambdaPackage evaluator;
    private final LambdaPackage remediation;
    private final Map<String, String> environment;
    private final PrintStream out;
    /** What was measured, for the targets: the rows of each size, the cost model, the priming medians. */
    private final Map<Integer, AccountRows> measured = new TreeMap<>();

    private Optional<CostModel.Days> largestCost = Optional.empty();
    private final Map<String, long[]> primingMedians = new LinkedHashMap<>();

    static final String USAGE = """
            usage: benchmark [--sizes 100,1000,5000] [--cold-runs 5] [--latency-ms 40] [--markdown FILE]
              --sizes       account sizes to measure (users)
              --cold-runs   runs per cold-start and priming variant
              --latency-ms  the per-call latency of the latency runs
              --markdown    also write the output into FILE between its two markers (scripts/benchmark passes
                            BENCHMARKS.md unless --no-document is given)""";

    Benchmark(AwsEmulator emulator, LambdaPackage evaluator, LambdaPackage remediation, PrintStream out) {
        this.emulator = emulator;
        this.evaluator = evaluator;
        this.remediation = remediation;
        this.out = out;
        this.environment = emulator.functionEnvironment(SeededMix.RULE_NAME);
    }

    public static void main(String[] args) throws IOException {
        List<Integer> sizes = List.of(100, 1_000, 5_000);
        int coldRuns = 5;
        int latencyMs = 40;
        Optional<Path> markdown = Optional.empty();
        List<String> shown = new ArrayList<>(); // the arguments as given, but where the output is written
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--markdown")) {
                i++;
            } else {
                shown.add(args[i]);
            }
        }
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--markdown" -> markdown = Optional.of(Path.of(args[++i]));
                case "--help" -> {
                    System.out.println(USAGE);
                    return;
                }
                case "--latency-ms" -> latencyMs = Integer.parseInt(args[++i]);
                case "--sizes" ->
                    sizes = Arrays.stream(args[++i].split(","))
                            .map(String::strip)
                            .map(Integer::parseInt)
                            .toList();
                case "--cold-runs" -> coldRuns = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println(USAGE);
                    System.exit(2);
                }
            }
        }
        Path root = Path.of("").toAbsolutePath();
        Path runtimeJar = root.resolve("tools/local-lambda-runtime/target/local-lambda-runtime.jar");
        Path evaluatorZip = root.resolve("rule-evaluator/target/rule-evaluator-lambda.zip");
        Path remediationZip = root.resolve("remediation/target/remediation-lambda.zip");
        BenchmarkDocument document = new BenchmarkDocument(new PrintStream(System.out, true, StandardCharsets.UTF_8));
        PrintStream out = document.out();
        document.printHeader(shown);
        Benchmark measuredBy;
        LambdaPackage evaluator = LambdaPackage.unpack(
                evaluatorZip, EVALUATOR_HANDLER, runtimeJar, EVALUATOR_MEMORY_MB, EVALUATOR_TIMEOUT_S);
        LambdaPackage remediation = LambdaPackage.unpack(
                remediationZip, REMEDIATION_HANDLER, runtimeJar, REMEDIATION_MEMORY_MB, REMEDIATION_TIMEOUT_S);
        try (AwsEmulator emulator = AwsEmulator.start()) {
            Benchmark benchmark = new Benchmark(emulator, evaluator, remediation, out);
            measuredBy = benchmark;
            for (int n : sizes) {
                benchmark.account(n);
            }
            benchmark.latency(sizes.stream().mapToInt(Integer::intValue).max().orElseThrow(), latencyMs);
            benchmark.cost(sizes);
            benchmark.coldStart(coldRuns, evaluatorZip, runtimeJar);
        } finally {
            evaluator.delete();
            remediation.delete();
        }
        out.println();
        out.println("## Deployment packages (target: at most 15 MB each)");
        out.println();
        out.println("| Package | Bytes | MB (10^6) | MiB |");
        out.println("|---|---:|---:|---:|");
        for (Path zip : List.of(evaluatorZip, remediationZip)) {
            long bytes = Files.size(zip);
            out.printf(
                    Locale.ROOT,
                    "| `%s` | %,d | %.2f | %.2f |%n",
                    root.relativize(zip),
                    bytes,
                    bytes / 1e6,
                    bytes / 1048576.0);
        }
        Map<String, Long> packages = new LinkedHashMap<>();
        for (Path zip : List.of(evaluatorZip, remediationZip)) {
            packages.put(zip.getFileName().toString(), Files.size(zip));
        }
        AccountRows largest = measuredBy.measured.get(
                sizes.stream().mapToInt(Integer::intValue).max().orElseThrow());
        new Targets(out).print(largest, measuredBy.largestCost, packages, measuredBy.primingMedians);
        document.printFooter();
        markdown.ifPresent(document::writeInto);
    }

    /** Every measurement for one account size, printed as its table. */
    private void account(int n) {
        AccountRows rows = accountRows(n, true);
        out.println();
        out.printf(Locale.ROOT, "## %,d users%n%n", n);
        out.printf(
                Locale.ROOT,
                "Account: %,d users, %,d keys; mixed run: %d stale users (%.1f %%); Config holds a "
                        + "previous result for every user and for %d deleted users.%n%n",
                n,
                rows.mixed().keys,
                rows.mixed().staleUsers,
                100.0 * rows.mixed().staleUsers / n,
                rows.mixed().deletedWithResults);
        printRows(rows.rows());
        out.println();
        ratio("no stale user", rows.row(PER_USER_CLEAN), rows.row(FIRST_RUN));
        ratio("mixed", rows.row(PER_USER_MIXED), rows.row(MIXED_RUN));
        measured.put(n, rows);
    }

    static final String FIRST_RUN = "periodic run, no stale user: first run, every user recorded";
    static final String NEXT_DAY_WARNED = "periodic run the next day, nothing changed but the stages reached";
    static final String SAME_DAY_QUIET = "periodic run again that day, nothing changed, no stage reached";
    static final String PER_USER_CLEAN = "per-user strategy (same account, no stale user)";
    static final String MIXED_RUN = "periodic run, mixed";
    static final String CHANGE_EVENT = "change event (two keys, one stale)";
    static final String PER_USER_MIXED = "per-user strategy (same mixed account)";
    static final String REMEDIATION_ONE = "remediation, one stale key";
    static final String REMEDIATION_TWO = "remediation, two keys, one stale";

    /** One account size's rows, by label, and the mixed account they were measured on. */
    record AccountRows(int users, List<Measure> rows, SeededMix mixed) {

        Measure row(String label) {
            return rows.stream()
                    .filter(row -> row.label().startsWith(label))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no row " + label));
        }
    }

    /**
     * The seeded runs of one size. The clean account's first run is given a notification time a day back, so the
     * run after it is the next day's: about 1 % of the users reach a warning stage in between ({@link SeededMix}),
     * which it announces; a third run the same day has nothing to announce.
     *
     * @param withPerUser whether to run the per-user strategy too (thousands of calls)
     */
    AccountRows accountRows(int n, boolean withPerUser) {
        Instant now = Instant.now();
        List<Measure> rows = new ArrayList<>();

        SeededMix clean = SeededMix.seed(emulator, n, SeededMix.Share.NONE, now, now.minus(Duration.ofDays(2)));
        rows.add(evaluatorRun(
                FIRST_RUN + " (a day back)", scheduledEvent(clean.resultToken, now.minus(Duration.ofDays(1))), clean));
        rows.add(warnedRun(NEXT_DAY_WARNED, clean));
        rows.add(unchangedRun(SAME_DAY_QUIET, clean, Map.of()));
        if (withPerUser) {
            rows.add(perUser(PER_USER_CLEAN, clean));
        }

        SeededMix mixed = SeededMix.seed(emulator, n, false, now);
        rows.add(evaluatorRun(
                MIXED_RUN + " (" + mixed.staleUsers + " stale users)", scheduledEvent(mixed.resultToken), mixed));

        String twoKeyUser = SeededMix.name(3); // two keys, one of them stale: the most calls a change event makes
        rows.add(evaluatorRun(
                CHANGE_EVENT, changeEvent(mixed.resultToken, mixed.userIdsByName.get(twoKeyUser), twoKeyUser), null));
        if (withPerUser) {
            rows.add(perUser(PER_USER_MIXED, mixed));
        }
        rows.add(remediationRun(REMEDIATION_ONE, mixed.userIdsByName.get(SeededMix.name(0))));
        rows.add(remediationRun(REMEDIATION_TWO, mixed.userIdsByName.get(twoKeyUser)));
        return new AccountRows(n, rows, mixed);
    }

    private void ratio(String account, Measure perUser, Measure rule) {
        out.printf(
                Locale.ROOT,
                "- Per-user strategy / the rule's periodic run, %s account: **%.1fx the AWS calls** (%,d vs %,d), "
                        + "**%.1fx the time** (%.2f s in-process with no JVM start, vs %.2f s in a fresh JVM).%n",
                account,
                (double) perUser.total() / rule.total(),
                perUser.total(),
                rule.total(),
                (double) perUser.wall().toMillis() / rule.wall().toMillis(),
                perUser.wall().toMillis() / 1000.0,
                rule.wall().toMillis() / 1000.0);
    }

    private Measure perUser(String label, SeededMix account) {
        return measured(label, () -> {
            AwsClients clients =
                    AwsClients.create(Region.of(emulator.region()), emulator.credentials(), emulator.endpoint());
            int posted = new PerUserStrategy(clients)
                    .evaluateAll(
                            SeededMix.RULE_NAME,
                            account.resultToken,
                            Exemptions.parse("exemptUsers", null, "exemptionTagKey", EXEMPTION_TAG));
            return "posted " + posted + " (test mode)";
        });
    }

    /**
     * Time from JVM process start to the finished first evaluation: the package as deployed with the template's
     * JVM options, then the function's classes as a jar (root off the class path) without and with an AppCDS
     * archive.
     */
    private void coldStart(int runs, Path evaluatorZip, Path runtimeJar) {
        SeededMix mix = SeededMix.seed(emulator, 100, false, Instant.now());
        String user = SeededMix.name(3);
        String change = changeEvent(mix.resultToken, mix.userIdsByName.get(user), user);
        String periodic = scheduledEvent(mix.resultToken);
        Path archive;
        try {
            archive = Files.createTempDirectory("benchmark-cds-").resolve("rule-evaluator.jsa");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        String appCds = "-XX:SharedArchiveFile=" + archive + " -XX:+AutoCreateSharedArchive";
        LambdaPackage jarsOnly = LambdaPackage.unpackJarsOnly(
                evaluatorZip, EVALUATOR_HANDLER, runtimeJar, EVALUATOR_MEMORY_MB, EVALUATOR_TIMEOUT_S);
        try {
            // Untimed runs first, so the first variant does not pay for a cold file cache.
            evaluator.invoke(change, environment, "");
            jarsOnly.invoke(change, environment, "");
            LambdaPackage.Run asDeployed = evaluator.invoke(periodic, environment, appCds);
            String deployedCds = (asDeployed.logs() + asDeployed.response()).contains("non-empty directory")
                    ? "refused: the JVM does not dump an archive with a non-empty directory on the class path"
                    : "accepted";
            LambdaPackage.Run training = jarsOnly.invoke(periodic, environment, appCds);
            requireSuccess(training, "AppCDS training run");
            Map<String, List<LambdaPackage.Run>> results = new LinkedHashMap<>();
            record Variant(String name, LambdaPackage function, String options) {}
            List<Variant> variants = List.of(
                    new Variant("as deployed (zip layout), template JVM options (Lambda default)", evaluator, ""),
                    new Variant("classes in lib/function.jar, root off the class path, no CDS", jarsOnly, ""),
                    new Variant("classes in lib/function.jar + AppCDS archive", jarsOnly, appCds));
            for (Variant variant : variants) {
                for (String[] event : new String[][] {{"change event", change}, {"periodic, 100 users", periodic}}) {
                    List<LambdaPackage.Run> list = new ArrayList<>();
                    for (int i = 0; i < runs; i++) {
                        LambdaPackage.Run run = variant.function().invoke(event[1], environment, variant.options());
                        requireSuccess(run, variant.name() + " / " + event[0]);
                        list.add(run);
                    }
                    results.put(variant.name() + "|" + event[0], list);
                }
            }
            out.println();
            out.println("## Evaluator cold start (fresh JVM: process start to the finished first evaluation)");
            out.println();
            out.printf(
                    Locale.ROOT,
                    "%d runs each, after untimed warm-up runs (file cache). AppCDS on the package as "
                            + "deployed (class path `/var/task:/var/task/lib/*`): %s. The archive for the jar layout was "
                            + "created by one training run (periodic, 100 users, %.2f s); archive size %s.%n%n",
                    runs,
                    deployedCds,
                    training.wall().toMillis() / 1000.0,
                    sizeOf(archive));
            out.println("| Variant | Event | Median (s) | Min (s) | Max (s) | Peak RSS median (MB) |");
            out.println("|---|---|---:|---:|---:|---:|");
            results.forEach((key, list) -> {
                String[] parts = key.split("\\|");
                List<Long> millis =
                        list.stream().map(r -> r.wall().toMillis()).sorted().toList();
                List<Long> rss =
                        list.stream().map(LambdaPackage.Run::peakRssKb).sorted().toList();
                out.printf(
                        Locale.ROOT,
                        "| %s | %s | %.2f | %.2f | %.2f | %.0f |%n",
                        parts[0],
                        parts[1],
                        millis.get(millis.size() / 2) / 1000.0,
                        millis.get(0) / 1000.0,
                        millis.get(millis.size() - 1) / 1000.0,
                        rss.get(rss.size() / 2) / 1024.0);
            });
            snapStart(runs, change, periodic);
        } finally {
            jarsOnly.delete();
            try {
                Files.deleteIfExists(archive);
                Files.deleteIfExists(archive.getParent());
            } catch (IOException ignored) {
                // harmless
            }
        }
    }

    /**
     * SnapStart, simulated: the runtime runs the function's CRaC hooks (the priming) between init and the
     * invocation, as SnapStart does before its snapshot; the invocation's own time is then what a restored
     * function spends. Compared with the same invocation without the hooks.
     */
    private void snapStart(int runs, String change, String periodic) {
        Map<String, String> snapStart = new LinkedHashMap<>(environment);
        snapStart.put("LOCAL_LAMBDA_SNAPSTART", "true");
        out.println();
        out.println("## SnapStart priming, simulated (the invocation's own time, after init or restore)");
        out.println();
        out.printf(
                Locale.ROOT,
                "%d runs each. Without SnapStart the first invocation loads and initialises the classes"
                        + " it uses; with it, `SnapStartPriming` has run them before the snapshot. Restoring a snapshot itself"
                        + " takes time on AWS that cannot be measured here.%n%n",
                runs);
        out.println(
                "| Event | Invocation, no priming: median (ms) | Invocation after priming: median (ms) | Priming (ms) |");
        out.println("|---|---:|---:|---:|");
        for (String[] event : new String[][] {{"change event", change}, {"periodic, 100 users", periodic}}) {
            List<Long> plain = new ArrayList<>();
            List<Long> primed = new ArrayList<>();
            List<Long> priming = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                LambdaPackage.Run cold = evaluator.invoke(event[1], environment, "");
                requireSuccess(cold, "no priming / " + event[0]);
                plain.add(cold.invocationDuration().toMillis());
                LambdaPackage.Run restored = evaluator.invoke(event[1], snapStart, "");
                requireSuccess(restored, "priming / " + event[0]);
                primed.add(restored.invocationDuration().toMillis());
                java.util.regex.Matcher snapshot = java.util.regex.Pattern.compile("Snapshot Duration: (\\d+) ms")
                        .matcher(restored.logs());
                priming.add(snapshot.find() ? Long.parseLong(snapshot.group(1)) : -1L);
            }
            out.printf(
                    Locale.ROOT, "| %s | %d | %d | %d |%n", event[0], median(plain), median(primed), median(priming));
            primingMedians.put(event[0], new long[] {median(plain), median(primed)});
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static String sizeOf(Path file) {
        try {
            return String.format(Locale.ROOT, "%.1f MB", Files.size(file) / 1e6);
        } catch (IOException e) {
            return "absent";
        }
    }

    /**
     * A second periodic run on an account whose results Config already holds, with no stage reached since: it must
     * record nothing and warn no one.
     */
    private Measure unchangedRun(String label, SeededMix account, Map<String, String> extraEnvironment) {
        Measure run = evaluatorRun(label, scheduledEvent(account.resultToken), null, extraEnvironment);
        if (run.posted() != 0 || run.warned() != 0) {
            throw new IllegalStateException(label + ": expected nothing posted and no one warned, got " + run.result());
        }
        return run;
    }

    /**
     * The next day's run on an account whose results Config holds from a run a day before: nothing changed but the
     * warning stages some keys reached meanwhile; it must warn them and record only them again.
     */
    private Measure warnedRun(String label, SeededMix account) {
        Measure run = evaluatorRun(label, scheduledEvent(account.resultToken), null, Map.of());
        if (run.warned() <= 0 || run.posted() != run.warned()) {
            throw new IllegalStateException(
                    label + ": expected some warned and only those recorded again, got " + run.result());
        }
        return run;
    }

    /**
     * The periodic run at a realistic round trip ({@code latencyMs} on every AWS call) and without, on an account
     * of {@code n} users with no stale user and with 10 % stale users; the flagged users' live confirmations
     * one at a time and {@code DEFAULT} at a time.
     */
    private void latency(int n, int latencyMs) {
        Instant now = Instant.now();
        List<Measure> rows = new ArrayList<>();
        Map<String, String> sequential = Map.of("LIVE_CONFIRMATION_CONCURRENCY", "1");
        for (int millis : new int[] {0, latencyMs}) {
            String at = " (" + millis + " ms a call)";
            SeededMix clean = SeededMix.seed(emulator, n, SeededMix.Share.NONE, now);
            emulator.setLatency(Duration.ofMillis(millis));
            rows.add(evaluatorRun(
                    "no stale user, first run: every user recorded" + at, scheduledEvent(clean.resultToken), clean));
            rows.add(unchangedRun("no stale user, next day, nothing changed" + at, clean, Map.of()));
            emulator.setLatency(Duration.ZERO);
            SeededMix heavy = SeededMix.seed(emulator, n, SeededMix.Share.TEN_PERCENT, now);
            emulator.setLatency(Duration.ofMillis(millis));
            rows.add(evaluatorRun(
                    "10 % stale, first run: every user recorded" + at, scheduledEvent(heavy.resultToken), heavy));
            rows.add(unchangedRun(
                    "10 % stale, next day, nothing changed, confirmations one at a time" + at, heavy, sequential));
            rows.add(unchangedRun(
                    "10 % stale, next day, nothing changed, 4 confirmations at a time" + at, heavy, Map.of()));
            emulator.setLatency(Duration.ZERO);
        }
        out.println();
        out.printf(Locale.ROOT, "## %,d users at %d ms a call (latency)%n%n", n, latencyMs);
        out.printf(
                Locale.ROOT,
                "Every AWS call waits %d ms in the emulator before it is answered (calls in parallel wait in "
                        + "parallel); the same runs without latency for comparison. 10 %% stale: %,d flagged users, "
                        + "each confirmed live before its verdict.%n%n",
                latencyMs,
                n / 10);
        printRows(rows);
    }

    /** Config's charge for what the rule records, by the rule's own selection code over 60 simulated days. */
    private void cost(List<Integer> sizes) {
        double price = 0.001;
        out.println();
        out.println("## What AWS Config records, and charges (USD 0.001 an evaluation), with 24-hour runs");
        out.println();
        out.printf(
                Locale.ROOT,
                "1 %% of users get a new result each day; refresh period %d days (the default). Changes only: "
                        + "simulated with the rule's `ChangesOnly` and `RefreshPeriod` over 60 daily runs; "
                        + "posting every user: the managed rule's and the peers' behaviour, 30 runs a month.%n%n",
                RefreshPeriod.DEFAULT.days());
        out.println("| Users | Posting every user: a run / a month / USD a month | Changes only: first run | "
                + "Changes only: first month (first run included) / USD | Changes only: a month in steady state / "
                + "a run on average / busiest day / USD | Steady month vs posting every user |");
        out.println("|---:|---|---:|---|---|---:|");
        for (int n : sizes) {
            CostModel.Days days = CostModel.simulate(n, 0.01, RefreshPeriod.DEFAULT);
            largestCost = Optional.of(days);
            int everyMonth = n * 30;
            out.printf(
                    Locale.ROOT,
                    "| %,d | %,d / %,d / %.2f | %,d | %,d / %.2f | %,d / %.0f / %,d / %.2f | 1/%.0f |%n",
                    n,
                    n,
                    everyMonth,
                    everyMonth * price,
                    days.firstRun(),
                    days.firstMonth(),
                    days.firstMonth() * price,
                    days.steadyMonth(),
                    days.steadyMonth() / 30.0,
                    days.busiestSteadyDay(),
                    days.steadyMonth() * price,
                    (double) everyMonth / days.steadyMonth());
        }
    }

    private void printRows(List<Measure> rows) {
        out.println(
                "| Run | AWS calls | IAM | Config | Wall time (s) | Peak RSS (MB) | AWS calls by operation | Result |");
        out.println("|---|---:|---:|---:|---:|---:|---|---|");
        for (Measure row : rows) {
            out.printf(
                    Locale.ROOT,
                    "| %s | %,d | %,d | %,d | %.2f | %s | %s | %s |%n",
                    row.label(),
                    row.total(),
                    row.service("iam:"),
                    row.service("config:"),
                    row.wall().toMillis() / 1000.0,
                    row.peakRssKb() < 0
                            ? "n/a (in-process)"
                            : String.format(Locale.ROOT, "%.0f", row.peakRssKb() / 1024.0),
                    byOperation(row.calls()),
                    row.result());
        }
    }

    private Measure evaluatorRun(String label, String event, SeededMix expectStoredFor) {
        return evaluatorRun(label, event, expectStoredFor, Map.of());
    }

    private Measure evaluatorRun(
            String label, String event, SeededMix expectStoredFor, Map<String, String> extraEnvironment) {
        emulator.resetCallCounts();
        Map<String, String> env = new LinkedHashMap<>(environment);
        env.putAll(extraEnvironment);
        LambdaPackage.Run run = evaluator.invoke(event, env, "");
        Map<String, Long> calls = new TreeMap<>(emulator.callCounts());
        requireSuccess(run, label);
        JsonNode report = parse(run.response());
        String result = String.format(
                Locale.ROOT,
                "%d compliant, %d non-compliant, %d not applicable; %d posted; %d warned",
                report.path("compliant").asInt(),
                report.path("nonCompliant").asInt(),
                report.path("notApplicable").asInt(),
                report.path("posted").asInt(),
                report.path("warned").asInt());
        if (expectStoredFor != null) {
            int expected = expectStoredFor.users + expectStoredFor.deletedWithResults;
            if (report.path("posted").asInt() != expected
                    || report.path("nonCompliant").asInt() != expectStoredFor.staleUsers) {
                throw new IllegalStateException(label + ": expected " + expected + " posted and "
                        + expectStoredFor.staleUsers + " non-compliant, got " + run.response());
            }
        }
        return new Measure(
                label,
                calls,
                run.wall(),
                run.peakRssKb(),
                result,
                report.path("posted").asInt(),
                report.path("warned").asInt());
    }

    private Measure remediationRun(String label, String userId) {
        ObjectNode payload = JSON.createObjectNode()
                .put("action", "DISABLE_STALE_KEYS")
                .put("userId", userId)
                .put("maxAccessKeyAgeDays", "90")
                .put("dryRun", "false")
                .put("exemptUsers", "")
                .put("exemptionTagKey", EXEMPTION_TAG)
                .put("automationExecutionId", UUID.randomUUID().toString());
        // Seeding an account resets the emulator: deploy the rule and the audit key again, as the stack would.
        emulator.putConfigRule(SeededMix.RULE_NAME, PARAMETERS);
        Map<String, String> deployed = new HashMap<>(environment);
        deployed.put("AUDIT_RECORD_KEY_ID", emulator.createHmacKey());
        emulator.resetCallCounts();
        LambdaPackage.Run run = remediation.invoke(payload.toString(), deployed, "");
        Map<String, Long> calls = new TreeMap<>(emulator.callCounts());
        requireSuccess(run, label);
        JsonNode result = parse(run.response());
        return new Measure(
                label,
                calls,
                run.wall(),
                run.peakRssKb(),
                result.path("outcome").asText() + ": disabled "
                        + result.path("disabledKeyIds").size() + " key(s)");
    }

    private Measure measured(String label, Supplier<String> work) {
        emulator.resetCallCounts();
        long start = System.nanoTime();
        String result = work.get();
        Duration wall = Duration.ofNanos(System.nanoTime() - start);
        return new Measure(label, new TreeMap<>(emulator.callCounts()), wall, -1, result);
    }

    private static void requireSuccess(LambdaPackage.Run run, String what) {
        if (run.failed()) {
            throw new IllegalStateException(what + " failed: " + run.response() + "\n" + run.logs());
        }
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("unreadable response: " + text, e);
        }
    }

    static String byOperation(Map<String, Long> calls) {
        List<String> parts = new ArrayList<>();
        calls.forEach((operation, count) -> parts.add(operation + " " + count));
        return String.join(", ", parts);
    }

    static String scheduledEvent(String resultToken) {
        return scheduledEvent(resultToken, Instant.now());
    }

    /** A periodic notification created at {@code notificationTime} (the instant the rule's warnings judge at). */
    static String scheduledEvent(String resultToken, Instant notificationTime) {
        ObjectNode invoking = JSON.createObjectNode()
                .put("awsAccountId", ACCOUNT_ID)
                .put("notificationCreationTime", notificationTime.toString())
                .put("messageType", "ScheduledNotification")
                .put("recordVersion", "1.0");
        return event(resultToken, invoking);
    }

    static String changeEvent(String resultToken, String userId, String userName) {
        String now = Instant.now().toString();
        ObjectNode invoking = JSON.createObjectNode()
                .put("messageType", "ConfigurationItemChangeNotification")
                .put("notificationCreationTime", now)
                .put("recordVersion", "1.3");
        invoking.putObject("configurationItemDiff").put("changeType", "UPDATE").putObject("changedProperties");
        ObjectNode item = invoking.putObject("configurationItem");
        item.put("configurationItemVersion", "1.3")
                .put("configurationItemCaptureTime", now)
                .put("awsAccountId", ACCOUNT_ID)
                .put("configurationItemStatus", "OK")
                .put("resourceType", "AWS::IAM::User")
                .put("resourceId", userId)
                .put("resourceName", userName)
                .put("ARN", "arn:aws:iam::" + ACCOUNT_ID + ":user/" + userName)
                .put("awsRegion", "global");
        item.putObject("configuration")
                .put("path", "/")
                .put("userName", userName)
                .put("userId", userId);
        item.putObject("tags");
        return event(resultToken, invoking);
    }

    private static String event(String resultToken, ObjectNode invoking) {
        return JSON.createObjectNode()
                .put("version", "1.0")
                .put("ruleParameters", PARAMETERS)
                .put("resultToken", resultToken)
                .put("eventLeftScope", false)
                .put(
                        "executionRoleArn",
                        "arn:aws:iam::" + ACCOUNT_ID
                                + ":role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig")
                .put("configRuleArn", "arn:aws:config:us-east-1:" + ACCOUNT_ID + ":config-rule/config-rule-0abc12")
                .put("configRuleName", SeededMix.RULE_NAME)
                .put("configRuleId", "config-rule-0abc12")
                .put("accountId", ACCOUNT_ID)
                .put("invokingEvent", invoking.toString())
                .toString();
    }
}
