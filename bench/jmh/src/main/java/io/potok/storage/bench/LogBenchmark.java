package io.potok.storage.bench;

import io.potok.storage.FetchDataInfo;
import io.potok.storage.Log;
import io.potok.storage.LogConfig;
import io.potok.storage.LogManager;
import io.potok.storage.LogManagerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Append and read throughput of one partition log (page cache, no fsync per append).
 * {@code appendBatch} appends a producer batch of {@code recordsPerBatch} records of 100 bytes;
 * {@code readTail} reads 64 KiB from a random offset of a pre-filled log.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LogBenchmark {

    @Param({"1", "10", "100"})
    public int recordsPerBatch;

    private Path dir;
    private LogManager manager;
    private Log log;
    private byte[] batchBytes;
    private long readOffset;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("potok-bench");
        LogManagerConfig config = LogManagerConfig.defaults(List.of(dir));
        manager = new LogManager(config, Time.SYSTEM);
        manager.startup(tp -> LogConfig.DEFAULT);
        log = manager.getOrCreateLog(new TopicPartition("bench", 0),
            LogConfig.fromTopicConfigs(Map.of("segment.bytes", String.valueOf(64 * 1024 * 1024),
                "retention.bytes", String.valueOf(512L * 1024 * 1024))));
        SimpleRecord[] records = new SimpleRecord[recordsPerBatch];
        for (int i = 0; i < records.length; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), null, new byte[100]);
        }
        MemoryRecords template = MemoryRecords.withRecords(Compression.NONE, records);
        batchBytes = new byte[template.sizeInBytes()];
        template.buffer().get(batchBytes);
        for (int i = 0; i < 10_000; i++) {
            log.appendAsLeader(batch(), 0);
        }
    }

    private MemoryRecords batch() {
        return MemoryRecords.readableRecords(ByteBuffer.wrap(batchBytes.clone()));
    }

    @Setup(Level.Invocation)
    public void pickOffset() {
        readOffset = log.logStartOffset()
            + (long) (Math.random() * Math.max(1, log.logEndOffset() - log.logStartOffset() - 1));
    }

    @Benchmark
    public long appendBatch() {
        long last = log.appendAsLeader(batch(), 0).lastOffset();
        if (log.numberOfSegments() > 8) {
            log.deleteOldSegments();
        }
        return last;
    }

    @Benchmark
    public int readTail() {
        FetchDataInfo info = log.read(readOffset, 64 * 1024, Long.MAX_VALUE, true);
        return info.records().sizeInBytes();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        manager.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
