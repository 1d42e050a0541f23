package io.potok.it.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs {@code ./potok ARGS...} as a child process, the way a user does, with a hard time limit.
 * stdin comes from a file, stdout and stderr go to files under {@code target/potok-it-logs/cli/}
 * (kept for diagnosis), so a large output cannot stall the child on a full pipe.
 */
final class PotokCli {
    private static final Duration DEFAULT_LIMIT = Duration.ofSeconds(60);
    private static final AtomicInteger RUNS = new AtomicInteger();

    private PotokCli() {
    }

    /** How one run ended. */
    record Result(List<String> command, int exitCode, boolean timedOut, Duration took, String stdout, String stderr) {

        List<String> stdoutLines() {
            return lines(stdout);
        }

        List<String> stderrLines() {
            return lines(stderr);
        }

        private static List<String> lines(String text) {
            List<String> out = new ArrayList<>();
            for (String line : text.split("\n", -1)) {
                if (!line.isEmpty()) {
                    out.add(line);
                }
            }
            return out;
        }

        /** For assertion messages. */
        String describe() {
            return "$ " + String.join(" ", command) + "\n"
                    + (timedOut ? "KILLED after " : "exit " + exitCode + " after ") + took.toMillis() + " ms\n"
                    + "--- stdout ---\n" + abbreviate(stdout) + "--- stderr ---\n" + abbreviate(stderr);
        }

        private static String abbreviate(String s) {
            return s.length() > 6000 ? s.substring(0, 6000) + "\n...(" + s.length() + " chars)\n" : s;
        }
    }

    static Result run(String stdin, String... args) {
        return run(stdin, DEFAULT_LIMIT, args);
    }

    static Result run(String stdin, Duration limit, String... args) {
        return run(stdin == null ? List.of() : List.of(stdin), Duration.ZERO, limit, args);
    }

    /**
     * Like {@link #run(String, Duration, String...)}, but stdin is a pipe fed {@code chunks} one after
     * another with {@code pause} between them, like a slow upstream program.
     */
    static Result run(List<String> chunks, Duration pause, Duration limit, String... args) {
        Path home = potokHome();
        List<String> command = new ArrayList<>();
        command.add(home.resolve("potok").toString());
        command.addAll(List.of(args));
        int n = RUNS.incrementAndGet();
        Path dir = logDir();
        String base = String.format("%03d-%s", n, args.length == 0 ? "potok" : args[0]);
        Path in = dir.resolve(base + ".in");
        Path out = dir.resolve(base + ".out");
        Path err = dir.resolve(base + ".err");
        try {
            Files.createDirectories(dir);
            Files.writeString(in, String.join("", chunks), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve(base + ".cmd"), String.join(" ", command) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        boolean piped = !pause.isZero();
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.redirectInput(piped ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.from(in.toFile()));
        // Test the jar the reactor built; small client JVMs (two cores are shared with the node).
        pb.environment().put("POTOK_SKIP_BUILD", "1");
        pb.environment().put("POTOK_JAVA_OPTS", "-Xms16m -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
        pb.environment().remove("POTOK_LOG_LEVEL");
        long start = System.nanoTime();
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        }
        if (piped) {
            Thread feeder = new Thread(() -> feed(p, chunks, pause), "potok-cli-stdin");
            feeder.setDaemon(true);
            feeder.start();
        }
        boolean timedOut = false;
        try {
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                timedOut = true;
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new IllegalStateException("interrupted while running " + command);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        try {
            return new Result(command, timedOut ? -1 : p.exitValue(), timedOut, took,
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void feed(Process p, List<String> chunks, Duration pause) {
        try (var stdin = p.getOutputStream()) {
            for (int i = 0; i < chunks.size(); i++) {
                if (i > 0) {
                    Thread.sleep(pause.toMillis());
                }
                stdin.write(chunks.get(i).getBytes(StandardCharsets.UTF_8));
                stdin.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the command exited early or the test gave up: its result says why
        }
    }

    private static Path potokHome() {
        String home = System.getProperty("potok.home");
        Path p = home != null ? Paths.get(home) : Paths.get("").toAbsolutePath().getParent();
        return p.toAbsolutePath().normalize();
    }

    private static Path logDir() {
        Path target = Paths.get("target");
        if (!Files.isDirectory(target)) {
            target = potokHome().resolve("potok-it").resolve("target");
        }
        return target.toAbsolutePath().resolve("potok-it-logs").resolve("cli");
    }
}
