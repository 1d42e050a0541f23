package io.potok.storage;

import io.potok.storage.checkpoint.OffsetCheckpointFile;
import io.potok.storage.checkpoint.PartitionMetadataFile;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

class LogManagerTest {

    @TempDir
    Path root;

    private final MockTime time = new MockTime();
    private final List<LogManager> managers = new ArrayList<>();

    @AfterEach
    void closeManagers() {
        managers.forEach(LogManager::close);
    }

    private List<Path> dirs(int n) {
        List<Path> result = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            result.add(root.resolve("data-" + i));
        }
        return result;
    }

    private LogManager manager(List<Path> dirs) {
        LogManagerConfig config = new LogManagerConfig(dirs, 2, 60_000, 1_000, 10_000, false, 15_000);
        LogManager manager = new LogManager(config, time, new MockScheduler(time));
        managers.add(manager);
        return manager;
    }

    private LogManager started(List<Path> dirs, LogConfig config) throws IOException {
        LogManager manager = manager(dirs);
        manager.startup(tp -> config);
        return manager;
    }

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    @Test
    void newPartitionsGoToTheDirWithFewestPartitions() throws IOException {
        List<Path> dirs = dirs(3);
        LogManager manager = started(dirs, LogConfig.DEFAULT);
        for (int p = 0; p < 7; p++) {
            manager.getOrCreateLog(tp("orders", p), LogConfig.DEFAULT);
        }
        Map<Path, Integer> perDir = new HashMap<>();
        for (Log log : manager.allLogs()) {
            perDir.merge(log.dir().getParent(), 1, Integer::sum);
        }
        assertThat(perDir.values()).containsExactlyInAnyOrder(3, 2, 2);
        Log log = manager.getOrCreateLog(tp("orders", 3), LogConfig.DEFAULT);
        assertThat(log.dir().getFileName().toString()).isEqualTo("orders-3");
        assertThat(manager.getOrCreateLog(tp("orders", 3), LogConfig.DEFAULT)).isSameAs(log);
        assertThat(manager.getLog(tp("orders", 3))).containsSame(log);
        assertThat(manager.getLog(tp("missing", 0))).isEmpty();
    }

    @Test
    void closeWritesCheckpointsAndMarkerAndStartupLoadsEverything() throws IOException {
        List<Path> dirs = dirs(2);
        LogManager manager = started(dirs, LogConfig.DEFAULT);
        for (int p = 0; p < 4; p++) {
            Log log = manager.getOrCreateLog(tp("t", p), LogConfig.DEFAULT);
            for (int i = 0; i <= p; i++) {
                log.appendAsLeader(TestRecords.values(1, "p" + p + "-" + i), 0);
            }
        }
        manager.getLog(tp("t", 3)).orElseThrow().deleteRecordsBefore(2);
        manager.close();

        for (Path dir : dirs) {
            assertThat(Files.exists(dir.resolve(".kafka_cleanshutdown"))).isTrue();
            Map<TopicPartition, Long> recoveryPoints =
                new OffsetCheckpointFile(dir.resolve("recovery-point-offset-checkpoint")).read();
            assertThat(recoveryPoints).hasSize(2);
            for (var e : recoveryPoints.entrySet()) {
                assertThat(e.getValue()).isEqualTo(e.getKey().partition() + 1L);
            }
            assertThat(Files.readAllLines(dir.resolve("log-start-offset-checkpoint")).subList(0, 2))
                .containsExactly("0", "2");
        }

        LogManager reopened = started(dirs, LogConfig.DEFAULT);
        assertThat(reopened.allLogs()).hasSize(4);
        for (Path dir : dirs) {
            assertThat(Files.exists(dir.resolve(".kafka_cleanshutdown"))).isFalse();
        }
        Log log3 = reopened.getLog(tp("t", 3)).orElseThrow();
        assertThat(log3.logStartOffset()).isEqualTo(2);
        assertThat(log3.logEndOffset()).isEqualTo(4);
        assertThat(TestRecords.valuesOf(TestRecords.readAll(log3))).containsExactly("p3-2", "p3-3");
    }

    @Test
    void uncleanShutdownRecoversFromTheCheckpointedRecoveryPoint() throws IOException {
        List<Path> dirs = dirs(1);
        LogConfig config = TestLogs.config("internal.segment.bytes", "1000");
        LogManager manager = started(dirs, config);
        Log log = manager.getOrCreateLog(tp("t", 0), config);
        for (int i = 0; i < 40; i++) {
            log.appendAsLeader(TestRecords.values(1, "value-" + i), 0);
        }
        long end = log.logEndOffset();
        manager.close();
        // Simulate a crash: no marker, and the last checkpoint predates every append.
        Files.delete(dirs.get(0).resolve(".kafka_cleanshutdown"));
        new OffsetCheckpointFile(dirs.get(0).resolve("recovery-point-offset-checkpoint")).write(Map.of());
        Path firstSegment = dirs.get(0).resolve("t-0").resolve("00000000000000000000.log");
        long size = Files.size(firstSegment);
        try (RandomAccessFile raf = new RandomAccessFile(firstSegment.toFile(), "rw")) {
            raf.seek(size - 10);
            raf.write(0x5A ^ raf.readByte());
        }

        LogManager reopened = started(dirs, config);
        Log recovered = reopened.getLog(tp("t", 0)).orElseThrow();
        assertThat(recovered.logEndOffset()).isLessThan(end);
        assertThat(recovered.numberOfSegments()).isEqualTo(1);
        List<String> values = TestRecords.valuesOf(TestRecords.readAll(recovered));
        for (int i = 0; i < values.size(); i++) {
            assertThat(values.get(i)).isEqualTo("value-" + i);
        }
    }

    @Test
    void deleteLogRenamesTheDirectoryAndRemovesItLater() throws IOException {
        List<Path> dirs = dirs(1);
        LogManager manager = started(dirs, LogConfig.DEFAULT);
        Log log = manager.getOrCreateLog(tp("gone", 0), TestLogs.config("file.delete.delay.ms", "5000"));
        log.appendAsLeader(TestRecords.values(1, "x"), 0);
        manager.deleteLog(tp("gone", 0));
        assertThat(manager.getLog(tp("gone", 0))).isEmpty();
        assertThat(Files.exists(dirs.get(0).resolve("gone-0"))).isFalse();
        List<String> names = list(dirs.get(0));
        assertThat(names).anyMatch(n -> n.matches("gone-0\\.[0-9a-f]{32}-delete"));
        assertThatThrownBy(() -> log.appendAsLeader(TestRecords.values(1, "y"), 0))
            .isInstanceOf(KafkaStorageException.class);
        time.sleep(5000);
        assertThat(list(dirs.get(0))).noneMatch(n -> n.endsWith("-delete"));
        // A new log with the same name starts empty.
        assertThat(manager.getOrCreateLog(tp("gone", 0), LogConfig.DEFAULT).logEndOffset()).isZero();
    }

    @Test
    void deleteDirectoriesLeftByACrashAreRemovedAtStartup() throws IOException {
        List<Path> dirs = dirs(1);
        Files.createDirectories(dirs.get(0).resolve("old-0.0123456789abcdef0123456789abcdef-delete"));
        Files.write(dirs.get(0).resolve("old-0.0123456789abcdef0123456789abcdef-delete").resolve("x.log"), new byte[3]);
        LogManager manager = started(dirs, LogConfig.DEFAULT);
        time.sleep(0);
        assertThat(list(dirs.get(0))).noneMatch(n -> n.endsWith("-delete"));
        assertThat(manager.allLogs()).isEmpty();
    }

    @Test
    void ioErrorTakesOnlyThatLogDirOffline() throws IOException {
        assumeThat(Files.isWritable(Path.of("/dev/full"))).isTrue();
        List<Path> dirs = dirs(2);
        LogManager first = started(dirs, LogConfig.DEFAULT);
        Log failing = first.getOrCreateLog(tp("disk", 0), LogConfig.DEFAULT);
        Log healthy = first.getOrCreateLog(tp("disk", 1), LogConfig.DEFAULT);
        Path failingDir = failing.dir().getParent();
        assertThat(healthy.dir().getParent()).isNotEqualTo(failingDir);
        first.close();
        // The disk of the first log "fills up": its active segment now behaves like a full device.
        Path segment = failing.dir().resolve("00000000000000000000.log");
        Files.delete(segment);
        Files.createSymbolicLink(segment, Path.of("/dev/full"));

        LogManager manager = started(dirs, LogConfig.DEFAULT);
        Log broken = manager.getLog(tp("disk", 0)).orElseThrow();
        assertThatThrownBy(() -> broken.appendAsLeader(TestRecords.values(1, "x"), 0))
            .isInstanceOf(KafkaStorageException.class);
        assertThatThrownBy(() -> broken.read(0, 100, Long.MAX_VALUE, true)).isInstanceOf(KafkaStorageException.class);

        List<LogDirDescription> descriptions = manager.logDirs();
        LogDirDescription offline = descriptions.stream().filter(d -> d.path().equals(failingDir)).findFirst()
            .orElseThrow();
        assertThat(offline.online()).isFalse();
        assertThat(descriptions.stream().filter(LogDirDescription::online)).hasSize(1);
        assertThat(manager.getLog(tp("disk", 0))).isEmpty();
        assertThat(manager.offlinePartitions()).containsExactly(tp("disk", 0));
        assertThatThrownBy(() -> manager.getOrCreateLog(tp("disk", 0), LogConfig.DEFAULT))
            .isInstanceOf(KafkaStorageException.class);

        Log stillServing = manager.getLog(tp("disk", 1)).orElseThrow();
        stillServing.appendAsLeader(TestRecords.values(1, "ok"), 0);
        assertThat(TestRecords.valuesOf(TestRecords.readAll(stillServing))).containsExactly("ok");
        Log placedElsewhere = manager.getOrCreateLog(tp("new", 0), LogConfig.DEFAULT);
        assertThat(placedElsewhere.dir().getParent()).isNotEqualTo(failingDir);
        manager.close();
        assertThat(Files.exists(failingDir.resolve(".kafka_cleanshutdown"))).isFalse();
        assertThat(Files.exists(stillServing.dir().getParent().resolve(".kafka_cleanshutdown"))).isTrue();
    }

    @Test
    void logDirsDescribesSpaceAndPartitionSizes() throws IOException {
        List<Path> dirs = dirs(1);
        LogManager manager = started(dirs, LogConfig.DEFAULT);
        Log log = manager.getOrCreateLog(tp("t", 0), LogConfig.DEFAULT);
        log.appendAsLeader(TestRecords.values(1, "abc"), 0);
        LogDirDescription d = manager.logDirs().get(0);
        assertThat(d.online()).isTrue();
        assertThat(d.totalBytes()).isPositive();
        assertThat(d.usableBytes()).isPositive().isLessThanOrEqualTo(d.totalBytes());
        assertThat(d.partitionSizes()).containsEntry(tp("t", 0), log.sizeInBytes());
    }

    @Test
    void aLogDirCannotBeUsedByTwoManagers() throws IOException {
        List<Path> dirs = dirs(2);
        started(dirs.subList(0, 1), LogConfig.DEFAULT);
        LogManager second = started(dirs, LogConfig.DEFAULT);
        assertThat(second.logDirs()).extracting(LogDirDescription::online).containsExactly(false, true);
        assertThatThrownBy(() -> manager(dirs.subList(0, 1))).isInstanceOf(KafkaStorageException.class);
    }

    @Test
    void manyPartitionsRecoverInParallel() throws IOException {
        List<Path> dirs = dirs(2);
        LogManager manager = started(dirs, LogConfig.DEFAULT);
        for (int p = 0; p < 20; p++) {
            Log log = manager.getOrCreateLog(tp("many", p), LogConfig.DEFAULT);
            log.appendAsLeader(TestRecords.values(1, "a", "b"), 0);
        }
        manager.close();
        for (Path dir : dirs) {
            Files.delete(dir.resolve(".kafka_cleanshutdown"));
        }
        LogManager reopened = started(dirs, LogConfig.DEFAULT);
        assertThat(reopened.allLogs()).hasSize(20).allSatisfy(log -> assertThat(log.logEndOffset()).isEqualTo(2));
    }

    @Test
    void backgroundTasksRunRetentionFlushAndCheckpoints() throws IOException {
        List<Path> dirs = dirs(1);
        LogConfig config = TestLogs.config("retention.ms", "1000", "internal.segment.bytes", "200",
            "flush.ms", "500", "file.delete.delay.ms", "0");
        LogManager manager = started(dirs, config);
        Log log = manager.getOrCreateLog(tp("bg", 0), config);
        for (int i = 0; i < 10; i++) {
            log.appendAsLeader(TestRecords.sized(time.milliseconds(), 1, 50), 0);
        }
        assertThat(log.numberOfSegments()).isGreaterThan(2);
        time.sleep(1_000); // runs the flushes scheduled by rolls, which also reset the flush.ms timer
        assertThat(log.recoveryPoint()).isEqualTo(log.activeSegment().baseOffset());
        time.sleep(1_000); // flush scheduler interval: flush.ms has passed since the last flush
        assertThat(log.recoveryPoint()).isEqualTo(10);
        time.sleep(8_000); // checkpoint interval
        assertThat(new OffsetCheckpointFile(dirs.get(0).resolve("recovery-point-offset-checkpoint")).read())
            .containsEntry(tp("bg", 0), 10L);
        time.sleep(50_000); // retention check interval; every closed segment is older than retention.ms
        assertThat(log.numberOfSegments()).isEqualTo(1);
        assertThat(log.logStartOffset()).isEqualTo(log.activeSegment().baseOffset());
    }

    @Test
    void backgroundCleanerCompactsCompactedLogs() throws Exception {
        List<Path> dirs = dirs(1);
        LogManagerConfig config = new LogManagerConfig(dirs, 1, 60_000, Long.MAX_VALUE, 60_000, true, 20);
        LogManager manager = new LogManager(config, time, new MockScheduler(time));
        managers.add(manager);
        LogConfig compacted = TestLogs.config("cleanup.policy", "compact,delete", "internal.segment.bytes", "1000",
            "file.delete.delay.ms", "0");
        manager.startup(tp -> compacted);
        Log log = manager.getOrCreateLog(tp("table", 0), compacted);
        for (int i = 0; i < 300; i++) {
            log.appendAsLeader(TestRecords.keyed(time.milliseconds(), "k" + (i % 4), "v" + i), 0);
        }
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (manager.cleaner().firstDirtyOffset(tp("table", 0)).orElse(-1L) < log.activeSegment().baseOffset()
            && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(manager.cleaner().firstDirtyOffset(tp("table", 0))).contains(log.activeSegment().baseOffset());
        assertThat(TestRecords.readAll(log).size()).isLessThan(300);
        assertThat(TestRecords.latestByKey(TestRecords.readAll(log)))
            .containsEntry("k0", "v296").containsEntry("k3", "v299");
        manager.close();
        assertThat(new OffsetCheckpointFile(dirs.get(0).resolve(LogCleaner.CHECKPOINT_FILE)).read())
            .containsKey(tp("table", 0));
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    @Test
    void theTopicIdOfALogSurvivesARestartAndCannotBeChangedSilently() throws IOException {
        List<Path> dirs = dirs(1);
        LogManager first = started(dirs, LogConfig.DEFAULT);
        Log log = first.getOrCreateLog(tp("orders", 0), LogConfig.DEFAULT);
        assertThat(log.topicId()).as("not recorded yet").isEmpty();
        Uuid id = Uuid.randomUuid();
        log.assignTopicId(id);
        log.assignTopicId(id); // the same id again: nothing to do
        assertThatThrownBy(() -> log.assignTopicId(Uuid.randomUuid())).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining(id.toString());
        first.close();
        managers.remove(first);

        LogManager second = started(dirs, LogConfig.DEFAULT);
        assertThat(second.getLog(tp("orders", 0)).orElseThrow().topicId()).contains(id);
        assertThat(Files.readString(log.dir().resolve(PartitionMetadataFile.FILE_NAME)))
            .isEqualTo("version: 0\ntopic_id: " + id + "\n");
    }

    @Test
    void aDirectoryOfTheNodesOwnStateIsNotTakenForAPartition() throws IOException {
        List<Path> dirs = dirs(1);
        Files.createDirectories(dirs.get(0).resolve("__potok_metadata"));
        LogManager manager = started(dirs, LogConfig.DEFAULT);
        assertThat(manager.allLogs()).isEmpty();
        assertThat(dirs.get(0).resolve("__potok_metadata")).isDirectory();
    }
}
