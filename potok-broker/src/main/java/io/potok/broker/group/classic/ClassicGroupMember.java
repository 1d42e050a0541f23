package io.potok.broker.group.classic;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.SyncGroupResponseData;

/**
 * A member of a classic group: what it sent in its last JoinGroup and what it is waiting for.
 *
 * <p>Invariants: {@code protocols} is non-empty; at most one JoinGroup and one SyncGroup response is
 * outstanding at a time (a newer request completes the older one first, see the coordinator).
 *
 * <p>Thread-safety: not thread-safe; confined to the owning shard's executor.
 */
public final class ClassicGroupMember {
    /** One protocol (assignor) the member supports, with its subscription metadata. */
    public record Protocol(String name, byte[] metadata) {
        public Protocol {
            Objects.requireNonNull(name);
            metadata = metadata == null ? new byte[0] : metadata;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Protocol p && p.name.equals(name) && Arrays.equals(p.metadata, metadata);
        }

        @Override
        public int hashCode() {
            return name.hashCode() * 31 + Arrays.hashCode(metadata);
        }
    }

    private String memberId;
    private final String groupInstanceId;
    private String clientId;
    private String clientHost;
    private int rebalanceTimeoutMs;
    private int sessionTimeoutMs;
    private final String protocolType;
    private List<Protocol> protocols;
    private byte[] assignment = new byte[0];
    private CompletableFuture<JoinGroupResponseData> awaitingJoin;
    private short awaitingJoinVersion;
    private CompletableFuture<SyncGroupResponseData> awaitingSync;
    /** True from the member's first JoinGroup until its first generation completes. */
    private boolean isNew = true;

    public ClassicGroupMember(String memberId, String groupInstanceId, String clientId, String clientHost,
                              int rebalanceTimeoutMs, int sessionTimeoutMs, String protocolType,
                              List<Protocol> protocols) {
        this.memberId = memberId;
        this.groupInstanceId = groupInstanceId;
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocolType = protocolType;
        this.protocols = List.copyOf(protocols);
    }

    public String memberId() {
        return memberId;
    }

    void setMemberId(String memberId) {
        this.memberId = memberId;
    }

    public String groupInstanceId() {
        return groupInstanceId;
    }

    public boolean isStatic() {
        return groupInstanceId != null;
    }

    public String clientId() {
        return clientId;
    }

    public String clientHost() {
        return clientHost;
    }

    public int rebalanceTimeoutMs() {
        return rebalanceTimeoutMs;
    }

    public int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    public String protocolType() {
        return protocolType;
    }

    public List<Protocol> protocols() {
        return protocols;
    }

    /** Takes the values of a newer JoinGroup from the same member. */
    public void update(String clientId, String clientHost, int rebalanceTimeoutMs, int sessionTimeoutMs,
                       List<Protocol> protocols) {
        this.clientId = clientId;
        this.clientHost = clientHost;
        this.rebalanceTimeoutMs = rebalanceTimeoutMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.protocols = List.copyOf(protocols);
    }

    /** The member's metadata for {@code protocolName}, or null if it does not support it. */
    public byte[] metadata(String protocolName) {
        for (Protocol p : protocols) {
            if (p.name.equals(protocolName)) {
                return p.metadata;
            }
        }
        return null;
    }

    public boolean supports(String protocolName) {
        return metadata(protocolName) != null;
    }

    /** True if {@code other} is exactly what this member last sent (same names, order and metadata). */
    public boolean sameProtocols(List<Protocol> other) {
        return protocols.equals(other);
    }

    public byte[] assignment() {
        return assignment;
    }

    public void setAssignment(byte[] assignment) {
        this.assignment = assignment == null ? new byte[0] : assignment;
    }

    public CompletableFuture<JoinGroupResponseData> awaitingJoin() {
        return awaitingJoin;
    }

    public short awaitingJoinVersion() {
        return awaitingJoinVersion;
    }

    public boolean isAwaitingJoin() {
        return awaitingJoin != null;
    }

    public void setAwaitingJoin(CompletableFuture<JoinGroupResponseData> future, short version) {
        this.awaitingJoin = future;
        this.awaitingJoinVersion = version;
    }

    /** Completes the outstanding JoinGroup response, if any; returns whether there was one. */
    public boolean completeJoin(JoinGroupResponseData response) {
        CompletableFuture<JoinGroupResponseData> f = awaitingJoin;
        awaitingJoin = null;
        if (f == null) {
            return false;
        }
        f.complete(response);
        return true;
    }

    public CompletableFuture<SyncGroupResponseData> awaitingSync() {
        return awaitingSync;
    }

    public boolean isAwaitingSync() {
        return awaitingSync != null;
    }

    public void setAwaitingSync(CompletableFuture<SyncGroupResponseData> future) {
        this.awaitingSync = future;
    }

    /** Completes the outstanding SyncGroup response, if any; returns whether there was one. */
    public boolean completeSync(SyncGroupResponseData response) {
        CompletableFuture<SyncGroupResponseData> f = awaitingSync;
        awaitingSync = null;
        if (f == null) {
            return false;
        }
        f.complete(response);
        return true;
    }

    public boolean isNew() {
        return isNew;
    }

    public void setNew(boolean isNew) {
        this.isNew = isNew;
    }

    @Override
    public String toString() {
        return "ClassicGroupMember(" + memberId + (groupInstanceId != null ? ", instance " + groupInstanceId : "")
                + ", client " + clientId + ")";
    }
}
