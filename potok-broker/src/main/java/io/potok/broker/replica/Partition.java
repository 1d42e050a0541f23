package io.potok.broker.replica;

import io.potok.metadata.image.PartitionImage;
import io.potok.storage.FetchDataInfo;
import io.potok.storage.Log;
import io.potok.storage.LogAppendInfo;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * A partition replica hosted by this broker: its log plus the leadership state the controller
 * assigned. Leadership fields are replaced as a whole on every metadata change ({@link #state});
 * the log serialises appends itself.
 */
public final class Partition {
    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final int localNodeId;
    private final Log log;
    private volatile PartitionImage state;
    private volatile int minInsyncReplicas;
    /** Records below this offset are visible to consumers. With a single in-sync replica it is the log end. */
    private volatile long highWatermark;

    Partition(TopicPartition topicPartition, Uuid topicId, int localNodeId, Log log, PartitionImage state,
              int minInsyncReplicas) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.localNodeId = localNodeId;
        this.log = log;
        this.state = state;
        this.minInsyncReplicas = minInsyncReplicas;
        this.highWatermark = log.logEndOffset();
    }

    public TopicPartition topicPartition() {
        return topicPartition;
    }

    public Uuid topicId() {
        return topicId;
    }

    public Log log() {
        return log;
    }

    public PartitionImage state() {
        return state;
    }

    void update(PartitionImage newState, int newMinInsyncReplicas) {
        this.state = newState;
        this.minInsyncReplicas = newMinInsyncReplicas;
        maybeAdvanceHighWatermark();
    }

    public boolean isLeader() {
        return state.leader() == localNodeId;
    }

    public int leaderEpoch() {
        return state.leaderEpoch();
    }

    public long highWatermark() {
        return highWatermark;
    }

    public long logStartOffset() {
        return log.logStartOffset();
    }

    public long logEndOffset() {
        return log.logEndOffset();
    }

    /** Appends a producer's batches as leader; {@code acks} is the producer's setting (-1 = all). */
    public LogAppendInfo appendAsLeader(MemoryRecords records, short acks) {
        PartitionImage current = state;
        requireLeader(current);
        if (acks == -1 && current.isr().size() < minInsyncReplicas) {
            throw new NotEnoughReplicasException("The size of the current ISR " + current.isr()
                    + " is insufficient to satisfy the min.isr requirement of " + minInsyncReplicas
                    + " for partition " + topicPartition);
        }
        LogAppendInfo info = log.appendAsLeader(records, current.leaderEpoch());
        maybeAdvanceHighWatermark();
        return info;
    }

    /** Reads committed data (below the high watermark) for a consumer. */
    public FetchDataInfo readCommitted(long offset, int maxBytes, boolean minOneMessage) {
        requireLeader(state);
        return log.read(offset, maxBytes, highWatermark, minOneMessage);
    }

    /** Checks the epoch a client believes current; -1 means the client does not know. */
    public void checkLeaderEpoch(int clientEpoch) {
        int epoch = state.leaderEpoch();
        if (clientEpoch == -1 || clientEpoch == epoch) {
            return;
        }
        if (clientEpoch < epoch) {
            throw new FencedLeaderEpochException("Leader epoch " + clientEpoch + " is older than " + epoch
                    + " for " + topicPartition);
        }
        throw new UnknownLeaderEpochException("Leader epoch " + clientEpoch + " is newer than " + epoch
                + " for " + topicPartition);
    }

    public void requireLeader(PartitionImage current) {
        if (current.leader() != localNodeId) {
            throw new NotLeaderOrFollowerException("Broker " + localNodeId + " is not the leader of "
                    + topicPartition + " (leader is " + current.leader() + ")");
        }
    }

    private void maybeAdvanceHighWatermark() {
        // Until followers replicate, only a partition whose ISR is this node alone can commit.
        List<Integer> isr = state.isr();
        if (isr.size() == 1 && isr.get(0) == localNodeId) {
            highWatermark = log.logEndOffset();
        }
    }

    /** Called after DeleteRecords or truncation so the watermark never sits below the log start. */
    void refreshHighWatermark() {
        maybeAdvanceHighWatermark();
    }
}
