package io.potok.it.compat;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs one client tool (kcat, python3, node) as a child process with a hard time limit.
 *
 * <p>stdout and stderr go to files under {@code target/potok-it-logs/compat/} (kept for diagnosis,
 * overwritten by the next run of the same name), so a chatty debug log cannot fill a pipe and stall
 * the tool. On timeout the process and its descendants are killed by PID.
 */
final class ToolProcess {

    private static final Pattern WORDS = Pattern.compile(" ");

    private ToolProcess() {
    }

    /** What a tool did: exit code (or timed out), its stdout and stderr lines. */
    record Result(String name, List<String> command, int exitCode, boolean timedOut, Duration took,
                  List<String> stdout, List<String> stderr) {

        /** stdout lines whose first word is {@code word}, split into words (the word itself included). */
        List<List<String>> facts(String word) {
            return stdout.stream()
                    .map(line -> Arrays.asList(WORDS.split(line, -1)))
                    .filter(words -> words.get(0).equals(word))
                    .collect(Collectors.toList());
        }

        /** The only fact line starting with {@code word}; fails if there is none or several. */
        List<String> fact(String word) {
            List<List<String>> all = facts(word);
            if (all.size() != 1) {
                throw new AssertionError("expected exactly one '" + word + "' line, got " + all.size() + "\n"
                        + describe());
            }
            return all.get(0);
        }

        /** A description for assertion messages: the command, how it ended, stdout and the tail of stderr. */
        String describe() {
            StringBuilder sb = new StringBuilder();
            sb.append("$ ").append(String.join(" ", command)).append('\n');
            sb.append(timedOut ? "KILLED after " + took.toMillis() + " ms (time limit)"
                    : "exit " + exitCode + " after " + took.toMillis() + " ms").append('\n');
            sb.append("stdout (").append(stdout.size()).append(" lines):\n");
            stdout.stream().limit(60).forEach(l -> sb.append("  ").append(l).append('\n'));
            List<String> tail = stderr.subList(Math.max(0, stderr.size() - 25), stderr.size());
            sb.append("stderr (last ").append(tail.size()).append(" of ").append(stderr.size())
                    .append(" lines, full log in ").append(logDir().resolve(name + ".err")).append("):\n");
            tail.forEach(l -> sb.append("  ").append(l.length() > 400 ? l.substring(0, 400) + "..." : l).append('\n'));
            return sb.toString();
        }
    }

    static Result run(String name, List<String> command, Map<String, String> env, String stdin, Duration timeout) {
        Path dir = logDir();
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Path in;
        try {
            Files.createDirectories(dir);
            in = dir.resolve(name + ".in");
            Files.writeString(in, stdin == null ? "" : stdin, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(in.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().putAll(env);
        Instant start = Instant.now();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new AssertionError("cannot start " + command + ": " + e, e);
        }
        boolean finished = false;
        try {
            finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!finished) {
                kill(p);
            }
        }
        Duration took = Duration.between(start, Instant.now());
        try {
            Files.deleteIfExists(in);
            return new Result(name, List.copyOf(command), finished ? p.exitValue() : -1, !finished, took,
                    Files.readAllLines(out, StandardCharsets.UTF_8), readLenient(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the process and everything it started, by PID, and waits for them. */
    private static void kill(Process p) {
        List<ProcessHandle> tree = new ArrayList<>();
        p.descendants().forEach(tree::add);
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // SIGKILL was sent; nothing more to do
            }
        }
    }

    private static List<String> readLenient(Path file) throws IOException {
        // Debug logs may carry raw bytes; decode leniently.
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().collect(Collectors.toList());
    }

    static Path logDir() {
        Path target = Paths.get("target");
        if (!Files.isDirectory(target)) {
            target = potokHome().resolve("potok-it").resolve("target");
        }
        return target.toAbsolutePath().resolve("potok-it-logs").resolve("compat");
    }

    /** The repository root ({@code -Dpotok.home}, set by the module's surefire configuration). */
    static Path potokHome() {
        String home = System.getProperty("potok.home");
        Path p = home != null ? Paths.get(home) : Paths.get("").toAbsolutePath().getParent();
        return p.toAbsolutePath().normalize();
    }

    /** The first executable named {@code name} on PATH, or null. */
    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Paths.get(dir, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
