package io.potok.broker.replica;

import io.potok.metadata.image.PartitionImage;
import io.potok.storage.Log;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/** Partitions for tests outside this package (the constructor is the replica manager's business). */
public final class TestPartitions {
    private TestPartitions() {
    }

    /** Partition 0 of {@code tp}'s topic on {@code localNodeId}, following {@code leaderId} at {@code leaderEpoch}. */
    public static Partition follower(TopicPartition tp, Log log, int localNodeId, int leaderId, int leaderEpoch,
                                     Time time) {
        PartitionImage state = new PartitionImage(tp.partition(), List.of(leaderId, localNodeId),
                List.of(leaderId, localNodeId), leaderId, leaderEpoch, 0);
        return new Partition(tp, Uuid.randomUuid(), localNodeId, log, state, 1, 0, time,
                (partition, epoch, partitionEpoch, isr) -> { }, () -> { });
    }
}
