package io.potok.metadata.quorum;

import io.potok.metadata.image.MetadataPublisher;
import io.potok.metadata.record.MetadataRecord;
import io.potok.metadata.record.MetadataRecordSerde;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller quorum on Apache Ratis: this node's Raft server (a voter) holding the metadata
 * log, and clients that reach the current leader.
 *
 * <p>{@link #propose} appends records: only the active controller proposes, from one thread, and
 * hands each batch to its own Raft server in process, which appends them in call order. {@link
 * #sendToLeader} forwards an encoded command to the leader's state machine as a read-only query,
 * through a {@link QuorumClient}, the same client side a broker-only node uses without a server.
 *
 * <p>Why proposals do not go through a Raft client: Ratis' Netty server handles each client request
 * on one of its event-loop threads and blocks that thread until the reply. A forwarded command is
 * answered only after its proposal commits, so if the proposal also had to come in through the
 * Netty server, forwarded commands occupying every event-loop thread would wait for proposals no
 * thread can read, until the clients time out.
 */
public final class RatisQuorum implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RatisQuorum.class);
    /** A proposal not committed by then fails (the leader normally steps down and fails it sooner). */
    private static final long PROPOSAL_TIMEOUT_MS = 30_000;

    private final int nodeId;
    private final List<Voter> voters;
    private final Path dir;
    private final RaftGroup group;
    private final MetadataStateMachine stateMachine;
    private final long electionTimeoutMs;
    /** Where this member's Raft server binds; null = its own voter address. */
    private volatile java.net.InetSocketAddress listener;
    private RaftServer server;
    /** Identifies this member's proposals to its Raft server (retry cache key, with the call id). */
    private final org.apache.ratis.protocol.ClientId proposer = org.apache.ratis.protocol.ClientId.randomId();
    private final java.util.concurrent.atomic.AtomicLong proposalCallIds = new java.util.concurrent.atomic.AtomicLong();
    /** When each follower voter last had every entry, as {@link #describe} saw it. */
    private final java.util.Map<Integer, Long> lastCaughtUp = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile long describedTerm = -1;
    /** Forwarded commands: a separate client, since a command's handling waits on a proposal. */
    private QuorumClient commands;

    public RatisQuorum(int nodeId, List<Voter> voters, Path dir, String clusterId, MetadataPublisher publisher,
                       long electionTimeoutMs) {
        this.nodeId = nodeId;
        this.voters = List.copyOf(voters);
        this.dir = dir;
        this.electionTimeoutMs = electionTimeoutMs;
        this.group = QuorumClient.group(clusterId, voters);
        this.stateMachine = new MetadataStateMachine(publisher, RaftPeerId.valueOf(Integer.toString(nodeId)));
    }

    public void setCommandHandler(CommandHandler handler) {
        stateMachine.setCommandHandler(handler);
    }

    public void setLeadershipListener(LeadershipListener listener) {
        stateMachine.setLeadershipListener(listener);
    }

    private static final java.util.concurrent.atomic.AtomicBoolean WARMED_UP =
            new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Start-up time: does ahead of time, on whatever thread calls it, two pieces of work that {@link #start} would
     * otherwise meet on its critical path. Ratis' log output stream fills a 1 MiB padding buffer byte by byte in its
     * static initialiser, in the interpreter (tens of milliseconds, more on a busy machine), when the first entry is
     * written, on the way to the leader being ready; and Ratis registers JMX beans, which creates the platform MBean
     * server (tens of milliseconds too). Any thread, any number of times: only the first call works. Failures are
     * ignored: this is only an optimisation.
     */
    public static void warmUp() {
        if (!WARMED_UP.compareAndSet(false, true)) {
            return;
        }
        try {
            java.lang.management.ManagementFactory.getPlatformMBeanServer();
            Class.forName("org.apache.ratis.server.raftlog.segmented.SegmentedRaftLogOutputStream", true,
                    RatisQuorum.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError | RuntimeException ignored) {
            // A Ratis version without that class, or no JMX: nothing to warm up.
        }
    }

    /** Runs {@link #warmUp} on a spare thread, unless it already ran, while this one builds the server. */
    private static void warmUpRaftLogClasses() {
        if (WARMED_UP.get()) {
            return;
        }
        Thread warmUp = new Thread(RatisQuorum::warmUp, "potok-ratis-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /**
     * Binds this member's Raft server to {@code address} instead of its voter address (peers still
     * connect to the voter address, which may be a proxy or NAT in front of it). Call before {@link #start}.
     */
    public void listenOn(java.net.InetSocketAddress address) {
        this.listener = address;
    }

    public void start() throws IOException {
        warmUpRaftLogClasses();
        Voter self = voters.stream().filter(v -> v.id() == nodeId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("node.id " + nodeId + " is not among the voters " + voters));
        RaftProperties props = new RaftProperties();
        Files.createDirectories(dir);
        RaftServerConfigKeys.setStorageDir(props, List.of(dir.toFile()));
        RaftConfigKeys.Rpc.setType(props, SupportedRpcType.NETTY);
        java.net.InetSocketAddress bind = listener;
        NettyConfigKeys.Server.setHost(props, bind != null ? bind.getHostString() : self.host());
        NettyConfigKeys.Server.setPort(props, bind != null ? bind.getPort() : self.port());
        TimeDuration min = TimeDuration.valueOf(electionTimeoutMs, TimeUnit.MILLISECONDS);
        RaftServerConfigKeys.Rpc.setTimeoutMin(props, min);
        RaftServerConfigKeys.Rpc.setTimeoutMax(props, TimeDuration.valueOf(2 * electionTimeoutMs, TimeUnit.MILLISECONDS));
        if (voters.size() == 1) {
            // A lone voter cannot lose an election: do not make start-up wait for one.
            RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(props, TimeDuration.valueOf(10, TimeUnit.MILLISECONDS));
            RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(props, TimeDuration.valueOf(20, TimeUnit.MILLISECONDS));
            // Nor does it need a pre-vote round before its election.
            RaftServerConfigKeys.LeaderElection.setPreVote(props, false);
        } else {
            // A fresh start has no leader to wait for: the first election comes after a fifth of the usual timeout.
            // Pre-vote keeps an early candidate from disturbing a quorum that has a leader (a restarted member).
            long first = Math.max(50, electionTimeoutMs / 5);
            RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMin(props, TimeDuration.valueOf(first, TimeUnit.MILLISECONDS));
            RaftServerConfigKeys.Rpc.setFirstElectionTimeoutMax(props,
                    TimeDuration.valueOf(2 * first, TimeUnit.MILLISECONDS));
        }
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(props, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(props, 20_000);
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(props, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(props, true);
        RaftServerConfigKeys.Log.setSegmentSizeMax(props, SizeInBytes.valueOf("8MB"));
        RaftClientConfigKeys.Rpc.setRequestTimeout(props, TimeDuration.valueOf(5, TimeUnit.SECONDS));

        boolean existing = Files.isDirectory(dir.resolve(group.getGroupId().getUuid().toString()));
        server = RaftServer.newBuilder()
                .setServerId(RaftPeerId.valueOf(Integer.toString(nodeId)))
                .setGroup(group)
                .setProperties(props)
                .setStateMachine(stateMachine)
                .setOption(existing ? RaftStorage.StartupOption.RECOVER : RaftStorage.StartupOption.FORMAT)
                .build();
        server.start();
        commands = new QuorumClient(group, props);
        log.info("Metadata quorum member {} started with voters {} ({})", nodeId, voters,
                existing ? "recovered" : "new");
    }

    /**
     * Appends one batch; completes with its log index once it is committed and applied on the leader.
     * Fails with {@link org.apache.kafka.common.errors.NotControllerException} when this member does
     * not lead (any more), so that a forwarded command is retried on the new active controller.
     *
     * <p>Only the Raft leader proposes, and the batch carries the term it leads: should it end up in
     * the log under a later term (this node was deposed and elected again meanwhile), the state
     * machine discards it instead of applying decisions taken on a stale image (see {@link
     * MetadataStateMachine#applyTransaction}).
     */
    public CompletableFuture<Long> propose(List<MetadataRecord> records) {
        long term;
        try {
            org.apache.ratis.server.DivisionInfo info = server.getDivision(group.getGroupId()).getInfo();
            if (!info.isLeader()) {
                return CompletableFuture.failedFuture(new org.apache.kafka.common.errors.NotControllerException(
                        "Node " + nodeId + " is not the active controller (no longer the quorum leader)"));
            }
            term = info.getCurrentTerm();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        Message message = Message.valueOf(ByteString.copyFrom(
                MetadataStateMachine.encodeProposal(term, MetadataRecordSerde.serialize(records))));
        org.apache.ratis.protocol.RaftClientRequest request = org.apache.ratis.protocol.RaftClientRequest.newBuilder()
                .setClientId(proposer)
                .setServerId(server.getId())
                .setGroupId(group.getGroupId())
                .setCallId(proposalCallIds.incrementAndGet())
                .setMessage(message)
                .setType(org.apache.ratis.protocol.RaftClientRequest.writeRequestType())
                .build();
        CompletableFuture<org.apache.ratis.protocol.RaftClientReply> submitted;
        try {
            submitted = server.submitClientRequestAsync(request);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        return submitted.orTimeout(PROPOSAL_TIMEOUT_MS, TimeUnit.MILLISECONDS).thenApply(reply -> {
            if (!reply.isSuccess() && (reply.getNotLeaderException() != null
                    || reply.getException() instanceof org.apache.ratis.protocol.exceptions.LeaderNotReadyException
                    || reply.getException() instanceof org.apache.ratis.protocol.exceptions.LeaderSteppingDownException)) {
                throw new org.apache.kafka.common.errors.NotControllerException("Node " + nodeId
                        + " is not the active controller: " + reply.getException().getMessage());
            }
            QuorumClient.requireSuccess(reply);
            if (MetadataStateMachine.isDiscarded(reply.getMessage())) {
                throw new org.apache.kafka.common.errors.NotControllerException("Node " + nodeId
                        + " is not the active controller: its proposal of term " + term
                        + " reached a later leader and was discarded");
            }
            return reply.getLogIndex();
        });
    }

    /**
     * The quorum as this member leads it (DescribeQuorum). Voters' positions are the ones Ratis' leader tracks (the
     * match index of each follower, the time since its last answer); a voter counts as caught up when it has every
     * entry the leader has, and otherwise keeps the time it last was, as far as this leader has seen.
     *
     * @throws org.apache.kafka.common.errors.NotControllerException if this member does not lead
     */
    public QuorumDescription describe() throws IOException {
        RaftServer.Division division = server.getDivision(group.getGroupId());
        org.apache.ratis.server.DivisionInfo info = division.getInfo();
        if (!info.isLeader()) {
            throw new org.apache.kafka.common.errors.NotControllerException(
                    "Node " + nodeId + " is not the active controller (no longer the quorum leader)");
        }
        long now = System.currentTimeMillis();
        if (info.getCurrentTerm() != describedTerm) {
            // What an earlier term's leadership saw of the followers no longer says anything.
            lastCaughtUp.clear();
            describedTerm = info.getCurrentTerm();
        }
        long leaderEnd = division.getRaftLog().getNextIndex();
        long highWatermark = division.getRaftLog().getLastCommittedIndex() + 1;
        List<QuorumDescription.Replica> described = new java.util.ArrayList<>();
        described.add(new QuorumDescription.Replica(nodeId, leaderEnd, now, now));
        // Both lists come from the leader's log appenders, in the same order.
        List<org.apache.ratis.proto.RaftProtos.ServerRpcProto> followers =
                info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList();
        long[] matchIndexes = info.getFollowerMatchIndices();
        for (int i = 0; i < followers.size(); i++) {
            int id = Integer.parseInt(followers.get(i).getId().getId().toStringUtf8());
            long end = i < matchIndexes.length ? matchIndexes[i] + 1 : 0;
            long lastFetch = now - followers.get(i).getLastRpcElapsedTimeMs();
            long caughtUp = end >= leaderEnd ? lastFetch : lastCaughtUp.getOrDefault(id, -1L);
            lastCaughtUp.put(id, caughtUp);
            described.add(new QuorumDescription.Replica(id, end, lastFetch, caughtUp));
        }
        java.util.Set<Integer> voterIds = new java.util.HashSet<>();
        voters.forEach(v -> voterIds.add(v.id()));
        return new QuorumDescription(nodeId, info.getCurrentTerm(), highWatermark, described,
                stateMachine.observers().observers(voterIds, now));
    }

    /** Sends an encoded command to the active controller and completes with its encoded reply. */
    public CompletableFuture<byte[]> sendToLeader(byte[] command) {
        if (commands == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Metadata quorum member not started"));
        }
        return commands.sendToLeader(command);
    }

    /** The current Raft leader (the active controller), or -1 while there is none. */
    public int leaderId() {
        return stateMachine.leaderId();
    }

    public int nodeId() {
        return nodeId;
    }

    @Override
    public void close() throws IOException {
        if (commands != null) {
            commands.close();
        }
        if (server != null) {
            server.close();
        }
    }
}
