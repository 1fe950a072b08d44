package io.github.stalekeys.localrun;

import io.github.stalekeys.policy.InvalidSettingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * The local entry point: {@code demo} runs the whole flow on an embedded emulator; {@code preview} evaluates a
 * real account read-only and shows what the remediation would do with each key. Every error is one line; a
 * Ctrl-C is one line and exit status 130.
 */
public final class LocalRun {

    static final String USAGE = usage();

    /** Where the project's built artifacts are: scripts/run names it, as it starts Java in the caller's directory. */
    static final String PROJECT_ROOT_PROPERTY = "stalekeys.projectRoot";

    private LocalRun() {}

    public static void main(String[] args) {
        String command = args.length == 0 ? "" : args[0];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> onExit(command), "interrupted"));
        int status;
        try {
            status = run(args, System.out, System.err, System.getenv());
        } catch (RuntimeException e) {
            while (shuttingDown()) {
                // Ctrl-C: the step under way failed because the emulator or a function was stopped under it. The
                // hook says so in one line; the JVM exits with 130 once the hooks are done.
                LockSupport.park();
            }
            finished = true;
            throw e;
        }
        finished = true;
        System.exit(status);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, out, err, System.getenv());
    }

    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> environment) {
        Deque<String> arguments = new ArrayDeque<>(List.of(args));
        String command = arguments.isEmpty() ? "" : arguments.removeFirst();
        if (List.of("--help", "-h", "help").contains(command)
                || arguments.contains("--help")
                || arguments.contains("-h")) {
            out.print(USAGE);
            return 0;
        }
        try {
            return switch (command) {
                case "demo" -> {
                    requireNoMore(arguments);
                    new LocalDemo(LocalDemo.Artifacts.inProject(projectRoot()), out).run();
                    yield 0;
                }
                case "organization" -> {
                    requireNoMore(arguments);
                    new OrganizationDemo(LocalDemo.Artifacts.inProject(projectRoot()), out).run();
                    yield 0;
                }
                case "preview" ->
                    PreviewCommand.run(PreviewOptions.parse(List.copyOf(arguments), environment), environment, out);
                default ->
                    throw new UsageException("unknown command " + InvalidSettingException.echo(command)
                            + ": demo, organization or preview");
            };
        } catch (UsageException e) {
            err.println("scripts/run: " + e.getMessage() + " (scripts/run --help lists the options)");
            return 2;
        } catch (InvalidSettingException e) {
            err.println("scripts/run: " + e.getMessage() + optionFor(e.settingName()));
            return 2;
        } catch (PreviewFailedException e) {
            err.println("scripts/run: " + e.getMessage());
            return 1;
        }
    }

    private static String optionFor(String parameter) {
        return PreviewOptions.RULE_PARAMETER_OPTIONS.entrySet().stream()
                .filter(entry -> entry.getValue().equals(parameter))
                .map(Map.Entry::getKey)
                .findFirst()
                .map(option -> " (option " + option + ")")
                .orElse(parameter.equals("ruleParameters") ? " (option --rule-parameters)" : "");
    }

    private static Path projectRoot() {
        return Path.of(System.getProperty(PROJECT_ROOT_PROPERTY, "")).toAbsolutePath();
    }

    /** Set when main is done: an exit before that is a signal (Ctrl-C), said in one line. */
    private static volatile boolean finished;

    private static void onExit(String command) {
        if (!finished) {
            System.err.println(
                    command.equals("preview")
                            ? "\nscripts/run: interrupted; nothing was written, and the preview changes nothing in AWS."
                            : "\nscripts/run: interrupted; the emulator is stopped, nothing outside this machine was"
                                    + " touched.");
        }
    }

    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    private static String usage() {
        try (InputStream text = Objects.requireNonNull(
                LocalRun.class.getResourceAsStream("usage.txt"), "usage.txt is packaged with this class")) {
            return new String(text.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void requireNoMore(Deque<String> arguments) {
        if (!arguments.isEmpty()) {
            throw new UsageException("unexpected argument " + InvalidSettingException.echo(arguments.peekFirst()));
        }
    }
}
