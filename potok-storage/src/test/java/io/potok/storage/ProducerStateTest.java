package io.potok.storage;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static io.potok.storage.TestRecords.copy;
import static io.potok.storage.TestRecords.idempotent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProducerStateTest {

    private static final long PID = 4242L;
    private static final short EPOCH = 3;

    @TempDir
    Path root;

    @Test
    void retriedBatchIsNotAppendedTwiceAndGetsOriginalOffsets() throws IOException {
        Log log = new TestLogs(root).open(LogConfig.DEFAULT);
        log.appendAsLeader(TestRecords.values(1, "unrelated"), 0);
        var batch = idempotent(PID, EPOCH, 0, "a", "b");
        LogAppendInfo first = log.appendAsLeader(copy(batch), 0);
        log.appendAsLeader(idempotent(PID, EPOCH, 2, "c"), 0);

        LogAppendInfo retry = log.appendAsLeader(copy(batch), 0);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isEqualTo(first.firstOffset()).isEqualTo(1);
        assertThat(retry.lastOffset()).isEqualTo(first.lastOffset()).isEqualTo(2);
        assertThat(log.logEndOffset()).isEqualTo(4);
        assertThat(TestRecords.valuesOf(TestRecords.readAll(log))).containsExactly("unrelated", "a", "b", "c");
    }

    @Test
    void onlyTheLastFiveBatchesAreRememberedForDeduplication() throws IOException {
        Log log = new TestLogs(root).open(LogConfig.DEFAULT);
        for (int seq = 0; seq < 6; seq++) {
            log.appendAsLeader(idempotent(PID, EPOCH, seq, "v" + seq), 0);
        }
        assertThat(log.producerState(PID).orElseThrow().batchMetadata()).hasSize(5);
        assertThat(log.appendAsLeader(idempotent(PID, EPOCH, 1, "v1"), 0).duplicate()).isTrue();
        // Sequence 0 fell out of the window: it is now simply out of order.
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, EPOCH, 0, "v0"), 0))
            .isInstanceOf(OutOfOrderSequenceException.class);
    }

    @Test
    void outOfOrderSequenceIsRejected() throws IOException {
        Log log = new TestLogs(root).open(LogConfig.DEFAULT);
        log.appendAsLeader(idempotent(PID, EPOCH, 0, "a", "b"), 0); // sequences 0-1
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, EPOCH, 3, "gap"), 0))
            .isInstanceOf(OutOfOrderSequenceException.class);
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, EPOCH, 1, "overlap"), 0))
            .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(log.logEndOffset()).isEqualTo(2);
        log.appendAsLeader(idempotent(PID, EPOCH, 2, "c"), 0);
        assertThat(log.producerState(PID).orElseThrow().lastSequence()).isEqualTo(2);
    }

    @Test
    void sequenceWrapsFromIntMaxToZero() throws IOException {
        Log log = new TestLogs(root).open(LogConfig.DEFAULT);
        log.appendAsLeader(idempotent(PID, EPOCH, Integer.MAX_VALUE - 1, "a", "b"), 0);
        assertThat(log.producerState(PID).orElseThrow().lastSequence()).isEqualTo(Integer.MAX_VALUE);
        log.appendAsLeader(idempotent(PID, EPOCH, 0, "c"), 0);
        assertThat(log.logEndOffset()).isEqualTo(3);
    }

    @Test
    void olderEpochIsFencedAndNewEpochMustStartAtZero() throws IOException {
        Log log = new TestLogs(root).open(LogConfig.DEFAULT);
        log.appendAsLeader(idempotent(PID, EPOCH, 0, "a"), 0);
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, (short) (EPOCH - 1), 1, "old"), 0))
            .isInstanceOf(InvalidProducerEpochException.class);
        assertThatThrownBy(() -> log.appendAsLeader(idempotent(PID, (short) (EPOCH + 1), 5, "new"), 0))
            .isInstanceOf(OutOfOrderSequenceException.class);
        log.appendAsLeader(idempotent(PID, (short) (EPOCH + 1), 0, "new"), 0);
        ProducerStateEntry entry = log.producerState(PID).orElseThrow();
        assertThat(entry.producerEpoch()).isEqualTo((short) (EPOCH + 1));
        assertThat(entry.batchMetadata()).hasSize(1);
    }

    @Test
    void unknownProducerMayStartAtAnySequence() throws IOException {
        Log log = new TestLogs(root).open(LogConfig.DEFAULT);
        LogAppendInfo info = log.appendAsLeader(idempotent(PID, EPOCH, 17, "resumed"), 0);
        assertThat(info.duplicate()).isFalse();
        assertThat(log.producerState(PID).orElseThrow().lastSequence()).isEqualTo(17);
        log.appendAsLeader(idempotent(PID, EPOCH, 18, "next"), 0);
    }

    @Test
    void producerStateSurvivesCleanReopenThroughSnapshot() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = logs.open(LogConfig.DEFAULT);
        var batch = idempotent(PID, EPOCH, 0, "a", "b");
        log.appendAsLeader(copy(batch), 0);
        log.close();
        try (Stream<Path> files = Files.list(logs.logDir())) {
            assertThat(files.map(p -> p.getFileName().toString())).contains("00000000000000000002.snapshot");
        }
        Log reopened = logs.open(LogConfig.DEFAULT);
        assertThat(reopened.producerState(PID).orElseThrow().lastSequence()).isEqualTo(1);
        LogAppendInfo retry = reopened.appendAsLeader(copy(batch), 0);
        assertThat(retry.duplicate()).isTrue();
        assertThat(retry.firstOffset()).isZero();
        assertThatThrownBy(() -> reopened.appendAsLeader(idempotent(PID, EPOCH, 5, "x"), 0))
            .isInstanceOf(OutOfOrderSequenceException.class);
    }

    @Test
    void producerStateIsRebuiltFromTheLogWithoutSnapshots() throws IOException {
        TestLogs logs = new TestLogs(root);
        LogConfig config = TestLogs.config("internal.segment.bytes", "300");
        Log log = logs.open(config);
        for (int seq = 0; seq < 10; seq++) {
            log.appendAsLeader(idempotent(PID, EPOCH, seq, "value-" + seq), 0);
        }
        assertThat(log.numberOfSegments()).isGreaterThan(2);
        log.close();
        try (Stream<Path> files = Files.list(logs.logDir())) {
            for (Path p : files.filter(p -> p.toString().endsWith(".snapshot")).toList()) {
                Files.delete(p);
            }
        }
        Log crashed = logs.openAfterCrash(config);
        assertThat(crashed.producerState(PID).orElseThrow().lastSequence()).isEqualTo(9);
        assertThat(crashed.appendAsLeader(idempotent(PID, EPOCH, 9, "value-9"), 0).duplicate()).isTrue();
        assertThat(crashed.appendAsLeader(idempotent(PID, EPOCH, 10, "value-10"), 0).firstOffset()).isEqualTo(10);
    }

    @Test
    void staleSnapshotBeyondTheLogEndIsIgnoredAfterTruncation() throws IOException {
        TestLogs logs = new TestLogs(root);
        LogConfig config = TestLogs.config("internal.segment.bytes", "300");
        Log log = logs.open(config);
        for (int seq = 0; seq < 8; seq++) {
            log.appendAsLeader(idempotent(PID, EPOCH, seq, "value-" + seq), 0);
        }
        log.truncateTo(4);
        assertThat(log.logEndOffset()).isEqualTo(4);
        assertThat(log.producerState(PID).orElseThrow().lastSequence()).isEqualTo(3);
        log.appendAsLeader(idempotent(PID, EPOCH, 4, "again-4"), 0);
        assertThat(TestRecords.valuesOf(TestRecords.readAll(log))).endsWith("value-3", "again-4");
    }
}
