package io.potok.metadata.quorum;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * The client side of the controller quorum: reaches the current Raft leader (the active controller)
 * from any process, voter or not. A voter's {@link RatisQuorum} uses one for forwarded commands; a
 * broker-only node, which runs no Raft server, reaches the quorum only through one.
 *
 * <p>Each purpose has its own Ratis client, since Ratis completes one client's async requests in the
 * order they were sent: a parked metadata fetch must not hold back a command's answer.
 */
public final class QuorumClient implements AutoCloseable {
    private final RaftGroup group;
    private final RaftProperties properties;
    /** Forwarded commands and heartbeats. */
    private final RaftClient commands;
    /** Metadata fetches (long polls), created on first use: voters never fetch. */
    private RaftClient fetches;
    private boolean closed;

    /** A client of the quorum of {@code voters} of cluster {@code clusterId}. */
    public QuorumClient(String clusterId, List<Voter> voters) {
        this(group(clusterId, voters), clientProperties());
    }

    QuorumClient(RaftGroup group, RaftProperties properties) {
        this.group = group;
        this.properties = properties;
        this.commands = newRaftClient(group, properties);
    }

    /** The Raft group of a cluster's metadata quorum: every node derives the same id from the cluster id. */
    static RaftGroup group(String clusterId, List<Voter> voters) {
        RaftGroupId groupId = RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
                ("potok-metadata:" + clusterId).getBytes(StandardCharsets.UTF_8)));
        return RaftGroup.valueOf(groupId, voters.stream()
                .map(v -> RaftPeer.newBuilder().setId(Integer.toString(v.id())).setAddress(v.host() + ":" + v.port())
                        .build()).toList());
    }

    /** What a client needs: the transport, and how long one request may take. */
    static RaftProperties clientProperties() {
        RaftProperties props = new RaftProperties();
        RaftConfigKeys.Rpc.setType(props, SupportedRpcType.NETTY);
        RaftClientConfigKeys.Rpc.setRequestTimeout(props, TimeDuration.valueOf(5, TimeUnit.SECONDS));
        return props;
    }

    static RaftClient newRaftClient(RaftGroup group, RaftProperties props) {
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

    /** Sends an encoded command to the active controller and completes with its encoded reply. */
    public CompletableFuture<byte[]> sendToLeader(byte[] command) {
        return commands.async().sendReadOnlyNonLinearizable(Message.valueOf(ByteString.copyFrom(command)))
                .thenApply(reply -> {
                    requireSuccess(reply);
                    return reply.getMessage().getContent().toByteArray();
                });
    }

    /**
     * Fetches the committed metadata after {@code fromOffset} from the active controller, waiting up
     * to {@code maxWaitMs} there when nothing is new (see {@link MetadataFetch}).
     */
    public CompletableFuture<MetadataFetch.Response> fetchMetadata(int nodeId, long fromOffset, int maxWaitMs) {
        RaftClient client;
        synchronized (this) {
            if (closed) {
                return CompletableFuture.failedFuture(new IllegalStateException("Quorum client closed"));
            }
            if (fetches == null) {
                fetches = newRaftClient(group, properties);
            }
            client = fetches;
        }
        Message request = Message.valueOf(ByteString.copyFrom(MetadataFetch.encodeRequest(nodeId, fromOffset, maxWaitMs)));
        return client.async().sendReadOnlyNonLinearizable(request).thenApply(reply -> {
            requireSuccess(reply);
            try {
                return MetadataFetch.decodeResponse(reply.getMessage().getContent().toByteArray());
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        });
    }

    static void requireSuccess(RaftClientReply reply) {
        if (!reply.isSuccess()) {
            Exception e = reply.getException();
            throw new IllegalStateException("Metadata quorum request failed: " + (e == null ? "unknown" : e.getMessage()), e);
        }
    }

    @Override
    public void close() throws IOException {
        RaftClient f;
        synchronized (this) {
            closed = true;
            f = fetches;
        }
        try {
            if (f != null) {
                f.close();
            }
        } finally {
            commands.close();
        }
    }
}
