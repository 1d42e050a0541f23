package io.potok.broker.replica;

import io.potok.metadata.image.PartitionImage;
import io.potok.storage.FetchDataInfo;
import io.potok.storage.FileSlice;
import io.potok.storage.Log;
import io.potok.storage.LogAppendInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedLeaderEpochException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.UnknownLeaderEpochException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.utils.Time;

/**
 * A partition replica hosted by this broker: its log plus the leadership state the controller
 * assigned, and, while this broker leads it, what it knows of the followers.
 *
 * <p>Invariants: the high watermark only grows while this replica leads (a new leader keeps the
 * one it had); as leader it is the smallest log end offset over the maximal ISR (the committed
 * ISR plus a member being added, or minus none while a removal is pending), so a record below it
 * is on every in-sync replica. A follower's high watermark is the leader's, capped by its own end.
 *
 * <p>Thread-safety: leadership and follower state are guarded by {@code this}; the log serialises
 * appends itself, so produce and fetch only hold the lock for bookkeeping.
 */
public final class Partition {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Partition.class);
    private final TopicPartition topicPartition;
    private final Uuid topicId;
    private final int localNodeId;
    private final Log log;
    private final Time time;
    private final IsrChanger isrChanger;
    private final Runnable onHighWatermarkAdvance;
    private volatile PartitionImage state;
    private volatile int minInsyncReplicas;
    private volatile long highWatermark;
    // Leader-only, guarded by this:
    private final Map<Integer, FollowerState> followers = new HashMap<>();
    private List<Integer> pendingIsr;
    private long leaderEpochStartOffset;

    Partition(TopicPartition topicPartition, Uuid topicId, int localNodeId, Log log, PartitionImage state,
              int minInsyncReplicas, long checkpointedHighWatermark, Time time, IsrChanger isrChanger,
              Runnable onHighWatermarkAdvance) {
        this.topicPartition = topicPartition;
        this.topicId = topicId;
        this.localNodeId = localNodeId;
        this.log = log;
        this.time = time;
        this.isrChanger = isrChanger;
        this.onHighWatermarkAdvance = onHighWatermarkAdvance;
        this.minInsyncReplicas = minInsyncReplicas;
        this.highWatermark = Math.min(Math.max(checkpointedHighWatermark, log.logStartOffset()), log.logEndOffset());
        this.state = state;
        if (state.leader() == localNodeId) {
            becomeLeader(state);
        }
        maybeAdvanceHighWatermark();
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

    public int minInsyncReplicas() {
        return minInsyncReplicas;
    }

    /** Applies a new controller decision for this partition. Returns true if this broker just became leader. */
    synchronized boolean update(PartitionImage next, int newMinInsyncReplicas) {
        PartitionImage previous = state;
        this.minInsyncReplicas = newMinInsyncReplicas;
        boolean newLeadership = next.leader() == localNodeId
                && (previous.leader() != localNodeId || previous.leaderEpoch() != next.leaderEpoch());
        if (pendingIsr != null && next.partitionEpoch() != previous.partitionEpoch()) {
            pendingIsr = null; // our change landed, or a newer decision replaced it
        }
        state = next;
        if (newLeadership) {
            if (!previous.isr().contains(localNodeId) && !completesReassignment(previous, next)) {
                LOG.warn("{}: leading at epoch {} although this replica was not in the ISR {} (unclean leader "
                        + "election): data may be lost, records above offset {} that the old ISR acknowledged are "
                        + "not here", topicPartition, next.leaderEpoch(), previous.isr(), log.logEndOffset());
            }
            becomeLeader(next);
        } else if (next.leader() != localNodeId) {
            followers.clear();
            pendingIsr = null;
        } else {
            for (int replica : next.replicas()) {
                if (replica != localNodeId) {
                    followers.computeIfAbsent(replica, r -> new FollowerState(time.milliseconds()));
                }
            }
        }
        maybeAdvanceHighWatermark();
        return newLeadership;
    }

    /**
     * True if {@code next} is the completion of the reassignment in {@code previous}. The controller
     * completes a move in the same decision that adds the last target replica to the ISR, and may
     * elect that replica (it leaves the old leader behind): such a leader was in sync although the
     * previous ISR did not list it yet, so its election is clean.
     */
    private static boolean completesReassignment(PartitionImage previous, PartitionImage next) {
        return previous.isReassigning() && !next.isReassigning() && next.replicas().equals(previous.targetReplicas())
                && next.isr().containsAll(next.replicas());
    }

    private void becomeLeader(PartitionImage next) {
        long now = time.milliseconds();
        followers.clear();
        for (int replica : next.replicas()) {
            if (replica != localNodeId) {
                followers.put(replica, new FollowerState(now));
            }
        }
        pendingIsr = null;
        leaderEpochStartOffset = log.logEndOffset();
        // Followers that diverged must learn where this epoch starts even before anything is written.
        log.assignEpochStartOffset(next.leaderEpoch());
    }

    // ---- leader: produce ----------------------------------------------------------------------

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
        synchronized (this) {
            maybeAdvanceHighWatermark();
        }
        return info;
    }

    /** The in-sync replicas right now, as the controller last committed them. */
    public List<Integer> isr() {
        return state.isr();
    }

    // ---- leader: reads ------------------------------------------------------------------------

    /** Reads committed data (below the high watermark) for a consumer. */
    public FetchDataInfo readCommitted(long offset, int maxBytes, boolean minOneMessage) {
        requireLeader(state);
        return log.read(offset, maxBytes, highWatermark, minOneMessage);
    }

    /** {@link #readCommitted} as a slice of a segment file, for the zero-copy fetch path. */
    public FileSlice readCommittedSlice(long offset, int maxBytes, boolean minOneMessage) {
        requireLeader(state);
        return log.readSlice(offset, maxBytes, highWatermark, minOneMessage);
    }

    /**
     * A follower fetch: records the follower's position (which may expand the ISR and advance the
     * high watermark), then reads up to the log end.
     */
    public FetchDataInfo readForFollower(int replicaId, long fetchOffset, int maxBytes) {
        recordFollowerFetch(replicaId, fetchOffset);
        return log.read(fetchOffset, maxBytes, Long.MAX_VALUE, true);
    }

    private void recordFollowerFetch(int replicaId, long fetchOffset) {
        PartitionImage current = state;
        requireLeader(current);
        if (!current.replicas().contains(replicaId)) {
            throw new NotLeaderOrFollowerException("Broker " + replicaId + " is not a replica of " + topicPartition);
        }
        synchronized (this) {
            FollowerState follower = followers.computeIfAbsent(replicaId, r -> new FollowerState(time.milliseconds()));
            follower.onFetch(fetchOffset, log.logEndOffset(), time.milliseconds());
            maybeExpandIsr(replicaId, follower);
            maybeAdvanceHighWatermark();
        }
    }

    /** {@link #readForFollower} as a slice of a segment file, for the zero-copy fetch path. */
    public FileSlice readForFollowerSlice(int replicaId, long fetchOffset, int maxBytes) {
        recordFollowerFetch(replicaId, fetchOffset);
        return log.readSlice(fetchOffset, maxBytes, Long.MAX_VALUE, true);
    }

    /**
     * KIP-392: the replica a consumer in {@code clientRack} should fetch from instead of this leader, if
     * any (Kafka's rack-aware rule): none when the leader is in that rack; else the in-sync follower in
     * that rack that has {@code fetchOffset} and the most records. {@code rackOf} maps broker → rack.
     */
    public synchronized java.util.OptionalInt preferredReadReplica(String clientRack, long fetchOffset,
                                                                   java.util.function.IntFunction<String> rackOf) {
        PartitionImage current = state;
        if (current.leader() != localNodeId || clientRack == null || clientRack.isEmpty()
                || clientRack.equals(rackOf.apply(localNodeId))) {
            return java.util.OptionalInt.empty();
        }
        int best = -1;
        long bestEnd = -1;
        for (int replica : current.isr()) {
            FollowerState follower = followers.get(replica);
            if (replica == localNodeId || follower == null || follower.logEndOffset < fetchOffset
                    || !clientRack.equals(rackOf.apply(replica))) {
                continue;
            }
            if (follower.logEndOffset > bestEnd) {
                best = replica;
                bestEnd = follower.logEndOffset;
            }
        }
        return best < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(best);
    }

    /**
     * A consumer's read from this replica while it follows (KIP-392): what is below its own high
     * watermark, which trails the leader's by at most a fetch round.
     */
    public FileSlice readCommittedSliceAsFollower(long offset, int maxBytes, boolean minOneMessage) {
        return log.readSlice(offset, maxBytes, highWatermark, minOneMessage);
    }

    // ---- leader: ISR --------------------------------------------------------------------------

    private void maybeExpandIsr(int replicaId, FollowerState follower) {
        PartitionImage current = state;
        if (pendingIsr != null || current.isr().contains(replicaId)) {
            return;
        }
        // Caught up: it has everything committed, and at least the start of this leader's epoch.
        if (follower.logEndOffset >= highWatermark && follower.logEndOffset >= leaderEpochStartOffset) {
            List<Integer> expanded = new ArrayList<>(current.isr());
            expanded.add(replicaId);
            pendingIsr = expanded;
            isrChanger.alterIsr(this, current.leaderEpoch(), current.partitionEpoch(), expanded);
        }
    }

    /** Removes followers that have not caught up for {@code maxLagMs} (replica.lag.time.max.ms). */
    synchronized void maybeShrinkIsr(long maxLagMs) {
        PartitionImage current = state;
        if (current.leader() != localNodeId || pendingIsr != null) {
            return;
        }
        long now = time.milliseconds();
        List<Integer> shrunk = new ArrayList<>();
        for (int replica : current.isr()) {
            FollowerState follower = followers.get(replica);
            if (replica == localNodeId || follower == null || now - follower.lastCaughtUpTimeMs <= maxLagMs) {
                shrunk.add(replica);
            }
        }
        if (shrunk.size() < current.isr().size()) {
            pendingIsr = shrunk;
            isrChanger.alterIsr(this, current.leaderEpoch(), current.partitionEpoch(), shrunk);
        }
    }

    /** The controller refused or lost our ISR change: allow a new attempt. */
    synchronized void onAlterIsrFailed(List<Integer> attempted) {
        if (attempted.equals(pendingIsr)) {
            pendingIsr = null;
        }
    }

    /** Replicas counted for the high watermark: the committed ISR plus any member being added. */
    private Set<Integer> maximalIsr() {
        Set<Integer> members = new LinkedHashSet<>(state.isr());
        if (pendingIsr != null) {
            members.addAll(pendingIsr);
        }
        return members;
    }

    /** Caller holds the lock (or is the constructor). */
    private void maybeAdvanceHighWatermark() {
        PartitionImage current = state;
        if (current.leader() != localNodeId) {
            return;
        }
        long candidate = log.logEndOffset();
        for (int replica : maximalIsr()) {
            if (replica == localNodeId) {
                continue;
            }
            FollowerState follower = followers.get(replica);
            long followerEnd = follower == null ? -1 : follower.logEndOffset;
            candidate = Math.min(candidate, followerEnd);
        }
        if (candidate > highWatermark) {
            highWatermark = candidate;
            onHighWatermarkAdvance.run();
        }
    }

    // ---- follower -----------------------------------------------------------------------------

    /**
     * Appends what the leader of {@code leaderEpoch} answered to a fetch at {@code fetchOffset}, and takes
     * its high watermark (capped by what we have). Returns false and changes nothing when the answer is
     * stale: this replica follows another epoch now (a fetcher that was re-pointed may still hold an
     * answer from the old leader), or its log no longer ends at the fetch offset (it was truncated
     * meanwhile). Appending such an answer would keep records of a history the new leader replaced.
     */
    public synchronized boolean appendAsFollower(MemoryRecords records, long leaderHighWatermark, int leaderEpoch,
                                                 long fetchOffset) {
        if (!isFollowing(leaderEpoch) || log.logEndOffset() != fetchOffset) {
            return false;
        }
        if (records.sizeInBytes() > 0) {
            log.appendAsFollower(records);
        }
        long next = Math.min(leaderHighWatermark, log.logEndOffset());
        if (next > highWatermark) {
            highWatermark = next;
            onHighWatermarkAdvance.run();
        }
        return true;
    }

    /** Follower truncation (divergence from the leader of {@code leaderEpoch}); false if that is not our leader now. */
    public synchronized boolean truncateTo(long offset, int leaderEpoch) {
        if (!isFollowing(leaderEpoch)) {
            return false;
        }
        log.truncateTo(offset);
        if (highWatermark > log.logEndOffset()) {
            highWatermark = log.logEndOffset();
        }
        return true;
    }

    /** Drops the log and restarts it at the leader's log start; false if that leader is not ours now. */
    public synchronized boolean restartAt(long offset, int leaderEpoch) {
        if (!isFollowing(leaderEpoch)) {
            return false;
        }
        log.truncateFullyAndRestartAt(offset);
        highWatermark = offset;
        return true;
    }

    private boolean isFollowing(int leaderEpoch) {
        PartitionImage current = state;
        return current.leader() != localNodeId && current.leaderEpoch() == leaderEpoch;
    }

    // ---- checks -------------------------------------------------------------------------------

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

    /** Called after DeleteRecords or truncation so the watermark never sits below the log start. */
    synchronized void refreshHighWatermark() {
        if (highWatermark < log.logStartOffset()) {
            highWatermark = log.logStartOffset();
        }
        maybeAdvanceHighWatermark();
    }
}
