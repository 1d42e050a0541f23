package io.potok.it.chaos;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * The chaos test: a 3-node cluster ({@link ChaosCluster}), a topic of 6 partitions with replication
 * factor 3 and {@code min.insync.replicas=2}, an idempotent acks=all producer writing
 * sequence-numbered records ({@link SequenceProducer}) while, round after round, one broker
 * (sometimes deliberately the active controller) is killed with SIGKILL and restarted, or cut off
 * the network both ways and reconnected. After each round the harness waits until the broker is
 * back in the ISR of its partitions (or a timeout). At the end it stops producing, reads every
 * partition back and checks that every acknowledged record is there exactly once and in order
 * ({@link AckedRecordsCheck}), then stops the nodes cleanly and compares the replicas' segment
 * files below the high watermark ({@link ReplicaLogs}). It prints
 * {@code acked=…, lost=0, duplicated=0, max_unavailable_ms=…}.
 *
 * <p>Runnable alone: {@link #main} ({@code --fault kill|network|mixed --rounds N --seed S --rate R}),
 * or through {@code ChaosTest}. The seed decides the victims, the fault modes and the waits, so a
 * failing run's choices can be replayed (timing inside the nodes of course differs).
 */
public final class ChaosHarness {
    static final String TOPIC = "chaos";
    static final int PARTITIONS = 6;
    private static final Duration REJOIN_TIMEOUT = Duration.ofSeconds(90);

    /** What a round does to its victim. */
    public enum Fault { KILL, NETWORK, MIXED }

    /** One run's choices. {@code ratePerSec}: records the producer sends per second. */
    public record Settings(String name, Fault fault, int rounds, long seed, int ratePerSec) {
        public static Settings of(String name, Fault fault, int rounds) {
            return new Settings(name, fault, rounds, Long.getLong("potok.chaos.seed", System.nanoTime()),
                    Integer.getInteger("potok.chaos.rate", 300));
        }
    }

    /** The outcome; {@link #line()} is the one-line summary. */
    public record Result(Settings settings, long sent, long acked, long acksWithoutOffset,
                         AckedRecordsCheck.Result records, ReplicaLogs.Comparison replicas, long maxUnavailableMs,
                         Map<String, Long> failedSends, List<String> roundsNotRejoined, Duration elapsed) {
        public String line() {
            return "acked=" + acked + ", lost=" + records.lost() + ", duplicated=" + records.duplicated()
                    + ", max_unavailable_ms=" + maxUnavailableMs;
        }

        public boolean ok() {
            return records.ok() && replicas.ok() && acked > 0;
        }

        public String details() {
            return "chaos " + settings + ": sent=" + sent + ", acked=" + acked + " (without offset, as retries of batches "
                    + "appended before: " + acksWithoutOffset + "), failed sends=" + failedSends
                    + ", read back=" + records.recordsRead() + " (unacknowledged but written: "
                    + records.unackedPresent() + "), misplaced=" + records.misplaced() + ", out of order="
                    + records.outOfOrder() + ", replica batches compared=" + replicas.batchesCompared()
                    + " below high watermarks summing to " + replicas.highWatermarkSum()
                    + ", replica logs identical to their ends=" + replicas.identicalToEnd()
                    + ", rounds without rejoin=" + roundsNotRejoined + ", took " + elapsed.toSeconds() + " s"
                    + (records.problems().isEmpty() ? "" : "\n  record problems: " + records.problems())
                    + (replicas.problems().isEmpty() ? "" : "\n  replica problems: " + replicas.problems());
        }
    }

    private final Settings settings;
    private final Random random;
    private final PrintStream out;
    /** The same progress lines, written as they happen (Maven buffers test output it sends to a file). */
    private final PrintStream progress;

    private ChaosHarness(Settings settings, PrintStream out) {
        this.settings = settings;
        this.random = new Random(settings.seed());
        this.out = out;
        this.progress = openProgressLog(settings.name());
    }

    private static PrintStream openProgressLog(String name) {
        try {
            java.nio.file.Path dir = java.nio.file.Paths.get("target").toAbsolutePath().resolve("potok-it-logs");
            java.nio.file.Files.createDirectories(dir);
            return new PrintStream(java.nio.file.Files.newOutputStream(dir.resolve(name + "-harness.log")), true,
                    java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return new PrintStream(java.io.OutputStream.nullOutputStream());
        }
    }

    public static Result run(Settings settings) {
        return new ChaosHarness(settings, System.out).run();
    }

    private Result run() {
        Instant started = Instant.now();
        log("starting %s", settings);
        try (ChaosCluster cluster = ChaosCluster.builder(settings.name())
                // Leadership also moves back to preferred replicas during the run.
                .set("leader.imbalance.check.interval.seconds", "10")
                .set("replica.lag.time.max.ms", "10000")
                .start();
             Admin admin = cluster.admin()) {
            log("cluster up: %s", cluster);
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3).configs(Map.of(
                    "min.insync.replicas", "2",
                    "segment.ms", "20000")))).all().get();
            if (!cluster.awaitFullyReplicated(admin, TOPIC, PARTITIONS, Duration.ofSeconds(60))) {
                throw new AssertionError("topic " + TOPIC + " did not become fully replicated:"
                        + ChaosCluster.summary(ChaosCluster.describe(admin, TOPIC)));
            }
            List<String> notRejoined = new java.util.ArrayList<>();
            SequenceProducer producer = new SequenceProducer(cluster.bootstrap(), TOPIC, PARTITIONS,
                    settings.ratePerSec());
            AckedRecordsCheck.Result records;
            try {
                producer.start();
                ChaosCluster.sleep(3_000);
                for (int round = 1; round <= settings.rounds(); round++) {
                    if (!round(cluster, admin, round, producer)) {
                        notRejoined.add("round " + round);
                    }
                }
                ChaosCluster.sleep(2_000);
            } finally {
                producer.stop(Duration.ofSeconds(200));
            }
            log("producer stopped: sent %d, acked %d, failed %s, max unavailable %d ms (ended %s)", producer.sent(),
                    producer.acked(), producer.failures(), producer.maxUnavailableMs(),
                    Instant.ofEpochMilli(producer.maxUnavailableEndedAtMs()));
            if (!cluster.awaitFullyReplicated(admin, TOPIC, PARTITIONS, REJOIN_TIMEOUT)) {
                log("WARNING: not fully replicated at the end:%s", ChaosCluster.summary(ChaosCluster.describe(admin, TOPIC)));
            }
            Map<Integer, List<AckedRecordsCheck.Read>> log = AckedRecordsCheck.readAll(cluster.bootstrap(), TOPIC,
                    PARTITIONS, Duration.ofSeconds(120));
            records = AckedRecordsCheck.check(producer.acks(), log);
            admin.close(Duration.ofSeconds(5));
            cluster.stopAll();
            Map<Integer, java.nio.file.Path> dirs = new TreeMap<>();
            cluster.ids().forEach(id -> dirs.put(id, cluster.logDir(id)));
            ReplicaLogs.Comparison replicas = ReplicaLogs.compare(dirs, TOPIC, PARTITIONS);
            Result result = new Result(settings, producer.sent(), producer.acked(), producer.acksWithoutOffset(),
                    records, replicas, producer.maxUnavailableMs(), producer.failures(), notRejoined,
                    Duration.between(started, Instant.now()));
            log("%s", result.details());
            out.println(result.line());
            progress.println(result.line());
            return result;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("creating the topic failed", e);
        } finally {
            progress.close();
        }
    }

    /** One fault and its repair; returns false if the victim did not rejoin every ISR in time. */
    private boolean round(ChaosCluster cluster, Admin admin, int round, SequenceProducer producer) {
        Fault fault = settings.fault() == Fault.MIXED ? (round % 2 == 1 ? Fault.KILL : Fault.NETWORK) : settings.fault();
        Map<Integer, TopicPartitionInfo> before = ChaosCluster.describe(admin, TOPIC);
        int controller = ChaosCluster.activeController(admin);
        // Every third round (the first included) deliberately hits the active controller.
        boolean pickController = controller > 0 && round % 3 == 1;
        List<Integer> ids = List.copyOf(cluster.ids());
        int victim = pickController ? controller : ids.get(random.nextInt(ids.size()));
        // Outage lengths cycle: long (past broker.session.timeout.ms and replica.lag.time.max.ms, so the
        // victim is fenced, leaves the ISRs and loses its leaderships), short (back before anyone
        // notices), medium (ISRs stall, no fencing yet).
        long downMs = switch ((round - 1) % 3) {
            case 0 -> 11_000 + random.nextInt(6_000);
            case 1 -> 200 + random.nextInt(1_800);
            default -> 3_000 + random.nextInt(5_000);
        };
        if (fault == Fault.KILL) {
            log("round %d: kill -9 node %d%s (down %d ms); acked so far %d;%s", round, victim,
                    victim == controller ? " (the active controller)" : "", downMs, producer.acked(),
                    ChaosCluster.summary(before));
            cluster.kill(victim);
            ChaosCluster.sleep(downMs);
            cluster.startNode(victim);
        } else {
            NetworkFaults.Mode mode = random.nextInt(4) == 0 ? NetworkFaults.Mode.DROP : NetworkFaults.Mode.BLACKHOLE;
            log("round %d: cut node %d%s off the network (%s, %d ms); acked so far %d;%s", round, victim,
                    victim == controller ? " (the active controller)" : "", mode, downMs, producer.acked(),
                    ChaosCluster.summary(before));
            long cutAt = System.nanoTime();
            cluster.isolate(victim, mode);
            if (downMs >= 4_000) {
                // A look at the cluster near the end of the cut, bounded so that it does not lengthen the cut.
                ChaosCluster.sleep(downMs - 3_000);
                log("round %d: during the cut:%s", round,
                        ChaosCluster.summary(ChaosCluster.describe(admin, TOPIC, Duration.ofMillis(2_000))));
            }
            ChaosCluster.sleep(Math.max(0, downMs - (System.nanoTime() - cutAt) / 1_000_000));
            cluster.heal(victim);
        }
        long healedAt = System.nanoTime();
        boolean rejoined = cluster.awaitFullyReplicated(admin, TOPIC, PARTITIONS, REJOIN_TIMEOUT);
        log("round %d: node %d %s after %d ms;%s", round, victim, rejoined ? "back in every ISR" : "NOT back in every ISR",
                (System.nanoTime() - healedAt) / 1_000_000, ChaosCluster.summary(ChaosCluster.describe(admin, TOPIC)));
        ChaosCluster.sleep(1_000 + random.nextInt(2_000));
        return rejoined;
    }

    private void log(String format, Object... args) {
        String line = "[chaos " + Instant.now() + "] " + String.format(format, args);
        out.println(line);
        out.flush();
        progress.println(line);
    }

    /**
     * {@code java ... io.potok.it.chaos.ChaosHarness [--fault kill|network|mixed] [--rounds N] [--seed S]
     * [--rate R] [--name NAME]}; exits 1 when a check fails. Needs {@code -Dpotok.home=<repo>} when not
     * started from the repository or potok-it directory.
     */
    public static void main(String[] args) {
        Fault fault = Fault.MIXED;
        int rounds = 20;
        long seed = System.nanoTime();
        int rate = 300;
        String name = "chaos-main";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--fault" -> fault = Fault.valueOf(args[++i].toUpperCase(java.util.Locale.ROOT));
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--name" -> name = args[++i];
                default -> {
                    System.err.println("usage: ChaosHarness [--fault kill|network|mixed] [--rounds N] [--seed S]"
                            + " [--rate R] [--name NAME]");
                    System.exit(2);
                }
            }
        }
        Result result = run(new Settings(name, fault, rounds, seed, rate));
        System.exit(result.ok() ? 0 : 1);
    }
}
