package io.potok.storage.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * {@code partition.metadata} in a partition directory: the id of the topic the log belongs to, in Kafka's format
 * ({@code version: 0} and {@code topic_id: <base64 id>} lines). A log whose topic id differs from the topic of the same
 * name in the metadata is a leftover of a deleted topic, never data of the current one.
 *
 * <p>Written without fsync (as Kafka does): after an operating-system crash the file may be missing or empty, which
 * reads as "no id known", and the broker assigns the current topic's id again.
 */
public final class PartitionMetadataFile {
    public static final String FILE_NAME = "partition.metadata";
    private static final String VERSION_LINE = "version: 0";
    private static final String TOPIC_ID_PREFIX = "topic_id: ";

    private final Path file;

    public PartitionMetadataFile(Path partitionDir) {
        this.file = partitionDir.resolve(FILE_NAME);
    }

    /** The topic id recorded, if the file exists and is well formed. */
    public Optional<Uuid> read() throws IOException {
        String content;
        try {
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        String[] lines = content.split("\n");
        if (lines.length < 2 || !lines[0].trim().equals(VERSION_LINE) || !lines[1].startsWith(TOPIC_ID_PREFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Uuid.fromString(lines[1].substring(TOPIC_ID_PREFIX.length()).trim()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public void write(Uuid topicId) throws IOException {
        AtomicFile.write(file, (VERSION_LINE + "\n" + TOPIC_ID_PREFIX + topicId + "\n").getBytes(StandardCharsets.UTF_8),
            false);
    }
}
