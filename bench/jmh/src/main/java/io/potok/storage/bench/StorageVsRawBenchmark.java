package io.potok.storage.bench;

import io.potok.storage.BenchLogManagers;
import io.potok.storage.FetchDataInfo;
import io.potok.storage.FileSlice;
import io.potok.storage.Log;
import io.potok.storage.LogAppendInfo;
import io.potok.storage.LogConfig;
import io.potok.storage.LogManager;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Potok's log against a raw {@link FileChannel} doing the same I/O, in one JMH run on one disk.
 *
 * <ul>
 *   <li>{@code appendLog}: {@link Log#appendAsLeader} of a pre-built uncompressed v2 producer batch of
 *       {@code recordsPerBatch} records of {@code recordBytes} bytes (default 16 x 1 KiB, about 16.6 KB on disk).
 *       Includes validation (framing, CRC-32C, per-record walk), offset assignment in place, the positional write,
 *       index maintenance, rolling at {@link #SEGMENT_BYTES} and (amortised) retention.</li>
 *   <li>{@code appendRaw}: positional {@link FileChannel#write} of the very same batch bytes to a file that rolls at
 *       the same size; old files are deleted by a background thread, as the log's retention does.</li>
 *   <li>{@code readLog}: {@link Log#read} front to back over a pre-filled log of {@link #READ_LOG_BYTES} (16 x 1 KiB
 *       batches), {@link #READ_CHUNK_BYTES} per call, wrapping to the start at the end.</li>
 *   <li>{@code readLogSlice}: the fetch path, {@link Log#readSlice} (segment and batch boundaries located through the
 *       offset index) and the slice's bytes read into one reused heap buffer of {@link #READ_CHUNK_BYTES}; the broker
 *       hands the same slice to {@code sendfile} instead.</li>
 *   <li>{@code readRaw}: {@link FileChannel#read} of the same segment files front to back into one reused heap buffer
 *       of {@link #READ_CHUNK_BYTES}.</li>
 *   <li>{@code readRawNewBuffer}: attribution only, {@code readRaw} into a new buffer per call.</li>
 * </ul>
 *
 * <p>No fsync on either side: the raw side never forces, and the log is built with
 * {@link BenchLogManagers#start(Path, boolean)} so its background fsync-on-roll is dropped (the read fixture is fsynced
 * once in setup, outside the measurement, so that no writeback runs while reading). Everything runs in the page cache
 * of the disk holding {@code potok.bench.dir} (default {@code /tmp/potok-storage-bench}); all files are deleted at
 * tear-down.
 *
 * <p>Each benchmark counts the bytes it moved in the {@code bytes} auxiliary counter, reported by JMH as a rate
 * ("bytes" ops/s = bytes/s), so MB/s = bytes score / 1e6. {@link StorageBenchRunner} runs the comparison and prints the
 * ratios.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class StorageVsRawBenchmark {

    /** Segment size of the log and roll size of the raw files. */
    public static final int SEGMENT_BYTES = 256 * 1024 * 1024;
    /** Files kept by both append benchmarks (older ones are deleted): bounds disk use and dirty page cache. */
    public static final int FILES_KEPT = 4;
    /** Size of the pre-filled log both read benchmarks scan (4 segments). */
    public static final long READ_LOG_BYTES = 1024L * 1024 * 1024;
    /** maxBytes of each {@link Log#read} and size of the raw read buffer. */
    public static final int READ_CHUNK_BYTES = 1024 * 1024;
    /** Distinct batches cycled through, so the appended bytes are not always the same cache-hot 16 KB. */
    static final int POOL_SIZE = 64;

    static final TopicPartition TP = new TopicPartition("bench", 0);

    static Path benchRoot() throws IOException {
        Path root = Paths.get(System.getProperty("potok.bench.dir", "/tmp/potok-storage-bench"));
        return Files.createDirectories(root);
    }

    static LogConfig logConfig() {
        return LogConfig.fromTopicConfigs(Map.of(
            LogConfig.SEGMENT_BYTES_CONFIG, String.valueOf(SEGMENT_BYTES),
            LogConfig.RETENTION_BYTES_CONFIG, String.valueOf((long) (FILES_KEPT - 1) * SEGMENT_BYTES),
            LogConfig.FILE_DELETE_DELAY_MS_CONFIG, "0"));
    }

    /** The batch bytes, identical for the log and raw benchmarks (fixed seed). */
    static byte[][] buildBatches(int recordsPerBatch, int recordBytes) {
        Random random = new Random(42);
        long now = System.currentTimeMillis();
        byte[][] batches = new byte[POOL_SIZE][];
        for (int b = 0; b < POOL_SIZE; b++) {
            MemoryRecordsBuilder builder = MemoryRecords.builder(
                ByteBuffer.allocate(recordsPerBatch * (recordBytes + 64) + 128), Compression.NONE,
                TimestampType.CREATE_TIME, 0L);
            for (int r = 0; r < recordsPerBatch; r++) {
                byte[] value = new byte[recordBytes];
                random.nextBytes(value);
                builder.append(now, null, value);
            }
            MemoryRecords records = builder.build();
            byte[] bytes = new byte[records.sizeInBytes()];
            records.buffer().get(bytes);
            batches[b] = bytes;
        }
        return batches;
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Per-iteration counters, reported by JMH as per-second rates: {@code bytes} moved (bytes/s) and {@code cpuNanos},
     * the benchmark thread's own CPU time (CPU ns per wall second, i.e. 1e9 when it was never descheduled). On a shared
     * machine {@code bytes / cpuNanos} (bytes per CPU-second of the benchmark thread) is far less sensitive to other
     * processes than the wall-clock rate; it does not count background threads or kernel writeback.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        public long bytes;
        public long cpuNanos;
        private long cpuAtStart;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
            cpuNanos = 0;
            cpuAtStart = THREADS.getCurrentThreadCpuTime();
        }

        @TearDown(Level.Iteration)
        public void stop() {
            cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuAtStart;
        }
    }

    @State(Scope.Thread)
    public static class LogAppendState {
        @Param({"16"})
        public int recordsPerBatch;
        @Param({"1024"})
        public int recordBytes;

        Path dir;
        LogManager manager;
        Log log;
        MemoryRecords[] pool;
        int next;
        long bytesSinceRetention;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory(benchRoot(), "append-log-");
            manager = BenchLogManagers.start(dir, false);
            log = manager.getOrCreateLog(TP, logConfig());
            byte[][] batches = buildBatches(recordsPerBatch, recordBytes);
            pool = new MemoryRecords[POOL_SIZE];
            for (int i = 0; i < POOL_SIZE; i++) {
                // Appends rewrite base offset and leader epoch in place (outside the CRC), so a batch can be re-used.
                pool[i] = MemoryRecords.readableRecords(ByteBuffer.wrap(batches[i]));
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            manager.deleteLog(TP); // releases handles without the fsync a close would do
            manager.close();
            deleteRecursively(dir);
        }
    }

    @State(Scope.Thread)
    public static class RawAppendState {
        @Param({"16"})
        public int recordsPerBatch;
        @Param({"1024"})
        public int recordBytes;

        Path dir;
        ByteBuffer[] pool;
        int next;
        FileChannel channel;
        long position;
        long fileSeq;
        final ArrayDeque<Path> files = new ArrayDeque<>();
        ExecutorService deleter;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory(benchRoot(), "append-raw-");
            byte[][] batches = buildBatches(recordsPerBatch, recordBytes);
            pool = new ByteBuffer[POOL_SIZE];
            for (int i = 0; i < POOL_SIZE; i++) {
                pool[i] = ByteBuffer.wrap(batches[i]);
            }
            deleter = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "raw-deleter");
                t.setDaemon(true);
                return t;
            });
            roll();
        }

        /** Same as a segment roll: a new file; beyond {@link #FILES_KEPT} the oldest is deleted in the background. */
        void roll() throws IOException {
            if (channel != null) {
                channel.close();
            }
            Path file = dir.resolve(String.format("%020d.raw", fileSeq++));
            channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
            position = 0;
            files.addLast(file);
            while (files.size() > FILES_KEPT) {
                Path oldest = files.removeFirst();
                deleter.execute(() -> {
                    try {
                        Files.deleteIfExists(oldest);
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                });
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            channel.close();
            deleter.shutdown();
            deleter.awaitTermination(1, TimeUnit.MINUTES);
            deleteRecursively(dir);
        }
    }

    /** A log pre-filled with {@link #READ_LOG_BYTES} of 16 x 1 KiB batches, and raw channels on its segment files. */
    @State(Scope.Thread)
    public static class ReadState {
        Path dir;
        LogManager manager;
        Log log;
        long nextOffset;
        FileChannel[] segmentFiles;
        int fileIndex;
        long filePosition;
        ByteBuffer rawBuffer;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            dir = Files.createTempDirectory(benchRoot(), "read-");
            manager = BenchLogManagers.start(dir, false);
            log = manager.getOrCreateLog(TP, LogConfig.fromTopicConfigs(Map.of(
                LogConfig.SEGMENT_BYTES_CONFIG, String.valueOf(SEGMENT_BYTES))));
            byte[][] batches = buildBatches(16, 1024);
            long written = 0;
            for (int i = 0; written < READ_LOG_BYTES; i++) {
                MemoryRecords batch = MemoryRecords.readableRecords(ByteBuffer.wrap(batches[i % POOL_SIZE]));
                written += log.appendAsLeader(batch, 0).validBytes();
            }
            log.flush(); // outside the measurement: no writeback of the fixture while reading
            nextOffset = log.logStartOffset();
            try (Stream<Path> files = Files.list(log.dir())) {
                List<Path> segments = files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
                segmentFiles = new FileChannel[segments.size()];
                for (int i = 0; i < segments.size(); i++) {
                    segmentFiles[i] = FileChannel.open(segments.get(i), StandardOpenOption.READ);
                }
            }
            rawBuffer = ByteBuffer.allocate(READ_CHUNK_BYTES);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            for (FileChannel channel : segmentFiles) {
                channel.close();
            }
            manager.deleteLog(TP);
            manager.close();
            deleteRecursively(dir);
        }
    }

    // ------------------------------------------------------------------------------------------------ appends

    @Benchmark
    public long appendLog(LogAppendState s, Bytes counter) {
        MemoryRecords batch = s.pool[s.next];
        s.next = (s.next + 1) & (POOL_SIZE - 1);
        LogAppendInfo info = s.log.appendAsLeader(batch, 0);
        int size = info.validBytes();
        counter.bytes += size;
        s.bytesSinceRetention += size;
        if (s.bytesSinceRetention >= SEGMENT_BYTES) {
            // Once per segment: what the retention task does, files removed by the log's background scheduler.
            s.bytesSinceRetention = 0;
            s.log.deleteOldSegments();
        }
        return info.lastOffset();
    }

    @Benchmark
    public long appendRaw(RawAppendState s, Bytes counter) throws IOException {
        ByteBuffer batch = s.pool[s.next];
        s.next = (s.next + 1) & (POOL_SIZE - 1);
        batch.clear();
        int size = batch.remaining();
        if (s.position + size > SEGMENT_BYTES) {
            s.roll();
        }
        long pos = s.position;
        while (batch.hasRemaining()) {
            pos += s.channel.write(batch, pos);
        }
        s.position = pos;
        counter.bytes += size;
        return pos;
    }

    // ------------------------------------------------------------------------------------------------ reads

    @Benchmark
    public void readLog(ReadState s, Bytes counter, Blackhole bh) {
        FetchDataInfo info = s.log.read(s.nextOffset, READ_CHUNK_BYTES, Long.MAX_VALUE, true);
        ByteBuffer buf = info.records().buffer();
        int limit = buf.limit();
        // Walk the batch headers to the next offset to fetch, as a consumer would.
        long lastOffset = s.nextOffset - 1;
        for (int pos = buf.position(); pos < limit; pos += buf.getInt(pos + 8) + 12) {
            lastOffset = buf.getLong(pos) + buf.getInt(pos + 23);
        }
        long next = lastOffset + 1;
        s.nextOffset = next >= s.log.logEndOffset() ? s.log.logStartOffset() : next;
        counter.bytes += limit - buf.position();
        bh.consume(buf);
    }

    /**
     * The broker's fetch path: {@link Log#readSlice} finds the batches (index lookups, a few header reads, no copy), then
     * the slice is read into one reused buffer, the same I/O {@code readRaw} does, where the broker would
     * {@code sendfile} it instead.
     */
    @Benchmark
    public void readLogSlice(ReadState s, Bytes counter, Blackhole bh) throws IOException {
        FileSlice slice = s.log.readSlice(s.nextOffset, READ_CHUNK_BYTES, Long.MAX_VALUE, true);
        ByteBuffer buf = s.rawBuffer;
        buf.clear().limit(slice.sizeInBytes());
        long position = slice.position();
        while (buf.hasRemaining()) {
            int read = slice.channel().read(buf, position);
            if (read < 0) {
                throw new IOException("slice runs past the end of its file");
            }
            position += read;
        }
        int limit = buf.position();
        long lastOffset = s.nextOffset - 1;
        for (int pos = 0; pos < limit; pos += buf.getInt(pos + 8) + 12) {
            lastOffset = buf.getLong(pos) + buf.getInt(pos + 23);
        }
        long next = lastOffset + 1;
        s.nextOffset = next >= s.log.logEndOffset() ? s.log.logStartOffset() : next;
        counter.bytes += limit;
        bh.consume(buf);
    }

    @Benchmark
    public void readRaw(ReadState s, Bytes counter, Blackhole bh) throws IOException {
        ByteBuffer buf = s.rawBuffer;
        buf.clear();
        int read = s.segmentFiles[s.fileIndex].read(buf, s.filePosition);
        while (read <= 0) {
            s.fileIndex = (s.fileIndex + 1) % s.segmentFiles.length;
            s.filePosition = 0;
            read = s.segmentFiles[s.fileIndex].read(buf, 0);
        }
        s.filePosition += read;
        counter.bytes += read;
        bh.consume(buf);
    }

    /**
     * Attribution only, not part of the comparison: {@code readRaw} into a newly allocated 1 MiB heap buffer per call,
     * which is what {@link Log#read} has to do since it hands each caller its own copy of the bytes.
     */
    @Benchmark
    public void readRawNewBuffer(ReadState s, Bytes counter, Blackhole bh) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(READ_CHUNK_BYTES);
        int read = s.segmentFiles[s.fileIndex].read(buf, s.filePosition);
        while (read <= 0) {
            s.fileIndex = (s.fileIndex + 1) % s.segmentFiles.length;
            s.filePosition = 0;
            read = s.segmentFiles[s.fileIndex].read(buf, 0);
        }
        s.filePosition += read;
        counter.bytes += read;
        bh.consume(buf);
    }
}
