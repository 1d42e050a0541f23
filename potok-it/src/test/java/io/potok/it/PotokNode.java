package io.potok.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Potok node run as a real OS process through the launcher contract
 * {@code ./potok start --set listeners=PLAINTEXT://127.0.0.1:P --set log.dirs=D [--set k=v]...}.
 *
 * <p>The node listens on a free port of 127.0.0.1 and stores its data in a fresh temporary directory.
 * Its stdout and stderr go to {@code target/potok-it-logs/<name>.log} (appended across restarts), and
 * {@link #start()} returns once the node printed {@code Potok ready on HOST:PORT}.
 *
 * <p>Use it either as a JUnit 5 extension,
 * <pre>{@code @RegisterExtension static final PotokNode NODE = PotokNode.builder("MyTest").build();}</pre>
 * (static field: one node for the whole class, started before all tests and closed after them;
 * instance field: one node per test), or as an {@link AutoCloseable} with try-with-resources:
 * <pre>{@code try (PotokNode node = PotokNode.builder("x").set("k", "v").start()) { ... }}</pre>
 *
 * <p>{@link #close()} stops the process (SIGTERM, then SIGKILL if it lingers) and deletes the data
 * directory. A JVM shutdown hook kills, by PID, any node a crashed or timed-out test run left behind.
 */
public final class PotokNode implements AutoCloseable,
        BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    /** Printed exactly once on stdout by a node that serves. */
    static final Pattern READY = Pattern.compile("^Potok ready on (\\S+):(\\d+)\\s*$");

    /** Generous: a cluster node waits for a quorum of others, and test JVMs share two busy cores. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(Long.getLong("potok.it.readyTimeoutSeconds", 60));
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);
    private static final Map<String, AtomicInteger> NAMES = new ConcurrentHashMap<>();
    private static final Set<Integer> PORTS_HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final Set<PotokNode> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (PotokNode node : LIVE) {
                node.destroyTree(true);
                if (node.dataDir != null) {
                    try {
                        deleteRecursively(node.dataDir);
                    } catch (RuntimeException ignored) {
                        // best effort while the JVM exits
                    }
                }
            }
        }, "potok-it-node-reaper"));
    }

    private final String name;
    private final Map<String, String> overrides;
    private final Path logFile;
    /** Client port chosen by the builder (0 = a free port picked at first start). */
    private final int fixedPort;
    /** Port of a {@code CONTROLLER://127.0.0.1:P} listener added to {@code listeners}, 0 = none. */
    private final int controllerPort;

    private Path dataDir;
    private int port = -1;
    private Process process;
    /** The running process's PID, readable without the lock (-1 when none). */
    private volatile long processId = -1;
    private Thread pump;
    private final Deque<String> tail = new ArrayDeque<>();
    private int starts;
    private boolean startedByBeforeAll;
    private boolean startedByBeforeEach;

    private PotokNode(String name, Map<String, String> overrides, int fixedPort, int controllerPort) {
        int uses = NAMES.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
        this.name = uses == 1 ? name : name + "-" + uses;
        this.overrides = new LinkedHashMap<>(overrides);
        this.fixedPort = fixedPort;
        this.controllerPort = controllerPort;
        this.logFile = logDir().resolve(this.name + ".log");
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Builds a node with extra {@code --set key=value} overrides. */
    public static final class Builder {
        private final String name;
        private final Map<String, String> overrides = new LinkedHashMap<>();
        private int port;
        private int controllerPort;

        private Builder(String name) {
            this.name = name;
        }

        public Builder set(String key, String value) {
            if (key.equals("listeners") || key.equals("log.dirs")) {
                throw new IllegalArgumentException(key + " is chosen by the fixture");
            }
            overrides.put(key, value);
            return this;
        }

        /** Listens for clients on this port of 127.0.0.1 (e.g. from {@link #freePort()}) instead of a free one. */
        public Builder port(int clientPort) {
            this.port = clientPort;
            return this;
        }

        /** Adds {@code CONTROLLER://127.0.0.1:P} to {@code listeners} (where the quorum member binds). */
        public Builder controllerPort(int port) {
            this.controllerPort = port;
            return this;
        }

        /** An unstarted node (for {@code @RegisterExtension}). */
        public PotokNode build() {
            return new PotokNode(name, overrides, port, controllerPort);
        }

        /** A started node (for try-with-resources). */
        public PotokNode start() {
            PotokNode node = build();
            try {
                node.start();
            } catch (RuntimeException | Error e) {
                node.close();
                throw e;
            }
            return node;
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** Starts the node on a free port with a fresh data directory (or the existing ones on restart). */
    public synchronized PotokNode start() {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        if (process != null) {
            finishProcess(); // it exited by itself: reap it before starting again
        }
        boolean fresh = dataDir == null;
        if (fresh) {
            try {
                dataDir = Files.createTempDirectory("potok-it-" + name + "-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        // A fresh node retries on another port if the one it picked got taken meanwhile.
        int attempts = fresh && fixedPort == 0 ? 3 : 1;
        for (int attempt = 1; ; attempt++) {
            if (fresh) {
                port = fixedPort > 0 ? fixedPort : freePort();
            }
            try {
                launch();
                return this;
            } catch (NodeStartException e) {
                boolean portClash = e.getMessage().contains("Address already in use")
                        || e.getMessage().contains("BindException");
                if (!portClash || attempt >= attempts) {
                    throw e;
                }
            }
        }
    }

    /** SIGTERM, wait for the process to exit, then SIGKILL if it did not. Returns true if it exited by itself. */
    public synchronized boolean stop() {
        if (process == null) {
            return true;
        }
        boolean graceful = destroyTree(false);
        finishProcess();
        return graceful;
    }

    /** Unclean stop: SIGKILL, like {@code kill -9}. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        destroyTree(true);
        finishProcess();
    }

    /** Stops the node cleanly (SIGTERM) and starts it again on the same port with the same data directory. */
    public synchronized PotokNode restart() {
        stop();
        return start();
    }

    /** Stops the node and deletes its data directory. */
    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            if (dataDir != null) {
                deleteRecursively(dataDir);
                dataDir = null;
            }
            port = -1;
        }
    }

    // ------------------------------------------------------------------ accessors

    public String bootstrap() {
        requireRunning();
        return "127.0.0.1:" + port;
    }

    public int port() {
        requireRunning();
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return logFile;
    }

    public String name() {
        return name;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The launcher's PID (what {@link Process#destroy()} signals). */
    public synchronized long pid() {
        requireRunning();
        return process.pid();
    }

    /**
     * The PID of the node's process while one was launched and not reaped, else -1. Unlike {@link #pid()}
     * it never waits for a start or stop in progress.
     */
    public long processId() {
        return processId;
    }

    /** The most recent lines the process printed, for assertion messages. */
    public String recentOutput() {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    @Override
    public String toString() {
        return name + "[" + (port > 0 ? "127.0.0.1:" + port : "unstarted") + ", log " + logFile + "]";
    }

    // ------------------------------------------------------------------ JUnit 5 extension

    @Override
    public void beforeAll(ExtensionContext context) {
        startOrClean();
        startedByBeforeAll = true;
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (startedByBeforeAll) {
            startedByBeforeAll = false;
            close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (!startedByBeforeAll) {
            startOrClean();
            startedByBeforeEach = true;
        }
    }

    private void startOrClean() {
        try {
            start();
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (startedByBeforeEach) {
            startedByBeforeEach = false;
            close();
        }
    }

    // ------------------------------------------------------------------ internals

    private void launch() {
        Path home = potokHome();
        List<String> command = new ArrayList<>();
        command.add(launcher(home).toString());
        command.add("start");
        command.add("--set");
        // A controller-only node serves no Kafka clients: its one listener is the controller's, on the
        // node's port, and its ready line names that port.
        boolean controllerOnly = "controller".equals(overrides.getOrDefault("process.roles", "").replace(" ", ""));
        command.add(controllerOnly ? "listeners=CONTROLLER://127.0.0.1:" + port : "listeners=PLAINTEXT://127.0.0.1:"
                + port + (controllerPort > 0 ? ",CONTROLLER://127.0.0.1:" + controllerPort : ""));
        command.add("--set");
        command.add("log.dirs=" + dataDir.resolve("data"));
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            command.add("--set");
            command.add(e.getKey() + "=" + e.getValue());
        }
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
        // Keep node JVMs small: 2 cores and several JVMs share this machine (the launcher's own default
        // is a 512 MB G1 heap).
        pb.environment().put("POTOK_JAVA_OPTS", System.getProperty("potok.it.nodeJvmOptions",
                "-Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"));
        // Test the jar the reactor built before this module; never start a Maven build from inside a test.
        pb.environment().put("POTOK_SKIP_BUILD", "1");
        starts++;
        CompletableFuture<String> ready = new CompletableFuture<>();
        Process p;
        PrintWriter log;
        try {
            Files.createDirectories(logFile.getParent());
            // a new file per node of this test run; restarts of the node append to it
            java.nio.file.OpenOption mode = starts == 1
                    ? java.nio.file.StandardOpenOption.TRUNCATE_EXISTING : java.nio.file.StandardOpenOption.APPEND;
            log = new PrintWriter(Files.newBufferedWriter(logFile, StandardCharsets.UTF_8,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE, mode), true);
            log.println("==== " + Instant.now() + " start #" + starts + ": " + String.join(" ", command));
        } catch (IOException e) {
            throw new NodeStartException("cannot write " + logFile + ": " + e, e);
        }
        try {
            p = pb.start();
        } catch (IOException e) {
            log.println("==== cannot launch: " + e);
            log.close();
            throw new NodeStartException("cannot launch " + command + ": " + e, e);
        }
        process = p;
        processId = p.pid();
        LIVE.add(this);
        synchronized (tail) {
            tail.clear();
        }
        pump = new Thread(() -> pumpOutput(p, log, ready), name + "-output");
        pump.setDaemon(true);
        pump.start();
        p.onExit().thenRun(() -> ready.completeExceptionally(
                new IllegalStateException("process exited with code " + p.exitValue() + " before it was ready")));
        String hostPort;
        try {
            hostPort = ready.get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            kill();
            throw new NodeStartException(name + " printed no 'Potok ready on HOST:PORT' line within "
                    + READY_TIMEOUT.toSeconds() + " s; log " + logFile + ":\n" + recentOutput());
        } catch (ExecutionException e) {
            finishProcess();
            throw new NodeStartException(name + " failed to start: " + e.getCause().getMessage()
                    + "; log " + logFile + ":\n" + recentOutput());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new NodeStartException("interrupted while starting " + name);
        }
        if (!hostPort.equals("127.0.0.1:" + port)) {
            kill();
            throw new NodeStartException(name + " announced '" + hostPort + "' but was told to listen on 127.0.0.1:"
                    + port + "; log " + logFile);
        }
    }

    private void pumpOutput(Process p, PrintWriter log, CompletableFuture<String> ready) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             log) {
            String line;
            while ((line = in.readLine()) != null) {
                log.println(line);
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 60) {
                        tail.removeFirst();
                    }
                }
                Matcher m = READY.matcher(line);
                if (m.matches() && !ready.isDone()) {
                    ready.complete(m.group(1) + ":" + m.group(2));
                }
            }
            log.println("==== " + Instant.now() + " output closed");
        } catch (IOException e) {
            log.println("==== output pump failed: " + e);
        }
    }

    /**
     * Signals the launcher process and everything it started (the launcher script may or may not
     * {@code exec} the JVM): the descendants first, so a shell waiting on its java child does not
     * leave the child behind. Returns true if all exited within the grace period without SIGKILL.
     */
    private boolean destroyTree(boolean force) {
        Process p = process;
        if (p == null) {
            return true;
        }
        List<ProcessHandle> tree = new ArrayList<>();
        p.toHandle().descendants().forEach(tree::add);
        tree.add(p.toHandle());
        for (ProcessHandle h : tree) {
            if (force) {
                h.destroyForcibly();
            } else {
                h.destroy();
            }
        }
        boolean graceful = true;
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        for (ProcessHandle h : tree) {
            long left = deadline - System.nanoTime();
            try {
                h.onExit().get(Math.max(left, 1), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                graceful = false;
                h.destroyForcibly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // best effort: SIGKILL was sent
            }
        }
        return graceful && !force;
    }

    private void finishProcess() {
        Process p = process;
        if (p != null) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (pump != null) {
            try {
                pump.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        LIVE.remove(this);
        process = null;
        processId = -1;
        pump = null;
    }

    private void requireRunning() {
        if (!isRunning()) {
            throw new IllegalStateException(name + " is not running; log " + logFile);
        }
    }

    static Path potokHome() {
        String home = System.getProperty("potok.home");
        Path p = home != null ? Paths.get(home) : Paths.get("").toAbsolutePath().getParent();
        return p.toAbsolutePath().normalize();
    }

    private static Path launcher(Path home) {
        return home.resolve("potok");
    }

    private static Path logDir() {
        Path target = Paths.get("target");
        if (!Files.isDirectory(target)) {
            target = potokHome().resolve("potok-it").resolve("target");
        }
        return target.toAbsolutePath().resolve("potok-it-logs");
    }

    private static java.io.File nullDevice() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }

    /** A free port of 127.0.0.1 not handed out before in this JVM. */
    public static int freePort() {
        for (int i = 0; i < 50; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                s.setReuseAddress(true);
                int p = s.getLocalPort();
                if (PORTS_HANDED_OUT.add(p)) {
                    return p;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("no free port");
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    /** The node did not come up. */
    public static final class NodeStartException extends RuntimeException {
        NodeStartException(String message) {
            super(message);
        }

        NodeStartException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
