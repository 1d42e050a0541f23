package io.potok.broker.group.offsets;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * The committed offsets of the groups of one coordinator shard, as replayed from
 * {@code __consumer_offsets}. Changed only by {@link #replay}, so that the state is always the fold
 * of the log, both while loading and after each durable write.
 *
 * <p>Invariant: a group's map is never empty (the group entry goes with its last offset).
 *
 * <p>Thread-safety: not thread-safe; confined to the shard's executor.
 */
public final class OffsetStore {
    private final Map<String, Map<TopicPartition, OffsetAndMetadata>> offsets = new HashMap<>();

    /** Applies one offset record; a null value is a tombstone. */
    public void replay(String groupId, TopicPartition tp, OffsetAndMetadata value) {
        if (value == null) {
            Map<TopicPartition, OffsetAndMetadata> group = offsets.get(groupId);
            if (group != null) {
                group.remove(tp);
                if (group.isEmpty()) {
                    offsets.remove(groupId);
                }
            }
        } else {
            offsets.computeIfAbsent(groupId, g -> new HashMap<>()).put(tp, value);
        }
    }

    public OffsetAndMetadata get(String groupId, TopicPartition tp) {
        Map<TopicPartition, OffsetAndMetadata> group = offsets.get(groupId);
        return group == null ? null : group.get(tp);
    }

    /** The group's offsets ordered by topic and partition (read-only view of a copy). */
    public Map<TopicPartition, OffsetAndMetadata> offsets(String groupId) {
        Map<TopicPartition, OffsetAndMetadata> group = offsets.get(groupId);
        if (group == null) {
            return Map.of();
        }
        Map<TopicPartition, OffsetAndMetadata> sorted = new TreeMap<>((a, b) -> a.topic().equals(b.topic())
                ? Integer.compare(a.partition(), b.partition()) : a.topic().compareTo(b.topic()));
        sorted.putAll(group);
        return Collections.unmodifiableMap(sorted);
    }

    public boolean hasOffsets(String groupId) {
        return offsets.containsKey(groupId);
    }

    public Set<String> groupIds() {
        return Set.copyOf(offsets.keySet());
    }

    public int size() {
        return offsets.values().stream().mapToInt(Map::size).sum();
    }
}
