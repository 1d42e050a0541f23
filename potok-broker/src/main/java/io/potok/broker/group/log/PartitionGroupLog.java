package io.potok.broker.group.log;

import io.potok.broker.replica.Partition;
import io.potok.broker.replica.ReplicaManager;
import io.potok.storage.FetchDataInfo;
import io.potok.storage.LogAppendInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link GroupLog} over a hosted {@code __consumer_offsets} partition: appends go through
 * {@link Partition#appendAsLeader} with acks=all, so leadership and {@code min.insync.replicas} are
 * checked as for any producer, and fetchers of the partition are woken up afterwards.
 *
 * <p>Thread-safety: safe to call from the owning shard's executor; the partition serialises appends.
 */
public final class PartitionGroupLog implements GroupLog {
    private static final Logger log = LoggerFactory.getLogger(PartitionGroupLog.class);
    private static final short ACKS_ALL = -1;

    private final Partition partition;
    private final ReplicaManager replicaManager;
    private final int loadBufferSize;
    private final Time time;

    public PartitionGroupLog(Partition partition, ReplicaManager replicaManager, int loadBufferSize, Time time) {
        this.partition = partition;
        this.replicaManager = replicaManager;
        this.loadBufferSize = loadBufferSize;
        this.time = time;
    }

    @Override
    public long append(List<GroupRecord> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("Nothing to append");
        }
        long now = time.milliseconds();
        SimpleRecord[] simple = new SimpleRecord[records.size()];
        for (int i = 0; i < simple.length; i++) {
            GroupRecord r = records.get(i);
            simple[i] = new SimpleRecord(now, GroupRecordSerde.key(r), GroupRecordSerde.value(r));
        }
        LogAppendInfo info = partition.appendAsLeader(MemoryRecords.withRecords(Compression.NONE, simple), ACKS_ALL);
        replicaManager.appended(partition.topicPartition());
        return info.lastOffset();
    }

    @Override
    public long highWatermark() {
        return partition.highWatermark();
    }

    @Override
    public long replay(Consumer<GroupRecord> consumer) {
        long offset = partition.logStartOffset();
        long end = partition.logEndOffset();
        long count = 0;
        while (offset < end) {
            FetchDataInfo info = partition.log().read(offset, loadBufferSize, end, true);
            MemoryRecords records = info.records();
            if (records.sizeInBytes() == 0) {
                break;
            }
            long next = offset;
            for (MutableRecordBatch batch : records.batches()) {
                next = batch.nextOffset();
                if (batch.isControlBatch()) {
                    continue;
                }
                for (Record record : batch) {
                    if (record.offset() < offset || !record.hasKey()) {
                        continue;
                    }
                    ByteBuffer value = record.hasValue() ? record.value() : null;
                    GroupRecord parsed;
                    try {
                        parsed = GroupRecordSerde.read(record.key(), value);
                    } catch (IllegalArgumentException e) {
                        log.error("Skipping unreadable record at offset {} of {}: {}", record.offset(),
                                partition.topicPartition(), e.getMessage());
                        continue;
                    }
                    if (parsed != null) {
                        consumer.accept(parsed);
                        count++;
                    }
                }
            }
            if (next <= offset) {
                break;
            }
            offset = next;
        }
        return count;
    }
}
