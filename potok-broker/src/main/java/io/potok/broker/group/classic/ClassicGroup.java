package io.potok.broker.group.classic;

import io.potok.broker.group.Group;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;

/**
 * A group using the classic protocol (JoinGroup/SyncGroup/Heartbeat): its state, generation, chosen
 * protocol, leader and members. The rebalance logic that drives it lives in
 * {@link io.potok.broker.group.ClassicGroupCoordinator}; this class keeps the data consistent.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code leaderId} is null or a member; a group with members has a leader once a generation completed;</li>
 *   <li>{@code staticMembers} maps each static member's instance id to its current member id, and nothing else;</li>
 *   <li>{@code protocolName} is null exactly when the group has no current generation with members;</li>
 *   <li>{@code pendingMembers} (ids handed out with MEMBER_ID_REQUIRED) are never in {@code members}.</li>
 * </ul>
 *
 * <p>Thread-safety: not thread-safe; confined to the owning shard's executor.
 */
public final class ClassicGroup implements Group {
    /** The protocol type of groups of Kafka consumers. */
    public static final String CONSUMER_PROTOCOL_TYPE = ConsumerProtocol.PROTOCOL_TYPE;

    private final String groupId;
    private ClassicGroupState state = ClassicGroupState.EMPTY;
    private long stateTimestampMs;
    private int generationId;
    private String protocolType;
    private String protocolName;
    private String leaderId;
    private final Map<String, ClassicGroupMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Set<String> pendingMembers = new HashSet<>();
    private final Set<String> pendingSyncMembers = new HashSet<>();
    /** A member joined during the first rebalance's initial delay, which then extends the delay. */
    private boolean newMemberAdded;

    public ClassicGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.stateTimestampMs = nowMs;
    }

    /** Rebuilds a group from its persisted snapshot: Empty without members, Stable with them. */
    public static ClassicGroup fromSnapshot(String groupId, ClassicGroupSnapshot s) {
        ClassicGroup group = new ClassicGroup(groupId, s.currentStateTimestampMs());
        group.protocolType = s.protocolType();
        group.generationId = s.generationId();
        group.protocolName = s.protocolName();
        group.leaderId = s.leaderId();
        for (ClassicGroupSnapshot.Member m : s.members()) {
            ClassicGroupMember member = new ClassicGroupMember(m.memberId(), m.groupInstanceId(), m.clientId(),
                    m.clientHost(), m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), s.protocolType(),
                    List.of(new ClassicGroupMember.Protocol(s.protocolName(), m.subscription())));
            member.setAssignment(m.assignment());
            member.setNew(false);
            group.members.put(m.memberId(), member);
            if (m.groupInstanceId() != null) {
                group.staticMembers.put(m.groupInstanceId(), m.memberId());
            }
        }
        group.state = group.members.isEmpty() ? ClassicGroupState.EMPTY : ClassicGroupState.STABLE;
        if (group.leaderId != null && !group.members.containsKey(group.leaderId)) {
            group.leaderId = group.members.isEmpty() ? null : group.members.keySet().iterator().next();
        }
        return group;
    }

    /** The persisted form of the current generation, with each member's current assignment. */
    public ClassicGroupSnapshot snapshot() {
        List<ClassicGroupSnapshot.Member> persisted = new ArrayList<>();
        for (ClassicGroupMember m : members.values()) {
            byte[] subscription = protocolName == null ? new byte[0] : m.metadata(protocolName);
            persisted.add(new ClassicGroupSnapshot.Member(m.memberId(), m.groupInstanceId(), m.clientId(),
                    m.clientHost(), m.rebalanceTimeoutMs(), m.sessionTimeoutMs(),
                    subscription == null ? new byte[0] : subscription, m.assignment()));
        }
        return new ClassicGroupSnapshot(protocolType, generationId, protocolName, leaderId, stateTimestampMs,
                persisted);
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public Type type() {
        return Type.CLASSIC;
    }

    @Override
    public String stateName() {
        return state.toString();
    }

    @Override
    public String describedProtocolType() {
        return protocolType == null ? "" : protocolType;
    }

    public ClassicGroupState state() {
        return state;
    }

    public boolean is(ClassicGroupState s) {
        return state == s;
    }

    public long stateTimestampMs() {
        return stateTimestampMs;
    }

    /** Moves to {@code next}; an invalid transition is a coordinator bug and throws. */
    public void transitionTo(ClassicGroupState next, long nowMs) {
        if (!next.validPrevious().contains(state)) {
            throw new IllegalStateException("Group " + groupId + " cannot move from " + state + " to " + next);
        }
        state = next;
        stateTimestampMs = nowMs;
    }

    public int generationId() {
        return generationId;
    }

    public String protocolType() {
        return protocolType;
    }

    public String protocolName() {
        return protocolName;
    }

    public String leaderId() {
        return leaderId;
    }

    public boolean isLeader(String memberId) {
        return memberId != null && memberId.equals(leaderId);
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty();
    }

    public int size() {
        return members.size();
    }

    public boolean has(String memberId) {
        return members.containsKey(memberId);
    }

    public ClassicGroupMember member(String memberId) {
        return members.get(memberId);
    }

    public Collection<ClassicGroupMember> members() {
        return Collections.unmodifiableCollection(members.values());
    }

    public boolean isPending(String memberId) {
        return pendingMembers.contains(memberId);
    }

    public void addPending(String memberId) {
        pendingMembers.add(memberId);
    }

    public boolean removePending(String memberId) {
        return pendingMembers.remove(memberId);
    }

    public int numPending() {
        return pendingMembers.size();
    }

    public Set<String> pendingSyncMembers() {
        return pendingSyncMembers;
    }

    public boolean newMemberAdded() {
        return newMemberAdded;
    }

    public void setNewMemberAdded(boolean value) {
        this.newMemberAdded = value;
    }

    /** The member id registered for a static instance id, or null. */
    public String staticMemberId(String groupInstanceId) {
        return groupInstanceId == null ? null : staticMembers.get(groupInstanceId);
    }

    public void add(ClassicGroupMember member) {
        if (members.isEmpty()) {
            protocolType = member.protocolType();
        }
        members.put(member.memberId(), member);
        if (member.isStatic()) {
            staticMembers.put(member.groupInstanceId(), member.memberId());
        }
        if (leaderId == null) {
            leaderId = member.memberId();
        }
    }

    /** Removes a member; picks another leader (the first remaining member) if it led the group. */
    public ClassicGroupMember remove(String memberId) {
        ClassicGroupMember removed = members.remove(memberId);
        if (removed == null) {
            return null;
        }
        if (removed.isStatic() && memberId.equals(staticMembers.get(removed.groupInstanceId()))) {
            staticMembers.remove(removed.groupInstanceId());
        }
        pendingSyncMembers.remove(memberId);
        if (memberId.equals(leaderId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
        return removed;
    }

    /** Gives a static member a new member id, keeping its place, assignment and leadership. */
    public ClassicGroupMember replaceStaticMember(String groupInstanceId, String oldMemberId, String newMemberId) {
        ClassicGroupMember member = members.get(oldMemberId);
        if (member == null) {
            throw new IllegalStateException("No member " + oldMemberId + " in group " + groupId);
        }
        Map<String, ClassicGroupMember> reordered = new LinkedHashMap<>();
        for (Map.Entry<String, ClassicGroupMember> e : members.entrySet()) {
            reordered.put(e.getKey().equals(oldMemberId) ? newMemberId : e.getKey(), e.getValue());
        }
        members.clear();
        members.putAll(reordered);
        member.setMemberId(newMemberId);
        staticMembers.put(groupInstanceId, newMemberId);
        if (oldMemberId.equals(leaderId)) {
            leaderId = newMemberId;
        }
        if (pendingSyncMembers.remove(oldMemberId)) {
            pendingSyncMembers.add(newMemberId);
        }
        return member;
    }

    /** Members still expected to rejoin in the current join phase. */
    public List<ClassicGroupMember> notYetRejoined() {
        return members.values().stream().filter(m -> !m.isAwaitingJoin()).toList();
    }

    public boolean hasAllMembersJoined() {
        return pendingMembers.isEmpty() && members.values().stream().allMatch(ClassicGroupMember::isAwaitingJoin);
    }

    /** The longest rebalance timeout of the members: how long the join phase may last. */
    public int maxRebalanceTimeoutMs() {
        return members.values().stream().mapToInt(ClassicGroupMember::rebalanceTimeoutMs).max().orElse(0);
    }

    /**
     * Whether a member with this protocol type and protocols may join: the first member sets the
     * type and needs at least one protocol; later ones need the same type and a protocol that every
     * current member supports too.
     */
    public boolean supportsProtocols(String memberProtocolType, List<ClassicGroupMember.Protocol> protocols) {
        if (members.isEmpty()) {
            return memberProtocolType != null && !memberProtocolType.isEmpty() && !protocols.isEmpty();
        }
        if (!memberProtocolType.equals(protocolType)) {
            return false;
        }
        for (ClassicGroupMember.Protocol p : protocols) {
            if (members.values().stream().allMatch(m -> m.supports(p.name()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The protocol of the next generation: among the protocols every member supports, each member
     * votes for the first one in its own preference order; most votes wins, ties go to the leader's
     * (else the first member's) preference order.
     */
    public String selectProtocol() {
        if (members.isEmpty()) {
            throw new IllegalStateException("Cannot select a protocol for empty group " + groupId);
        }
        ClassicGroupMember reference = leaderId != null && members.containsKey(leaderId)
                ? members.get(leaderId) : members.values().iterator().next();
        Set<String> candidates = new LinkedHashSet<>();
        for (ClassicGroupMember.Protocol p : reference.protocols()) {
            if (members.values().stream().allMatch(m -> m.supports(p.name()))) {
                candidates.add(p.name());
            }
        }
        if (candidates.isEmpty()) {
            throw new IllegalStateException("No protocol supported by all members of group " + groupId);
        }
        Map<String, Integer> votes = new LinkedHashMap<>();
        candidates.forEach(c -> votes.put(c, 0));
        for (ClassicGroupMember m : members.values()) {
            for (ClassicGroupMember.Protocol p : m.protocols()) {
                if (candidates.contains(p.name())) {
                    votes.merge(p.name(), 1, Integer::sum);
                    break;
                }
            }
        }
        String best = null;
        int bestVotes = -1;
        for (Map.Entry<String, Integer> e : votes.entrySet()) {
            if (e.getValue() > bestVotes) {
                best = e.getKey();
                bestVotes = e.getValue();
            }
        }
        return best;
    }

    /**
     * Starts the next generation: with members, picks the protocol and moves to
     * CompletingRebalance, waiting for every member's SyncGroup; without, becomes Empty.
     */
    public void initNextGeneration(long nowMs) {
        generationId++;
        pendingSyncMembers.clear();
        if (!members.isEmpty()) {
            protocolName = selectProtocol();
            if (leaderId == null || !members.containsKey(leaderId)) {
                leaderId = members.keySet().iterator().next();
            }
            pendingSyncMembers.addAll(members.keySet());
            transitionTo(ClassicGroupState.COMPLETING_REBALANCE, nowMs);
        } else {
            protocolName = null;
            leaderId = null;
            transitionTo(ClassicGroupState.EMPTY, nowMs);
        }
    }

    /** The members' metadata for the chosen protocol, as the leader's JoinGroup response lists them. */
    public List<JoinGroupResponseMember> currentMemberMetadata() {
        List<JoinGroupResponseMember> list = new ArrayList<>();
        for (ClassicGroupMember m : members.values()) {
            list.add(new JoinGroupResponseMember().setMemberId(m.memberId())
                    .setGroupInstanceId(m.groupInstanceId()).setMetadata(m.metadata(protocolName)));
        }
        return list;
    }

    /**
     * The topics the members subscribe to, when the group runs Kafka's consumer protocol and the
     * subscriptions parse; empty otherwise (meaning "unknown").
     */
    public Optional<Set<String>> subscribedTopics() {
        if (!CONSUMER_PROTOCOL_TYPE.equals(protocolType) || protocolName == null) {
            return members.isEmpty() ? Optional.of(Set.of()) : Optional.empty();
        }
        Set<String> topics = new HashSet<>();
        for (ClassicGroupMember m : members.values()) {
            byte[] metadata = m.metadata(protocolName);
            if (metadata == null) {
                return Optional.empty();
            }
            try {
                topics.addAll(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata)).topics());
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }
        return Optional.of(topics);
    }

    /** Whether offsets of {@code topic} are in use: unknown subscriptions count as subscribed. */
    @Override
    public boolean isSubscribedTo(String topic) {
        return subscribedTopics().map(t -> t.contains(topic)).orElse(true);
    }

    /** Forgets the group's members and marks it Dead (deletion or unload). */
    public void markDead(long nowMs) {
        transitionTo(ClassicGroupState.DEAD, nowMs);
    }

    @Override
    public String toString() {
        return "ClassicGroup(" + groupId + ", " + state + ", generation " + generationId + ", " + members.size()
                + " members)";
    }
}
