package io.potok.broker.group;

import io.potok.broker.group.log.GroupLog;
import io.potok.broker.group.log.GroupRecord;
import io.potok.broker.group.log.GroupRecordSerde;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A {@link GroupLog} in memory that stores records in their serialized form (so every test also
 * exercises the serde), can hold back the high watermark, and can fail appends.
 */
final class InMemoryGroupLog implements GroupLog {
    private record Entry(byte[] key, byte[] value) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private RuntimeException failNextAppends;
    private boolean holdHighWatermark;
    private long highWatermark;

    @Override
    public long append(List<GroupRecord> records) {
        if (failNextAppends != null) {
            throw failNextAppends;
        }
        for (GroupRecord r : records) {
            entries.add(new Entry(GroupRecordSerde.key(r), GroupRecordSerde.value(r)));
        }
        if (!holdHighWatermark) {
            highWatermark = entries.size();
        }
        return entries.size() - 1;
    }

    @Override
    public long highWatermark() {
        return highWatermark;
    }

    @Override
    public long replay(Consumer<GroupRecord> consumer) {
        for (Entry e : entries) {
            consumer.accept(GroupRecordSerde.read(ByteBuffer.wrap(e.key), e.value == null ? null : ByteBuffer.wrap(e.value)));
        }
        return entries.size();
    }

    /** Every record written so far, deserialized. */
    List<GroupRecord> records() {
        List<GroupRecord> out = new ArrayList<>();
        replay(out::add);
        return out;
    }

    int size() {
        return entries.size();
    }

    void failAppends(RuntimeException e) {
        this.failNextAppends = e;
    }

    void holdHighWatermark(boolean hold) {
        this.holdHighWatermark = hold;
        if (!hold) {
            highWatermark = entries.size();
        }
    }
}
