package io.potok.metadata.quorum;

import io.potok.metadata.image.MetadataPublisher;
import io.potok.metadata.record.MetadataRecord;
import io.potok.metadata.record.MetadataRecordSerde;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.netty.NettyConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
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
 * log, and a client that reaches the current leader.
 *
 * <p>Two paths use the client. {@link #propose} appends records (only the active controller
 * proposes, from one thread, and Ratis keeps one client's async writes in order). {@link
 * #sendToLeader} forwards an encoded command to the leader's state machine as a read-only query.
 */
public final class RatisQuorum implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RatisQuorum.class);

    private final int nodeId;
    private final List<Voter> voters;
    private final Path dir;
    private final RaftGroup group;
    private final MetadataStateMachine stateMachine;
    private final long electionTimeoutMs;
    /** Where this member's Raft server binds; null = its own voter address. */
    private volatile java.net.InetSocketAddress listener;
    private RaftServer server;
    /** Writes: one client, so the active controller's proposals stay in order. */
    private RaftClient proposals;
    /** Forwarded commands: a separate client, since a command's handling waits on a proposal. */
    private RaftClient commands;

    public RatisQuorum(int nodeId, List<Voter> voters, Path dir, String clusterId, MetadataPublisher publisher,
                       long electionTimeoutMs) {
        this.nodeId = nodeId;
        this.voters = List.copyOf(voters);
        this.dir = dir;
        this.electionTimeoutMs = electionTimeoutMs;
        RaftGroupId groupId = RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
                ("potok-metadata:" + clusterId).getBytes(StandardCharsets.UTF_8)));
        this.group = RaftGroup.valueOf(groupId, voters.stream()
                .map(v -> RaftPeer.newBuilder().setId(Integer.toString(v.id())).setAddress(v.host() + ":" + v.port())
                        .build()).toList());
        this.stateMachine = new MetadataStateMachine(publisher, RaftPeerId.valueOf(Integer.toString(nodeId)));
    }

    public void setCommandHandler(CommandHandler handler) {
        stateMachine.setCommandHandler(handler);
    }

    public void setLeadershipListener(LeadershipListener listener) {
        stateMachine.setLeadershipListener(listener);
    }

    /**
     * Binds this member's Raft server to {@code address} instead of its voter address (peers still
     * connect to the voter address, which may be a proxy or NAT in front of it). Call before {@link #start}.
     */
    public void listenOn(java.net.InetSocketAddress address) {
        this.listener = address;
    }

    public void start() throws IOException {
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
        proposals = newClient(props);
        commands = newClient(props);
        log.info("Metadata quorum member {} started with voters {} ({})", nodeId, voters,
                existing ? "recovered" : "new");
    }

    private RaftClient newClient(RaftProperties props) {
        return RaftClient.newBuilder()
                .setProperties(props)
                .setRaftGroup(group)
                .setClientId(ClientId.randomId())
                // 30 s in all. The short sleep matters at start-up: the broker registers right after the
                // election, while the new leader is still applying its first entry (LeaderNotReady).
                .setRetryPolicy(RetryPolicies.retryUpToMaximumCountWithFixedSleep(600,
                        TimeDuration.valueOf(50, TimeUnit.MILLISECONDS)))
                .build();
    }

    /**
     * Appends one batch; completes with its log index once it is committed and applied on the leader.
     *
     * <p>Only the Raft leader proposes, and the batch carries the term it leads: should the Raft client
     * deliver it to a later leader (this node was deposed, for example cut off from the others, and
     * its client retried), the state machine discards it instead of applying a deposed controller's
     * decisions over the new controller's (see {@link MetadataStateMachine#applyTransaction}).
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
        return proposals.async().send(message).thenApply(reply -> {
            requireSuccess(reply);
            if (MetadataStateMachine.isDiscarded(reply.getMessage())) {
                throw new org.apache.kafka.common.errors.NotControllerException("Node " + nodeId
                        + " is not the active controller: its proposal of term " + term
                        + " reached a later leader and was discarded");
            }
            return reply.getLogIndex();
        });
    }

    /** Sends an encoded command to the active controller and completes with its encoded reply. */
    public CompletableFuture<byte[]> sendToLeader(byte[] command) {
        return commands.async().sendReadOnlyNonLinearizable(Message.valueOf(ByteString.copyFrom(command)))
                .thenApply(reply -> {
                    requireSuccess(reply);
                    return reply.getMessage().getContent().toByteArray();
                });
    }

    /** The current Raft leader (the active controller), or -1 while there is none. */
    public int leaderId() {
        return stateMachine.leaderId();
    }

    public int nodeId() {
        return nodeId;
    }

    private static void requireSuccess(RaftClientReply reply) {
        if (!reply.isSuccess()) {
            Exception e = reply.getException();
            throw new IllegalStateException("Metadata quorum request failed: " + (e == null ? "unknown" : e.getMessage()), e);
        }
    }

    @Override
    public void close() throws IOException {
        if (commands != null) {
            commands.close();
        }
        if (proposals != null) {
            proposals.close();
        }
        if (server != null) {
            server.close();
        }
    }
}
