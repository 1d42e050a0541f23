package io.potok.storage;

import org.apache.kafka.common.TopicPartition;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * Names of the files and directories of a log, compatible with Kafka's on-disk layout: segment files are named by their
 * base offset zero-padded to 20 digits, partition directories are {@code <topic>-<partition>}.
 *
 * <p>Stateless and thread-safe.
 */
final class LogFileNames {

    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String TIME_INDEX_SUFFIX = ".timeindex";
    static final String SNAPSHOT_SUFFIX = ".snapshot";
    /** Files scheduled for asynchronous deletion. */
    static final String DELETED_SUFFIX = ".deleted";
    /** Output of an unfinished cleaning: discarded at load. */
    static final String CLEANED_SUFFIX = ".cleaned";
    /** Output of a finished cleaning that is being swapped in: completed at load. */
    static final String SWAP_SUFFIX = ".swap";
    static final String DELETE_DIR_SUFFIX = "-delete";
    /** Directories of the node's own state kept in a log dir, such as {@code __potok_metadata}; never partitions. */
    static final String NODE_PRIVATE_DIR_PREFIX = "__potok_";

    private LogFileNames() {
    }

    static String filenamePrefixFromOffset(long offset) {
        return String.format("%020d", offset);
    }

    static Path logFile(Path dir, long baseOffset, String suffix) {
        return dir.resolve(filenamePrefixFromOffset(baseOffset) + LOG_SUFFIX + suffix);
    }

    static Path offsetIndexFile(Path dir, long baseOffset, String suffix) {
        return dir.resolve(filenamePrefixFromOffset(baseOffset) + INDEX_SUFFIX + suffix);
    }

    static Path timeIndexFile(Path dir, long baseOffset, String suffix) {
        return dir.resolve(filenamePrefixFromOffset(baseOffset) + TIME_INDEX_SUFFIX + suffix);
    }

    static Path snapshotFile(Path dir, long offset) {
        return dir.resolve(filenamePrefixFromOffset(offset) + SNAPSHOT_SUFFIX);
    }

    /** The offset a file name starts with ({@code 00000000000000000042.log.swap} → 42), if it has that shape. */
    static OptionalLong offsetFromFileName(String fileName) {
        int dot = fileName.indexOf('.');
        if (dot != 20) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(fileName.substring(0, dot)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    static String logDirName(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    /** {@code <topic>-<partition>.<uuid>-delete}: where a deleted partition waits for asynchronous removal. */
    static String deleteDirName(TopicPartition tp) {
        return logDirName(tp) + "." + UUID.randomUUID().toString().replace("-", "") + DELETE_DIR_SUFFIX;
    }

    static boolean isDeleteDirName(String name) {
        return name.endsWith(DELETE_DIR_SUFFIX) && name.indexOf('.') > 0;
    }

    /** Parses {@code <topic>-<partition>}; empty for anything else (stray, future or delete directories). */
    static Optional<TopicPartition> parseTopicPartitionName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return Optional.empty();
        }
        String topic = name.substring(0, dash);
        String partition = name.substring(dash + 1);
        for (int i = 0; i < partition.length(); i++) {
            if (!Character.isDigit(partition.charAt(i))) {
                return Optional.empty();
            }
        }
        for (int i = 0; i < topic.length(); i++) {
            char c = topic.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
                return Optional.empty();
            }
        }
        try {
            return Optional.of(new TopicPartition(topic, Integer.parseInt(partition)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
