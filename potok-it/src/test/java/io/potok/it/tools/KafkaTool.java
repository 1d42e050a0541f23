package io.potok.it.tools;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.utils.internals.Exit;

/**
 * Runs one of Apache Kafka's command-line tools (the classes behind {@code bin/kafka-*.sh}, from
 * {@code org.apache.kafka:kafka-tools}) inside the test JVM and captures what it prints.
 *
 * <p>The tools end with {@code Exit.exit(code)} (Kafka's exit hook, never {@code System.exit}) and
 * register their clean-up with {@code Exit.addShutdownHook}. While a tool runs, the exit procedure
 * only records the code: the first call wins, as the JVM would have ended there (several tools call
 * {@code Exit.exit} inside a {@code try} whose {@code catch (Throwable)} calls it again, so unwinding
 * with an exception would change the code, the way Kafka's own tool tests also avoid). The shutdown
 * hooks are collected and run after {@code main} returns, as the JVM would on exit (the console
 * producer only flushes in its hook). {@code System.out}, {@code System.err} and {@code System.in}
 * are swapped for the run, so runs are serialised by one lock. Running in-process saves a JVM start
 * per tool.
 */
final class KafkaTool {
    private static final Object LOCK = new Object();
    private static final long HOOK_TIMEOUT_MS = 30_000;

    /** A tool's {@code main}. */
    @FunctionalInterface
    interface Main {
        void main(String[] args) throws Exception;
    }

    /** What the tool printed and its exit code (0 when {@code main} returned without calling exit). */
    record Result(int exitCode, String out, String err) {
        /** The output lines, without the trailing empty line. */
        List<String> lines() {
            if (out.isEmpty()) {
                return List.of();
            }
            String text = out.endsWith("\n") ? out.substring(0, out.length() - 1) : out;
            return List.of(text.split("\n", -1));
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    private KafkaTool() {
    }

    static Result run(Main main, String... args) {
        return runWithInput(main, "", args);
    }

    /** Runs the tool with {@code stdin} as its standard input (the console producer reads records from it). */
    static Result runWithInput(Main main, String stdin, String... args) {
        synchronized (LOCK) {
            PrintStream originalOut = System.out;
            PrintStream originalErr = System.err;
            InputStream originalIn = System.in;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            List<Runnable> hooks = new ArrayList<>();
            AtomicReference<Integer> exitCode = new AtomicReference<>();
            int code;
            try (PrintStream capturedOut = new PrintStream(out, true, StandardCharsets.UTF_8);
                 PrintStream capturedErr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
                System.setOut(capturedOut);
                System.setErr(capturedErr);
                System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
                Exit.setExitProcedure((status, message) -> exitCode.compareAndSet(null, status));
                Exit.setShutdownHookAdder((name, hook) -> {
                    synchronized (hooks) {
                        hooks.add(hook);
                    }
                });
                try {
                    main.main(args);
                    code = exitCode.get() != null ? exitCode.get() : 0;
                } catch (Throwable t) {
                    t.printStackTrace(capturedErr);
                    code = exitCode.get() != null ? exitCode.get() : -1;
                }
                runHooks(hooks, capturedErr);
            } finally {
                Exit.resetExitProcedure();
                Exit.resetShutdownHookAdder();
                System.setOut(originalOut);
                System.setErr(originalErr);
                System.setIn(originalIn);
            }
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    /** Runs the hooks a JVM exit would run, each on its own thread as the JVM does, with a time limit. */
    private static void runHooks(List<Runnable> hooks, PrintStream err) {
        List<Thread> threads = new ArrayList<>();
        synchronized (hooks) {
            for (Runnable hook : hooks) {
                Thread t = new Thread(() -> {
                    try {
                        hook.run();
                    } catch (RuntimeException e) {
                        e.printStackTrace(err);
                    }
                }, "kafka-tool-shutdown-hook");
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HOOK_TIMEOUT_MS);
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (t.isAlive()) {
                err.println("shutdown hook still running after " + HOOK_TIMEOUT_MS + " ms");
            }
        }
    }
}
