package io.github.stalekeys.benchmark;

import io.github.stalekeys.benchmark.Benchmark.AccountRows;
import io.github.stalekeys.benchmark.Benchmark.Measure;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The targets, each with the figure this run measured and whether it is met: computed, never typed. */
final class Targets {

    /** The calls a warning may cost: naming the key, its owner, its last use when the report cannot, publishing. */
    static final List<String> WARNING_OPERATIONS =
            List.of("iam:ListAccessKeys", "iam:GetAccessKeyLastUsed", "iam:ListUserTags", "events:PutEvents");

    private final PrintStream out;

    Targets(PrintStream out) {
        this.out = out;
    }

    /**
     * @param largest    the rows of the largest account size
     * @param costUsers  the size the cost model's figures are for
     * @param packages   package bytes, by name
     * @param priming    by event, the median invocation without and after priming (ms)
     */
    void print(
            AccountRows largest,
            Optional<CostModel.Days> cost,
            Map<String, Long> packages,
            Map<String, long[]> priming) {
        int n = largest.users();
        out.println();
        out.println("## Targets");
        out.println();
        out.printf(Locale.ROOT, "At %,d users (the largest size of this run).%n%n", n);
        out.println("| Target | Figure measured | Verdict |");
        out.println("|---|---|---|");

        Measure quiet = largest.row(Benchmark.SAME_DAY_QUIET);
        row("Nothing changed and no stage reached: at most 65 AWS calls", calls(quiet), quiet.total() <= 65);

        Measure warned = largest.row(Benchmark.NEXT_DAY_WARNED);
        long extra = warned.total() - quiet.total();
        row(
                "Each warned user: at most 3 more AWS calls",
                String.format(
                        Locale.ROOT,
                        "%,d users warned (%.1f %%): %,d calls vs %,d with no stage reached, %,d more, %.2f per warned"
                                + " user (%s)",
                        warned.warned(),
                        100.0 * warned.warned() / n,
                        warned.total(),
                        quiet.total(),
                        extra,
                        (double) extra / warned.warned(),
                        operations(warned, WARNING_OPERATIONS)),
                extra <= 3L * warned.warned());

        Measure first = largest.row(Benchmark.FIRST_RUN);
        long warningCalls = WARNING_OPERATIONS.stream().mapToLong(first::calls).sum();
        row(
                "No stale user, first run: at most 120 AWS calls, plus at most 3 per warned user",
                String.format(
                        Locale.ROOT,
                        "%,d: %,d without the warnings, %,d for the %,d users warned (no user is stale, so every"
                                + " `ListAccessKeys`, `GetAccessKeyLastUsed`, `ListUserTags` and `PutEvents` is a warning's)",
                        first.total(),
                        first.total() - warningCalls,
                        warningCalls,
                        first.warned()),
                first.total() - warningCalls <= 120 && warningCalls <= 3L * first.warned());

        Measure perUser = largest.row(Benchmark.PER_USER_CLEAN);
        double ratio = (double) perUser.total() / first.total();
        row(
                "At least 50x fewer AWS calls than the per-user strategy (no stale user, first run)",
                String.format(Locale.ROOT, "%.1fx (%,d vs %,d)", ratio, perUser.total(), first.total()),
                ratio >= 50);

        Measure mixed = largest.row(Benchmark.MIXED_RUN);
        row(
                "Periodic run under 30 s against the emulator",
                String.format(
                        Locale.ROOT,
                        "%.2f s (no stale user, first run), %.2f s (mixed)",
                        seconds(first),
                        seconds(mixed)),
                seconds(first) < 30 && seconds(mixed) < 30);
        row(
                "Periodic run peak RSS under 256 MB",
                String.format(
                        Locale.ROOT,
                        "%.0f MB (no stale user), %.0f MB (mixed)",
                        first.peakRssKb() / 1024.0,
                        mixed.peakRssKb() / 1024.0),
                first.peakRssKb() < 256 * 1024 && mixed.peakRssKb() < 256 * 1024);

        Measure change = largest.row(Benchmark.CHANGE_EVENT);
        row(
                "Change event: at most 4 IAM calls and 1 `PutEvaluations`",
                change.service("iam:") + " IAM, " + change.calls("config:PutEvaluations") + " `PutEvaluations` ("
                        + Benchmark.byOperation(change.calls()) + ")",
                change.service("iam:") <= 4 && change.calls("config:PutEvaluations") == 1 && change.total() <= 5);

        Measure remediation = largest.row(Benchmark.REMEDIATION_ONE);
        row(
                "Remediation of a user with one stale key: at most 6 AWS calls",
                calls(remediation),
                remediation.total() <= 6);

        cost.ifPresent(days -> {
            int everyRun = days.users() * 30;
            row(
                    "Evaluations recorded over the first 30 daily runs: at most 1/5 of posting every user",
                    String.format(
                            Locale.ROOT,
                            "%,d vs %,d (1/%.0f), %,d users, 1 %% changing a day",
                            days.firstMonth(),
                            everyRun,
                            (double) everyRun / days.firstMonth(),
                            days.users()),
                    days.firstMonth() * 5L <= everyRun);
        });

        packages.forEach((name, bytes) -> row(
                "Deployment package at most 15 MB: `" + name + "`",
                String.format(Locale.ROOT, "%.2f MB", bytes / 1e6),
                bytes <= 15_000_000L));

        priming.forEach((event, medians) -> row(
                "Priming halves the first invocation after a restore: " + event,
                String.format(
                        Locale.ROOT,
                        "%d -> %d ms (%+.0f %%), medians",
                        medians[0],
                        medians[1],
                        100.0 * (medians[1] - medians[0]) / medians[0]),
                medians[1] * 2 <= medians[0]));
    }

    private void row(String target, String figure, boolean met) {
        out.printf(Locale.ROOT, "| %s | %s | %s |%n", target, figure, met ? "met" : "**missed**");
    }

    private static String calls(Measure row) {
        return String.format(Locale.ROOT, "%,d (%s)", row.total(), Benchmark.byOperation(row.calls()));
    }

    private static String operations(Measure row, List<String> operations) {
        return String.join(
                ", ",
                operations.stream()
                        .filter(operation -> row.calls(operation) > 0)
                        .map(operation -> operation + " " + row.calls(operation))
                        .toList());
    }

    private static double seconds(Measure row) {
        return row.wall().toMillis() / 1000.0;
    }
}
