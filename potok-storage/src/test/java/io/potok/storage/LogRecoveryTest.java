package io.potok.storage;

import org.apache.kafka.common.record.internal.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LogRecoveryTest {

    @TempDir
    Path root;

    private final ByteArrayOutputStream logOutput = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureLogging() {
        originalErr = System.err;
        System.setErr(new PrintStream(logOutput, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreLogging() {
        System.setErr(originalErr);
    }

    private String logged() {
        return logOutput.toString(StandardCharsets.UTF_8);
    }

    private static final LogConfig CONFIG = TestLogs.config("internal.segment.bytes", "2000",
        "index.interval.bytes", "200");

    /** 50 batches of 2 records over several segments; returns the batch byte positions of the active segment. */
    private static Log writeLog(TestLogs logs) throws IOException {
        Log log = logs.open(CONFIG);
        for (int i = 0; i < 50; i++) {
            log.appendAsLeader(TestRecords.values(1000 + i, "value-" + (2 * i), "value-" + (2 * i + 1)), 0);
        }
        return log;
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0xFF);
        }
    }

    @Test
    void corruptedByteTruncatesTheLogAtThatBatchAndServesThePrefix() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = writeLog(logs);
        List<LogSegment> segments = log.segmentsSnapshot();
        assertThat(segments.size()).isGreaterThanOrEqualTo(3);
        LogSegment victim = segments.get(1);
        // Find the batch in the middle of the second segment.
        FetchDataInfo info = victim.read(victim.baseOffset(), Integer.MAX_VALUE, victim.size(), Long.MAX_VALUE, true);
        var batches = TestRecords.batches(info.records());
        var middle = batches.get(batches.size() / 2);
        int position = 0;
        for (var b : batches) {
            if (b == middle) {
                break;
            }
            position += b.sizeInBytes();
        }
        long corruptBatchBase = middle.baseOffset();
        Path victimFile = victim.logFile();
        log.close(); // closes files; crash simulated by reopening without the clean shutdown marker
        flipByte(victimFile, position + middle.sizeInBytes() / 2);

        Log recovered = logs.openAfterCrash(CONFIG);
        assertThat(recovered.logEndOffset()).isEqualTo(corruptBatchBase);
        assertThat(recovered.activeSegment().baseOffset()).isEqualTo(victim.baseOffset());
        assertThat(recovered.numberOfSegments()).isEqualTo(2);
        List<Record> records = TestRecords.readAll(recovered);
        assertThat(records).hasSize((int) corruptBatchBase);
        for (Record r : records) {
            assertThat(TestRecords.string(r.value())).isEqualTo("value-" + r.offset());
        }
        assertThat(logged()).contains("WARN").contains(victimFile.toString())
            .contains("byte position " + position).contains("offset " + corruptBatchBase)
            .contains("CRC mismatch");
        // The log accepts appends again right after the prefix.
        assertThat(recovered.appendAsLeader(TestRecords.values(1, "new"), 0).firstOffset()).isEqualTo(corruptBatchBase);
    }

    @Test
    void tornTailWriteIsCutOff() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = writeLog(logs);
        long end = log.logEndOffset();
        Path active = log.activeSegment().logFile();
        log.close();
        long size = Files.size(active);
        // Half a batch at the end, as left by a crash in the middle of a write.
        byte[] partial = new byte[40];
        System.arraycopy(Files.readAllBytes(active), 0, partial, 0, 40);
        Files.write(active, partial, java.nio.file.StandardOpenOption.APPEND);

        Log recovered = logs.openAfterCrash(CONFIG);
        assertThat(recovered.logEndOffset()).isEqualTo(end);
        assertThat(Files.size(active)).isEqualTo(size);
        assertThat(TestRecords.readAll(recovered)).hasSize((int) end);
    }

    @Test
    void onlySegmentsFromTheRecoveryPointAreRevalidated() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = writeLog(logs);
        List<LogSegment> segments = log.segmentsSnapshot();
        Path firstFile = segments.get(0).logFile();
        long recoveryPoint = segments.get(segments.size() - 1).baseOffset();
        long end = log.logEndOffset();
        log.close();
        flipByte(firstFile, 100); // below the recovery point: trusted, as in Kafka
        Log recovered = Log.load(logs.logDir(), TestLogs.TP, CONFIG, recoveryPoint, 0, false, logs.time,
            logs.scheduler, (d, m, e) -> { });
        assertThat(recovered.logEndOffset()).isEqualTo(end);
    }

    @Test
    void missingOrCorruptIndexesAreRebuilt() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = writeLog(logs);
        List<LogSegment> segments = log.segmentsSnapshot();
        Path missingIndex = segments.get(0).offsetIndex().file();
        Path corruptTimeIndex = segments.get(1).timeIndex().file();
        Path corruptIndex = segments.get(2).offsetIndex().file();
        int entriesBefore = segments.get(0).offsetIndex().entries();
        log.close();
        Files.delete(missingIndex);
        try (RandomAccessFile raf = new RandomAccessFile(corruptTimeIndex.toFile(), "rw")) {
            raf.setLength(raf.length() + 5);
        }
        try (RandomAccessFile raf = new RandomAccessFile(corruptIndex.toFile(), "rw")) {
            raf.seek(raf.length() - 4);
            raf.writeInt(999_999); // a position far beyond the segment
        }

        Log reopened = logs.open(CONFIG);
        assertThat(reopened.segmentsSnapshot().get(0).offsetIndex().entries()).isEqualTo(entriesBefore);
        assertThat(logged()).contains("rebuilding indexes of " + segments.get(0).logFile())
            .contains("rebuilding indexes of " + segments.get(2).logFile());
        for (long offset = 0; offset < 100; offset += 3) {
            var batch = TestRecords.batches(reopened.read(offset, 1, Long.MAX_VALUE, true).records()).get(0);
            assertThat(batch.baseOffset()).isLessThanOrEqualTo(offset);
            assertThat(batch.lastOffset()).isGreaterThanOrEqualTo(offset);
        }
        assertThat(reopened.offsetForTimestamp(1010)).map(TimestampAndOffset::offset).contains(20L);
    }

    @Test
    void leftoversOfInterruptedWorkAreRemovedAtLoad() throws IOException {
        TestLogs logs = new TestLogs(root);
        Log log = writeLog(logs);
        long end = log.logEndOffset();
        log.close();
        Path dir = logs.logDir();
        Files.write(dir.resolve("00000000000000000000.log.cleaned"), new byte[100]);
        Files.write(dir.resolve("00000000000000000099.log.deleted"), new byte[100]);
        Files.write(dir.resolve("00000000000000000099.index"), new byte[16]); // orphan index
        Files.write(dir.resolve("00000000000000000012.snapshot.tmp"), new byte[3]);
        Log reopened = logs.open(CONFIG);
        assertThat(reopened.logEndOffset()).isEqualTo(end);
        List<String> names = new ArrayList<>();
        try (var files = Files.list(dir)) {
            files.forEach(p -> names.add(p.getFileName().toString()));
        }
        assertThat(names).noneMatch(n -> n.endsWith(".cleaned") || n.endsWith(".deleted") || n.endsWith(".tmp"))
            .doesNotContain("00000000000000000099.index");
    }

    @Test
    void preallocatedSegmentsAreTrimmedOnCloseAndRecoveredAfterCrash() throws IOException {
        TestLogs logs = new TestLogs(root);
        LogConfig config = TestLogs.config("internal.segment.bytes", "100000", "preallocate", "true");
        Log log = logs.open(config);
        log.appendAsLeader(TestRecords.values(1, "a", "b"), 0);
        Path file = log.activeSegment().logFile();
        assertThat(Files.size(file)).isEqualTo(100000);
        log.flush();
        // Crash: no close. Recovery must stop at the zero-filled preallocated tail.
        Log recovered = logs.openAfterCrash(config);
        assertThat(recovered.logEndOffset()).isEqualTo(2);
        assertThat(TestRecords.valuesOf(TestRecords.readAll(recovered))).containsExactly("a", "b");
        recovered.close();
        assertThat(Files.size(file)).isLessThan(200);
    }
}
