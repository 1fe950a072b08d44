package io.github.stalekeys.localrun;

import io.github.stalekeys.policy.InvalidSettingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where {@code --output} writes the report: relative to the current directory (scripts/run starts the preview
 * in the caller's), and never where {@code git add} would pick it up, since the report names users and their
 * ids. Checked before any AWS call; written whole or not at all.
 */
record ReportFile(Path path) {

    /** The file {@code value} names, checked: its directory exists and git does not track it unignored. */
    static ReportFile at(String value) {
        Path path = Path.of(value).toAbsolutePath().normalize();
        Path directory = path.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new UsageException("--output " + InvalidSettingException.echo(value) + ": the directory " + directory
                    + " does not exist: create it or write elsewhere");
        }
        if (Files.isDirectory(path)) {
            throw new UsageException(
                    "--output " + path + " is a directory: name a file in it, e.g. " + path + "/preview.csv");
        }
        workTreeOf(directory).ifPresent(workTree -> {
            if (!ignoredByGit(directory, path)) {
                throw new UsageException("--output " + path + " is inside the git work tree " + workTree
                        + " and git does not ignore it; the report names users and their ids: write it outside"
                        + " the work tree (e.g. --output ~/preview.csv) or add it to .gitignore");
            }
        });
        return new ReportFile(path);
    }

    /** Writes the report through a temporary file beside it, so a failure leaves no half-written file. */
    void write(String text) {
        Path temporary = null;
        try {
            temporary = Files.createTempFile(path.getParent(), "." + path.getFileName(), ".tmp");
            Files.writeString(temporary, text, StandardCharsets.UTF_8);
            Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(temporary);
            throw new PreviewFailedException("cannot write " + path + " (" + PreviewFailedException.brief(e.toString())
                    + "): choose another --output");
        }
    }

    private static Optional<Path> workTreeOf(Path directory) {
        for (Path at = directory; at != null; at = at.getParent()) {
            if (Files.exists(at.resolve(".git"))) {
                return Optional.of(at);
            }
        }
        return Optional.empty();
    }

    /** What git itself says ({@code check-ignore} exits 0 for an ignored path, 1 for one it would add). */
    private static boolean ignoredByGit(Path directory, Path file) {
        int status;
        try {
            Process git = new ProcessBuilder(
                            "git", "-C", directory.toString(), "check-ignore", "-q", "--", file.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!git.waitFor(30, TimeUnit.SECONDS)) {
                git.destroyForcibly();
                status = -1;
            } else {
                status = git.exitValue();
            }
        } catch (IOException e) {
            status = -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = -1;
        }
        if (status == 0 || status == 1) {
            return status == 0;
        }
        throw new UsageException("--output " + file + " is inside a git work tree and git cannot say whether it"
                + " ignores it: write the report outside the work tree (e.g. --output ~/preview.csv)");
    }

    private static void deleteQuietly(Path temporary) {
        if (temporary == null) {
            return;
        }
        try {
            Files.deleteIfExists(temporary);
        } catch (IOException e) {
            // The temporary file is hidden beside the target; the error the user sees names the real problem.
        }
    }
}
