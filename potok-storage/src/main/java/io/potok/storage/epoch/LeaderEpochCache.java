package io.potok.storage.epoch;

import io.potok.storage.checkpoint.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader epochs of one log and where each began, persisted in {@code leader-epoch-checkpoint}
 * in Kafka's text format ({@code 0}, count, then {@code epoch startOffset} lines).
 *
 * <p>Invariant: epochs and start offsets both strictly increase along {@link #entries}. A follower
 * that finds its history diverging from the leader's asks where its last epoch ends on the leader
 * and truncates there (KIP-101, KIP-279), which this cache answers.
 *
 * <p>Thread-safety: all methods synchronise on this object; the file is rewritten atomically on
 * every change (changes are rare: one per leader change).
 */
public final class LeaderEpochCache {
    public static final String FILE_NAME = "leader-epoch-checkpoint";
    private static final Logger log = LoggerFactory.getLogger(LeaderEpochCache.class);

    private final Path file;
    private final List<EpochEntry> entries = new ArrayList<>();

    private LeaderEpochCache(Path file) {
        this.file = file;
    }

    /** Loads the cache of the log in {@code dir}; a missing or unreadable file gives an empty cache. */
    public static LeaderEpochCache load(Path dir) {
        LeaderEpochCache cache = new LeaderEpochCache(dir.resolve(FILE_NAME));
        Path file = cache.file;
        if (!Files.exists(file)) {
            return cache;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            int count = Integer.parseInt(lines.get(1).trim());
            for (int i = 0; i < count; i++) {
                String[] parts = lines.get(2 + i).trim().split("\\s+");
                EpochEntry entry = new EpochEntry(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
                if (cache.entries.isEmpty() || (entry.epoch() > cache.latest().epoch()
                        && entry.startOffset() >= cache.latest().startOffset())) {
                    cache.entries.add(entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            log.warn("Ignoring unreadable {} ({}); the epoch history of this replica starts afresh", file, e.toString());
            cache.entries.clear();
        }
        return cache;
    }

    /** Records that {@code epoch} starts at {@code startOffset}, if it is newer than the latest known epoch. */
    public synchronized void assign(int epoch, long startOffset) {
        if (epoch < 0) {
            return;
        }
        if (!entries.isEmpty()) {
            EpochEntry latest = latest();
            if (epoch <= latest.epoch()) {
                return;
            }
            // A new epoch that starts no later than the latest one replaces the stale tail.
            while (!entries.isEmpty() && latest().startOffset() >= startOffset) {
                entries.remove(entries.size() - 1);
            }
        }
        entries.add(new EpochEntry(epoch, startOffset));
        persist();
    }

    /** The latest epoch, or -1 when none is known. */
    public synchronized int latestEpoch() {
        return entries.isEmpty() ? -1 : latest().epoch();
    }

    public synchronized List<EpochEntry> entries() {
        return List.copyOf(entries);
    }

    /**
     * Where {@code requestedEpoch} ends: for the latest epoch, the log end offset; for an older one,
     * the start of the next epoch this log knows. For an epoch older than every epoch known here
     * (a follower's history from before this log's first epoch, e.g. after an unclean election) it
     * is {@code requestedEpoch} ending where the first known epoch starts, as in Kafka: the follower
     * must drop everything from there.
     */
    public synchronized EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        if (entries.isEmpty() || requestedEpoch < 0) {
            return EpochEndOffset.UNDEFINED;
        }
        if (requestedEpoch < entries.get(0).epoch()) {
            return new EpochEndOffset(requestedEpoch, entries.get(0).startOffset());
        }
        for (int i = entries.size() - 1; i >= 0; i--) {
            EpochEntry entry = entries.get(i);
            if (entry.epoch() <= requestedEpoch) {
                long end = i == entries.size() - 1 ? logEndOffset : entries.get(i + 1).startOffset();
                return new EpochEndOffset(entry.epoch(), end);
            }
        }
        return EpochEndOffset.UNDEFINED;
    }

    /** Forgets epochs that start at or after {@code endOffset} (the log was truncated there). */
    public synchronized void truncateFromEnd(long endOffset) {
        boolean changed = false;
        while (!entries.isEmpty() && latest().startOffset() >= endOffset) {
            entries.remove(entries.size() - 1);
            changed = true;
        }
        if (changed) {
            persist();
        }
    }

    /** Forgets everything (the log restarted at a new offset). */
    public synchronized void clear() {
        if (!entries.isEmpty()) {
            entries.clear();
            persist();
        }
    }

    private EpochEntry latest() {
        return entries.get(entries.size() - 1);
    }

    private void persist() {
        StringBuilder text = new StringBuilder("0\n").append(entries.size()).append('\n');
        for (EpochEntry entry : entries) {
            text.append(entry.epoch()).append(' ').append(entry.startOffset()).append('\n');
        }
        try {
            AtomicFile.write(file, text.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
