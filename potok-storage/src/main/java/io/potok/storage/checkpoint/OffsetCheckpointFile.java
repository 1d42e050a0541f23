package io.potok.storage.checkpoint;

import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A per-log-dir map from partition to offset in Kafka's checkpoint text format, used for
 * {@code recovery-point-offset-checkpoint}, {@code log-start-offset-checkpoint} and {@code cleaner-offset-checkpoint}:
 * <pre>
 * 0                  version
 * 2                  number of entries
 * orders 0 1542      topic partition offset
 * orders 1 77
 * </pre>
 * Writes are atomic ({@link AtomicFile}). A missing file reads as empty; a malformed one throws
 * {@link MalformedCheckpointException} so the caller decides how conservative to be.
 *
 * <p>Thread-safety: {@link #write} is synchronized per instance; {@link #read} can run concurrently with a write
 * and sees the old or the new content.
 */
public final class OffsetCheckpointFile {

    public static final int CURRENT_VERSION = 0;

    private final Path file;

    public OffsetCheckpointFile(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public synchronized void write(Map<TopicPartition, Long> offsets) throws IOException {
        StringBuilder sb = new StringBuilder(32 + offsets.size() * 32);
        sb.append(CURRENT_VERSION).append('\n').append(offsets.size()).append('\n');
        // Sorted only so that files are easy to diff when debugging.
        Map<String, Long> sorted = new TreeMap<>();
        for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
            sorted.put(e.getKey().topic() + ' ' + e.getKey().partition(), e.getValue());
        }
        for (Map.Entry<String, Long> e : sorted.entrySet()) {
            sb.append(e.getKey()).append(' ').append(e.getValue()).append('\n');
        }
        AtomicFile.write(file, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    public Map<TopicPartition, Long> read() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Map.of();
        }
        if (lines.size() < 2) {
            throw new MalformedCheckpointException(file, "expected a version and a count line, found " + lines.size()
                + " lines");
        }
        int version = parseInt(lines.get(0), "version");
        if (version != CURRENT_VERSION) {
            throw new MalformedCheckpointException(file, "unsupported version " + version);
        }
        int expected = parseInt(lines.get(1), "entry count");
        if (expected < 0 || lines.size() - 2 != expected) {
            throw new MalformedCheckpointException(file, "expected " + expected + " entries, found " + (lines.size() - 2));
        }
        Map<TopicPartition, Long> result = new HashMap<>(expected * 2);
        for (int i = 2; i < lines.size(); i++) {
            String[] parts = lines.get(i).split(" ");
            if (parts.length != 3) {
                throw new MalformedCheckpointException(file, "malformed line '" + lines.get(i) + "'");
            }
            int partition = parseInt(parts[1], "partition");
            long offset;
            try {
                offset = Long.parseLong(parts[2]);
            } catch (NumberFormatException e) {
                throw new MalformedCheckpointException(file, "malformed offset in line '" + lines.get(i) + "'");
            }
            result.put(new TopicPartition(parts[0], partition), offset);
        }
        return result;
    }

    private int parseInt(String value, String what) throws MalformedCheckpointException {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new MalformedCheckpointException(file, "malformed " + what + " '" + value + "'");
        }
    }

    /** A checkpoint file exists but cannot be parsed. */
    public static final class MalformedCheckpointException extends IOException {
        private static final long serialVersionUID = 1L;

        public MalformedCheckpointException(Path file, String reason) {
            super("Malformed checkpoint file " + file + ": " + reason);
        }
    }
}
