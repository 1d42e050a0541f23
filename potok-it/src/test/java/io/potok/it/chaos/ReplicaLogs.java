package io.potok.it.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * Compares the replicas of each partition byte for byte on disk, after a clean stop: the record
 * batches of every {@code .log} segment in {@code <log dir>/<topic>-<p>/}, below the smallest high
 * watermark the replicas checkpointed ({@code replication-offset-checkpoint}), must be identical
 * (same offsets, same bytes, leader epoch included) on every replica.
 *
 * <p>The batch parser reads Kafka's v2 layout: {@code baseOffset int64, batchLength int32,
 * partitionLeaderEpoch int32, magic int8, crc uint32, attributes int16, lastOffsetDelta int32, ...};
 * a batch spans {@code 12 + batchLength} bytes. A torn tail (fewer bytes than the header promises)
 * ends the segment.
 */
public final class ReplicaLogs {
    /** One batch as stored: its offsets and a checksum of all its bytes. */
    public record Batch(long baseOffset, long lastOffset, int leaderEpoch, long bytesCrc, int sizeInBytes) {
    }

    /**
     * What the comparison found: batches compared, the sum over partitions of the smallest checkpointed
     * high watermark, whether the logs are identical to their ends, and the problems found.
     */
    public record Comparison(int partitionsCompared, long batchesCompared, long highWatermarkSum,
                             boolean identicalToEnd, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private ReplicaLogs() {
    }

    /** {@code logDirs}: node id → its log dir. */
    public static Comparison compare(Map<Integer, Path> logDirs, String topic, int partitions) {
        List<String> problems = new ArrayList<>();
        long batchesCompared = 0;
        long hwSum = 0;
        boolean identicalToEnd = true;
        Map<Integer, Map<String, Long>> hws = new HashMap<>();
        for (Map.Entry<Integer, Path> e : logDirs.entrySet()) {
            hws.put(e.getKey(), readCheckpoint(e.getValue().resolve("replication-offset-checkpoint")));
        }
        for (int p = 0; p < partitions; p++) {
            String name = topic + "-" + p;
            Map<Integer, List<Batch>> batches = new TreeMap<>();
            long minHw = Long.MAX_VALUE;
            for (Map.Entry<Integer, Path> e : logDirs.entrySet()) {
                batches.put(e.getKey(), readBatches(e.getValue().resolve(name)));
                Long hw = hws.get(e.getKey()).get(name);
                if (hw == null) {
                    problems.add(name + ": node " + e.getKey() + " has no checkpointed high watermark");
                    hw = 0L;
                }
                minHw = Math.min(minHw, hw);
            }
            hwSum += minHw;
            Integer reference = null;
            List<Batch> expected = null;
            for (Map.Entry<Integer, List<Batch>> e : batches.entrySet()) {
                List<Batch> below = below(e.getValue(), minHw);
                if (reference == null) {
                    reference = e.getKey();
                    expected = below;
                    batchesCompared += below.size();
                    continue;
                }
                String diff = firstDifference(expected, below);
                if (diff != null) {
                    problems.add(name + ": below the high watermark " + minHw + ", node " + e.getKey()
                            + " differs from node " + reference + ": " + diff);
                }
                if (firstDifference(batches.get(reference), e.getValue()) != null) {
                    identicalToEnd = false;
                }
            }
            long committedEnd = expected == null || expected.isEmpty() ? 0 : expected.get(expected.size() - 1).lastOffset() + 1;
            if (committedEnd != minHw && minHw > 0) {
                problems.add(name + ": the batches below the high watermark " + minHw + " end at " + committedEnd
                        + " on node " + reference);
            }
        }
        return new Comparison(partitions, batchesCompared, hwSum, identicalToEnd, problems);
    }

    private static List<Batch> below(List<Batch> all, long highWatermark) {
        List<Batch> out = new ArrayList<>();
        for (Batch b : all) {
            if (b.lastOffset() < highWatermark) {
                out.add(b);
            }
        }
        return out;
    }

    private static String firstDifference(List<Batch> a, List<Batch> b) {
        int n = Math.min(a.size(), b.size());
        for (int i = 0; i < n; i++) {
            if (!a.get(i).equals(b.get(i))) {
                return "batch #" + i + " is " + b.get(i) + ", expected " + a.get(i);
            }
        }
        if (a.size() != b.size()) {
            return b.size() + " batches instead of " + a.size();
        }
        return null;
    }

    /** Every batch of every segment of the partition dir, in offset order. */
    public static List<Batch> readBatches(Path partitionDir) {
        List<Path> segments = new ArrayList<>();
        if (!Files.isDirectory(partitionDir)) {
            return List.of();
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(partitionDir, "*.log")) {
            files.forEach(segments::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        segments.sort((x, y) -> Long.compare(baseOffsetOf(x), baseOffsetOf(y)));
        List<Batch> out = new ArrayList<>();
        for (Path segment : segments) {
            ByteBuffer buf;
            try {
                buf = ByteBuffer.wrap(Files.readAllBytes(segment));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            while (buf.remaining() >= 12) {
                int start = buf.position();
                long baseOffset = buf.getLong(start);
                int length = buf.getInt(start + 8);
                if (length <= 0 || buf.remaining() < 12 + length || length < 49) {
                    break; // preallocated zeros or a torn tail
                }
                int leaderEpoch = buf.getInt(start + 12);
                int lastOffsetDelta = buf.getInt(start + 23);
                CRC32 crc = new CRC32();
                crc.update(buf.array(), start, 12 + length);
                out.add(new Batch(baseOffset, baseOffset + lastOffsetDelta, leaderEpoch, crc.getValue(), 12 + length));
                buf.position(start + 12 + length);
            }
        }
        return out;
    }

    private static long baseOffsetOf(Path segment) {
        String name = segment.getFileName().toString();
        return Long.parseLong(name.substring(0, name.indexOf('.')));
    }

    /** Kafka's offset checkpoint text: version, count, then {@code topic partition offset} lines. */
    public static Map<String, Long> readCheckpoint(Path file) {
        Map<String, Long> out = new HashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 2; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+");
                if (f.length == 3) {
                    out.put(f[0] + "-" + f[1], Long.parseLong(f[2]));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
