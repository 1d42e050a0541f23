package io.potok.broker.group;

import io.potok.broker.group.classic.ClassicGroup;
import io.potok.broker.group.classic.ClassicGroupMember;
import io.potok.broker.group.classic.ClassicGroupState;
import io.potok.broker.group.consumer.ConsumerGroup;
import io.potok.broker.group.log.GroupRecord;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.InconsistentGroupProtocolException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic rebalance protocol for the groups of one shard: JoinGroup (with the MEMBER_ID_REQUIRED
 * round trip of KIP-394 and static members of KIP-345), SyncGroup, Heartbeat, LeaveGroup, and the
 * timers that drive them (join phase, initial rebalance delay, member sessions, SyncGroup deadline).
 *
 * <p>A rebalance: a join or leave moves the group to PreparingRebalance; JoinGroup responses are
 * held until every known member rejoined (or the longest rebalance timeout passes, dropping the
 * laggards); then the generation is bumped, a protocol chosen, and every member answered — the
 * leader with all members' subscriptions. The leader's SyncGroup carries the assignment, which is
 * written to {@code __consumer_offsets} before any SyncGroup is answered. Assignment strategies
 * (eager or cooperative) run in the clients; the coordinator passes their bytes through unchanged.
 *
 * <p>Timer keys are {@code classic|<group>|<what>} so that one group's timers can be dropped together.
 *
 * <p>Thread-safety: not thread-safe; every method runs on the shard's executor, and no method
 * blocks: responses that have to wait are returned as incomplete futures.
 */
final class ClassicGroupCoordinator {
    private static final Logger log = LoggerFactory.getLogger(ClassicGroupCoordinator.class);

    private final GroupConfig config;
    private final GroupRegistry groups;
    private final ShardWriter writer;
    private final GroupTimer timer;
    private final Time time;
    /** Groups whose current join phase is the initial delay (not completed early). */
    private final Set<String> inInitialDelay = new HashSet<>();

    ClassicGroupCoordinator(GroupConfig config, GroupRegistry groups, ShardWriter writer, GroupTimer timer,
                            Time time) {
        this.config = config;
        this.groups = groups;
        this.writer = writer;
        this.timer = timer;
        this.time = time;
    }

    // ------------------------------------------------------------------ JoinGroup

    CompletableFuture<JoinGroupResponseData> join(RequestContext ctx, JoinGroupRequestData req) {
        short version = ctx.apiVersion();
        String groupId = req.groupId();
        String memberId = req.memberId() == null ? "" : req.memberId();
        String instanceId = version >= 5 ? req.groupInstanceId() : null;
        int sessionTimeoutMs = req.sessionTimeoutMs();
        int rebalanceTimeoutMs = version >= 1 ? req.rebalanceTimeoutMs() : sessionTimeoutMs;
        if (groupId == null || groupId.isEmpty()) {
            throw new InvalidGroupIdException("The group id must not be empty.");
        }
        if (sessionTimeoutMs < config.classicMinSessionTimeoutMs() || sessionTimeoutMs > config.classicMaxSessionTimeoutMs()) {
            throw new InvalidSessionTimeoutException("The session timeout " + sessionTimeoutMs + " ms is not within "
                    + "group.min.session.timeout.ms (" + config.classicMinSessionTimeoutMs()
                    + ") and group.max.session.timeout.ms (" + config.classicMaxSessionTimeoutMs() + ").");
        }
        List<ClassicGroupMember.Protocol> protocols = new ArrayList<>();
        req.protocols().forEach(p -> protocols.add(new ClassicGroupMember.Protocol(p.name(), p.metadata())));
        boolean unknownMember = memberId.isEmpty();

        CompletableFuture<Void> conversion = CompletableFuture.completedFuture(null);
        Group existing = groups.get(groupId);
        if (existing instanceof ConsumerGroup consumerGroup) {
            if (!consumerGroup.isEmpty()) {
                throw new InconsistentGroupProtocolException("Group " + groupId + " uses the consumer rebalance "
                        + "protocol (group.protocol=consumer); a classic member cannot join it while it has members.");
            }
            try {
                conversion = writer.write(ConsumerGroupCoordinator.deletionRecords(consumerGroup));
            } catch (RuntimeException e) {
                throw AppendErrors.forGroupWrite(e);
            }
            log.info("Converted empty consumer group {} to a classic group", groupId);
            existing = null;
        }
        ClassicGroup group = (ClassicGroup) existing;
        boolean created = false;
        if (group == null) {
            if (!unknownMember) {
                throw new UnknownMemberIdException("Group " + groupId + " has no member " + memberId + ".");
            }
            group = new ClassicGroup(groupId, time.milliseconds());
            groups.put(group);
            created = true;
        }
        JoinRequest join = new JoinRequest(ctx, memberId, instanceId, sessionTimeoutMs, rebalanceTimeoutMs,
                req.protocolType(), protocols);
        CompletableFuture<JoinGroupResponseData> response;
        try {
            response = join(group, join);
        } catch (RuntimeException e) {
            if (created && group.isEmpty() && group.numPending() == 0) {
                groups.remove(groupId); // nobody got into the group this request created
            }
            throw e;
        }
        return conversion.thenCompose(v -> response);
    }

    private CompletableFuture<JoinGroupResponseData> join(ClassicGroup group, JoinRequest join) {
        if (group.is(ClassicGroupState.DEAD)) {
            throw new CoordinatorNotAvailableException("Group " + group.groupId() + " is being removed.");
        }
        if (!group.supportsProtocols(join.protocolType, join.protocols)) {
            throw new InconsistentGroupProtocolException("The member's protocol type " + join.protocolType
                    + " or protocols are incompatible with those of the members of group " + group.groupId() + ".");
        }
        if (join.memberId.isEmpty()) {
            boolean staticRejoin = join.instanceId != null && group.staticMemberId(join.instanceId) != null;
            if (!staticRejoin && group.size() + group.numPending() >= config.classicMaxSize()) {
                throw new GroupMaxSizeReachedException("Group " + group.groupId() + " already has the maximum of "
                        + config.classicMaxSize() + " members.");
            }
            return join.instanceId != null ? joinNewStaticMember(group, join) : joinNewDynamicMember(group, join);
        }
        return joinExistingMember(group, join);
    }

    /** The fields of one JoinGroup. */
    private record JoinRequest(RequestContext ctx, String memberId, String instanceId, int sessionTimeoutMs,
                               int rebalanceTimeoutMs, String protocolType, List<ClassicGroupMember.Protocol> protocols) {
    }

    private CompletableFuture<JoinGroupResponseData> joinNewDynamicMember(ClassicGroup group, JoinRequest join) {
        String newMemberId = newMemberId(join.ctx.clientId());
        if (join.ctx.apiVersion() >= 4) {
            // KIP-394: hand out the id first; the member joins for real with it.
            group.addPending(newMemberId);
            timer.schedule(pendingKey(group, newMemberId), join.sessionTimeoutMs,
                    () -> expirePending(group.groupId(), newMemberId));
            log.debug("Group {}: new member must rejoin with id {}", group.groupId(), newMemberId);
            return CompletableFuture.completedFuture(
                    ClassicResponses.joinError(Errors.MEMBER_ID_REQUIRED, newMemberId));
        }
        return addMemberAndRebalance(group, join, newMemberId);
    }

    private CompletableFuture<JoinGroupResponseData> joinNewStaticMember(ClassicGroup group, JoinRequest join) {
        String oldMemberId = group.staticMemberId(join.instanceId);
        String newMemberId = join.instanceId + "-" + UUID.randomUUID();
        if (oldMemberId == null) {
            return addMemberAndRebalance(group, join, newMemberId);
        }
        return replaceStaticMember(group, join, oldMemberId, newMemberId);
    }

    /**
     * A static member restarted (new member id, same instance id). In a Stable group whose protocol
     * would not change it takes the old member's place without a rebalance: the group is written
     * with the new member id and the member gets the current generation back.
     */
    private CompletableFuture<JoinGroupResponseData> replaceStaticMember(ClassicGroup group, JoinRequest join,
                                                                         String oldMemberId, String newMemberId) {
        ClassicGroupMember member = group.member(oldMemberId);
        member.completeJoin(ClassicResponses.joinError(Errors.FENCED_INSTANCE_ID, oldMemberId));
        member.completeSync(ClassicResponses.syncError(Errors.FENCED_INSTANCE_ID));
        timer.cancel(sessionKey(group, oldMemberId));
        List<ClassicGroupMember.Protocol> oldProtocols = member.protocols();
        int oldRebalanceTimeoutMs = member.rebalanceTimeoutMs();
        int oldSessionTimeoutMs = member.sessionTimeoutMs();
        String oldClientId = member.clientId();
        String oldClientHost = member.clientHost();
        group.replaceStaticMember(join.instanceId, oldMemberId, newMemberId);
        member.update(join.ctx.clientId(), join.ctx.clientHost(), join.rebalanceTimeoutMs, join.sessionTimeoutMs,
                join.protocols);
        log.info("Group {}: static member {} rejoined as {} (was {})", group.groupId(), join.instanceId, newMemberId,
                oldMemberId);
        switch (group.state()) {
            case STABLE -> {
                if (!group.selectProtocol().equals(group.protocolName())) {
                    return updateMemberAndRebalance(group, member, join,
                            "static member " + join.instanceId + " rejoined with other protocols");
                }
                CompletableFuture<Void> stored;
                try {
                    stored = writer.write(List.of(new GroupRecord.ClassicGroupMetadata(group.groupId(), group.snapshot())));
                } catch (RuntimeException e) {
                    group.replaceStaticMember(join.instanceId, newMemberId, oldMemberId);
                    member.update(oldClientId, oldClientHost, oldRebalanceTimeoutMs, oldSessionTimeoutMs, oldProtocols);
                    scheduleSession(group, member);
                    throw AppendErrors.forGroupWrite(e);
                }
                scheduleSession(group, member);
                boolean leader = group.isLeader(newMemberId);
                boolean skip = leader && join.ctx.apiVersion() >= 9;
                JoinGroupResponseData response = ClassicResponses.join(group, member, skip, skip);
                return stored.thenApply(v -> response);
            }
            case COMPLETING_REBALANCE -> {
                return updateMemberAndRebalance(group, member, join,
                        "static member " + join.instanceId + " rejoined during CompletingRebalance");
            }
            default -> {
                CompletableFuture<JoinGroupResponseData> future = new CompletableFuture<>();
                member.setAwaitingJoin(future, join.ctx.apiVersion());
                maybePrepareRebalance(group, "static member " + join.instanceId + " rejoined");
                return future;
            }
        }
    }

    private CompletableFuture<JoinGroupResponseData> joinExistingMember(ClassicGroup group, JoinRequest join) {
        String memberId = join.memberId;
        if (group.isPending(memberId)) {
            group.removePending(memberId);
            timer.cancel(pendingKey(group, memberId));
            return addMemberAndRebalance(group, join, memberId);
        }
        validateMember(group, memberId, join.instanceId, "join");
        ClassicGroupMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE -> {
                return updateMemberAndRebalance(group, member, join, "member " + memberId + " rejoined");
            }
            case COMPLETING_REBALANCE -> {
                if (member.sameProtocols(join.protocols)) {
                    // The member missed the JoinGroup response of this generation: send it again.
                    scheduleSession(group, member);
                    boolean leader = group.isLeader(memberId);
                    return CompletableFuture.completedFuture(ClassicResponses.join(group, member, leader, false));
                }
                return updateMemberAndRebalance(group, member, join,
                        "member " + memberId + " changed its protocols during CompletingRebalance");
            }
            case STABLE -> {
                if (group.isLeader(memberId) || !member.sameProtocols(join.protocols)) {
                    return updateMemberAndRebalance(group, member, join, group.isLeader(memberId)
                            ? "leader " + memberId + " rejoined" : "member " + memberId + " changed its protocols");
                }
                scheduleSession(group, member);
                return CompletableFuture.completedFuture(ClassicResponses.join(group, member, false, false));
            }
            default -> throw new UnknownMemberIdException("Group " + group.groupId() + " has no member " + memberId + ".");
        }
    }

    private CompletableFuture<JoinGroupResponseData> addMemberAndRebalance(ClassicGroup group, JoinRequest join,
                                                                           String memberId) {
        ClassicGroupMember member = new ClassicGroupMember(memberId, join.instanceId, join.ctx.clientId(),
                join.ctx.clientHost(), join.rebalanceTimeoutMs, join.sessionTimeoutMs, join.protocolType,
                join.protocols);
        CompletableFuture<JoinGroupResponseData> future = new CompletableFuture<>();
        member.setAwaitingJoin(future, join.ctx.apiVersion());
        group.add(member);
        if (group.is(ClassicGroupState.PREPARING_REBALANCE) && group.generationId() == 0) {
            group.setNewMemberAdded(true);
        }
        log.info("Group {}: member {} joins{}", group.groupId(), memberId,
                join.instanceId != null ? " (static, instance " + join.instanceId + ")" : "");
        maybePrepareRebalance(group, "member " + memberId + " joined");
        return future;
    }

    private CompletableFuture<JoinGroupResponseData> updateMemberAndRebalance(ClassicGroup group,
                                                                              ClassicGroupMember member,
                                                                              JoinRequest join, String reason) {
        CompletableFuture<JoinGroupResponseData> future = new CompletableFuture<>();
        if (member.isAwaitingJoin()) {
            member.completeJoin(ClassicResponses.joinError(Errors.REBALANCE_IN_PROGRESS, member.memberId()));
        }
        member.update(join.ctx.clientId(), join.ctx.clientHost(), join.rebalanceTimeoutMs, join.sessionTimeoutMs,
                join.protocols);
        member.setAwaitingJoin(future, join.ctx.apiVersion());
        maybePrepareRebalance(group, reason);
        return future;
    }

    // ------------------------------------------------------------------ rebalance phases

    private void maybePrepareRebalance(ClassicGroup group, String reason) {
        switch (group.state()) {
            case EMPTY, STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, reason);
            case PREPARING_REBALANCE -> maybeCompleteJoin(group);
            default -> {
            }
        }
    }

    private void prepareRebalance(ClassicGroup group, String reason) {
        if (group.is(ClassicGroupState.COMPLETING_REBALANCE)) {
            failPendingSyncs(group, Errors.REBALANCE_IN_PROGRESS);
        }
        timer.cancel(syncKey(group));
        boolean wasEmpty = group.is(ClassicGroupState.EMPTY);
        group.transitionTo(ClassicGroupState.PREPARING_REBALANCE, time.milliseconds());
        log.info("Preparing to rebalance group {} in generation {} ({})", group.groupId(), group.generationId(), reason);
        int rebalanceTimeoutMs = group.maxRebalanceTimeoutMs();
        if (wasEmpty && config.classicInitialRebalanceDelayMs() > 0) {
            int delay = Math.min(config.classicInitialRebalanceDelayMs(), rebalanceTimeoutMs);
            inInitialDelay.add(group.groupId());
            scheduleInitialJoin(group, delay, Math.max(0, rebalanceTimeoutMs - delay));
        } else {
            inInitialDelay.remove(group.groupId());
            timer.schedule(joinKey(group), rebalanceTimeoutMs, () -> completeJoin(group));
            maybeCompleteJoin(group);
        }
    }

    /** The first rebalance of an empty group waits, and waits again while new members keep arriving. */
    private void scheduleInitialJoin(ClassicGroup group, long delayMs, long remainingMs) {
        timer.schedule(joinKey(group), delayMs, () -> {
            if (!isCurrent(group) || !group.is(ClassicGroupState.PREPARING_REBALANCE)) {
                return;
            }
            if (group.newMemberAdded() && remainingMs > 0) {
                group.setNewMemberAdded(false);
                long next = Math.min(config.classicInitialRebalanceDelayMs(), remainingMs);
                scheduleInitialJoin(group, next, Math.max(0, remainingMs - next));
            } else {
                completeJoin(group);
            }
        });
    }

    private void maybeCompleteJoin(ClassicGroup group) {
        if (group.is(ClassicGroupState.PREPARING_REBALANCE) && !inInitialDelay.contains(group.groupId())
                && group.hasAllMembersJoined()) {
            completeJoin(group);
        }
    }

    /** Ends the join phase: drops members that did not rejoin and starts the next generation. */
    private void completeJoin(ClassicGroup group) {
        if (!isCurrent(group) || !group.is(ClassicGroupState.PREPARING_REBALANCE)) {
            return;
        }
        timer.cancel(joinKey(group));
        inInitialDelay.remove(group.groupId());
        for (ClassicGroupMember laggard : group.notYetRejoined()) {
            log.info("Group {}: member {} did not rejoin in time and is removed", group.groupId(), laggard.memberId());
            removeMember(group, laggard);
        }
        group.initNextGeneration(time.milliseconds());
        if (group.is(ClassicGroupState.EMPTY)) {
            log.info("Group {} with generation {} is now empty", group.groupId(), group.generationId());
            storeQuietly(group);
            return;
        }
        log.info("Stabilized group {} generation {} ({} members, protocol {})", group.groupId(), group.generationId(),
                group.size(), group.protocolName());
        for (ClassicGroupMember m : group.members()) {
            boolean leader = group.isLeader(m.memberId());
            m.completeJoin(ClassicResponses.join(group, m, leader, false));
            m.setNew(false);
            scheduleSession(group, m);
        }
        int generation = group.generationId();
        timer.schedule(syncKey(group), group.maxRebalanceTimeoutMs(), () -> expirePendingSyncs(group, generation));
    }

    /** Members that did not send SyncGroup within the rebalance timeout are removed. */
    private void expirePendingSyncs(ClassicGroup group, int generation) {
        if (!isCurrent(group) || group.generationId() != generation || group.pendingSyncMembers().isEmpty()
                || !(group.is(ClassicGroupState.COMPLETING_REBALANCE) || group.is(ClassicGroupState.STABLE))) {
            return;
        }
        for (String memberId : List.copyOf(group.pendingSyncMembers())) {
            ClassicGroupMember m = group.member(memberId);
            if (m != null) {
                log.info("Group {}: member {} sent no SyncGroup in time and is removed", group.groupId(), memberId);
                removeMember(group, m);
            }
        }
        prepareRebalance(group, "members did not sync in time");
    }

    /** Writes the group's snapshot without anyone waiting for it (the group became empty). */
    private void storeQuietly(ClassicGroup group) {
        try {
            writer.write(List.of(new GroupRecord.ClassicGroupMetadata(group.groupId(), group.snapshot())))
                    .exceptionally(e -> {
                        log.warn("Could not commit the metadata of group {}: {}", group.groupId(), e.toString());
                        return null;
                    });
        } catch (RuntimeException e) {
            log.warn("Could not write the metadata of group {}: {}", group.groupId(), e.toString());
        }
    }

    // ------------------------------------------------------------------ SyncGroup

    CompletableFuture<SyncGroupResponseData> sync(RequestContext ctx, SyncGroupRequestData req) {
        short version = ctx.apiVersion();
        String groupId = req.groupId();
        if (groupId == null || groupId.isEmpty()) {
            throw new InvalidGroupIdException("The group id must not be empty.");
        }
        ClassicGroup group = groups.classic(groupId);
        if (group == null) {
            throw new UnknownMemberIdException("Group " + groupId + " has no classic member " + req.memberId() + ".");
        }
        String instanceId = version >= 3 ? req.groupInstanceId() : null;
        validateMember(group, req.memberId(), instanceId, "sync");
        if (req.generationId() != group.generationId()) {
            throw new IllegalGenerationException("Generation " + req.generationId() + " is not the current generation "
                    + group.generationId() + " of group " + groupId + ".");
        }
        if (version >= 5 && ((req.protocolType() != null && !req.protocolType().equals(group.protocolType()))
                || (req.protocolName() != null && !req.protocolName().equals(group.protocolName())))) {
            throw new InconsistentGroupProtocolException("Protocol " + req.protocolType() + "/" + req.protocolName()
                    + " does not match the group's " + group.protocolType() + "/" + group.protocolName() + ".");
        }
        ClassicGroupMember member = group.member(req.memberId());
        switch (group.state()) {
            case PREPARING_REBALANCE -> throw new RebalanceInProgressException("Group " + groupId + " is rebalancing.");
            case STABLE -> {
                group.pendingSyncMembers().remove(member.memberId());
                scheduleSession(group, member);
                return CompletableFuture.completedFuture(ClassicResponses.sync(group, member.assignment()));
            }
            case COMPLETING_REBALANCE -> {
                group.pendingSyncMembers().remove(member.memberId());
                scheduleSession(group, member);
                CompletableFuture<SyncGroupResponseData> future = new CompletableFuture<>();
                member.completeSync(ClassicResponses.syncError(Errors.REBALANCE_IN_PROGRESS));
                member.setAwaitingSync(future);
                if (group.isLeader(member.memberId())) {
                    Map<String, byte[]> assignments = new HashMap<>();
                    req.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
                    completeAssignment(group, assignments);
                }
                return future;
            }
            default -> throw new UnknownMemberIdException("Group " + groupId + " has no member " + req.memberId() + ".");
        }
    }

    /** Stores the leader's assignment, then answers every waiting SyncGroup with its part. */
    private void completeAssignment(ClassicGroup group, Map<String, byte[]> assignments) {
        for (ClassicGroupMember m : group.members()) {
            m.setAssignment(assignments.getOrDefault(m.memberId(), new byte[0]));
        }
        CompletableFuture<Void> stored;
        try {
            stored = writer.write(List.of(new GroupRecord.ClassicGroupMetadata(group.groupId(), group.snapshot())));
        } catch (RuntimeException e) {
            ApiException error = AppendErrors.forGroupWrite(e);
            log.warn("Group {}: storing the assignment of generation {} failed: {}", group.groupId(),
                    group.generationId(), error.toString());
            for (ClassicGroupMember m : group.members()) {
                m.setAssignment(new byte[0]);
                m.completeSync(ClassicResponses.syncError(Errors.forException(error)));
            }
            prepareRebalance(group, "storing the assignment failed");
            return;
        }
        group.transitionTo(ClassicGroupState.STABLE, time.milliseconds());
        int generation = group.generationId();
        stored.whenComplete((v, e) -> {
            for (ClassicGroupMember m : group.members()) {
                if (e != null) {
                    m.completeSync(ClassicResponses.syncError(Errors.forException(AppendErrors.forGroupWrite(e))));
                } else if (group.generationId() == generation) {
                    m.completeSync(ClassicResponses.sync(group, m.assignment()));
                }
            }
        });
    }

    private void failPendingSyncs(ClassicGroup group, Errors error) {
        for (ClassicGroupMember m : group.members()) {
            m.setAssignment(new byte[0]);
            m.completeSync(ClassicResponses.syncError(error));
        }
    }

    // ------------------------------------------------------------------ Heartbeat

    HeartbeatResponseData heartbeat(RequestContext ctx, HeartbeatRequestData req) {
        String groupId = req.groupId();
        if (groupId == null || groupId.isEmpty()) {
            throw new InvalidGroupIdException("The group id must not be empty.");
        }
        ClassicGroup group = groups.classic(groupId);
        if (group == null) {
            throw new UnknownMemberIdException("Group " + groupId + " has no classic member " + req.memberId() + ".");
        }
        validateMember(group, req.memberId(), ctx.apiVersion() >= 3 ? req.groupInstanceId() : null, "heartbeat");
        if (req.generationId() != group.generationId()) {
            throw new IllegalGenerationException("Generation " + req.generationId() + " is not the current generation "
                    + group.generationId() + " of group " + groupId + ".");
        }
        ClassicGroupMember member = group.member(req.memberId());
        scheduleSession(group, member);
        Errors error = group.is(ClassicGroupState.PREPARING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
        return new HeartbeatResponseData().setErrorCode(error.code());
    }

    /** Keeps a member alive on an OffsetCommit of its current generation. */
    void touch(ClassicGroup group, String memberId) {
        ClassicGroupMember member = group.member(memberId);
        if (member != null) {
            scheduleSession(group, member);
        }
    }

    // ------------------------------------------------------------------ LeaveGroup

    List<MemberResponse> leave(String groupId, List<MemberIdentity> leaving) {
        if (groupId == null || groupId.isEmpty()) {
            throw new InvalidGroupIdException("The group id must not be empty.");
        }
        ClassicGroup group = groups.classic(groupId);
        if (group == null) {
            throw new UnknownMemberIdException("Group " + groupId + " has no classic members.");
        }
        List<MemberResponse> responses = new ArrayList<>();
        for (MemberIdentity m : leaving) {
            MemberResponse r = new MemberResponse().setMemberId(m.memberId()).setGroupInstanceId(m.groupInstanceId());
            responses.add(r.setErrorCode(leaveOne(group, m.memberId(), m.groupInstanceId()).code()));
        }
        return responses;
    }

    private Errors leaveOne(ClassicGroup group, String memberId, String instanceId) {
        String id = memberId;
        if (instanceId != null) {
            String registered = group.staticMemberId(instanceId);
            if (registered == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (memberId != null && !memberId.isEmpty() && !memberId.equals(registered)) {
                return Errors.FENCED_INSTANCE_ID;
            }
            id = registered;
        } else if (group.isPending(memberId)) {
            group.removePending(memberId);
            timer.cancel(pendingKey(group, memberId));
            maybeCompleteJoin(group);
            return Errors.NONE;
        }
        ClassicGroupMember member = group.member(id);
        if (member == null) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        log.info("Group {}: member {} leaves", group.groupId(), id);
        removeMemberAndUpdateGroup(group, member, "member " + id + " left");
        return Errors.NONE;
    }

    // ------------------------------------------------------------------ members and timers

    private void removeMemberAndUpdateGroup(ClassicGroup group, ClassicGroupMember member, String reason) {
        removeMember(group, member);
        switch (group.state()) {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(group, reason);
            case PREPARING_REBALANCE -> maybeCompleteJoin(group);
            default -> {
            }
        }
    }

    private void removeMember(ClassicGroup group, ClassicGroupMember member) {
        member.completeJoin(ClassicResponses.joinError(Errors.UNKNOWN_MEMBER_ID, member.memberId()));
        member.completeSync(ClassicResponses.syncError(Errors.UNKNOWN_MEMBER_ID));
        timer.cancel(sessionKey(group, member.memberId()));
        group.remove(member.memberId());
    }

    private void scheduleSession(ClassicGroup group, ClassicGroupMember member) {
        String memberId = member.memberId();
        timer.schedule(sessionKey(group, memberId), member.sessionTimeoutMs(),
                () -> expireSession(group, memberId));
    }

    private void expireSession(ClassicGroup group, String memberId) {
        if (!isCurrent(group)) {
            return;
        }
        ClassicGroupMember member = group.member(memberId);
        if (member == null) {
            return;
        }
        if (member.isAwaitingJoin() || member.isAwaitingSync()) {
            // A member waiting on the coordinator is alive; the phase deadlines govern it.
            scheduleSession(group, member);
            return;
        }
        log.info("Group {}: member {} failed to heartbeat within its session timeout of {} ms and is removed",
                group.groupId(), memberId, member.sessionTimeoutMs());
        removeMemberAndUpdateGroup(group, member, "member " + memberId + " session expired");
    }

    private void expirePending(String groupId, String memberId) {
        ClassicGroup group = groups.classic(groupId);
        if (group != null && group.removePending(memberId)) {
            log.info("Group {}: pending member {} never came back and is dropped", groupId, memberId);
            maybeCompleteJoin(group);
        }
    }

    /**
     * Checks that {@code memberId} belongs to the group and, for a static member, that the instance id
     * still maps to it.
     */
    private static void validateMember(ClassicGroup group, String memberId, String instanceId, String what) {
        if (instanceId != null) {
            String registered = group.staticMemberId(instanceId);
            if (registered != null && !registered.equals(memberId)) {
                throw new FencedInstanceIdException("Static instance " + instanceId + " of group " + group.groupId()
                        + " is now member " + registered + ", not " + memberId + " (" + what + ").");
            }
        }
        if (!group.has(memberId)) {
            throw new UnknownMemberIdException("Group " + group.groupId() + " has no member " + memberId + ".");
        }
    }

    /** True if the group object is still the registered one (timers may outlive a deletion). */
    private boolean isCurrent(ClassicGroup group) {
        return groups.get(group.groupId()) == group;
    }

    /** Schedules session timers for the members of a group just loaded from the log. */
    void onLoaded(ClassicGroup group) {
        for (ClassicGroupMember m : group.members()) {
            scheduleSession(group, m);
        }
    }

    /** Forgets a group (deleted or converted): its timers stop and waiting requests are answered. */
    void onRemoved(ClassicGroup group, Errors error) {
        timer.cancelAll(prefix(group.groupId()));
        inInitialDelay.remove(group.groupId());
        for (ClassicGroupMember m : group.members()) {
            m.completeJoin(ClassicResponses.joinError(error, m.memberId()));
            m.completeSync(ClassicResponses.syncError(error));
        }
    }

    private static String newMemberId(String clientId) {
        return (clientId == null ? "" : clientId) + "-" + UUID.randomUUID();
    }

    static String prefix(String groupId) {
        return "classic|" + groupId + "|";
    }

    private static String sessionKey(ClassicGroup group, String memberId) {
        return prefix(group.groupId()) + "session|" + memberId;
    }

    private static String pendingKey(ClassicGroup group, String memberId) {
        return prefix(group.groupId()) + "pending|" + memberId;
    }

    private static String joinKey(ClassicGroup group) {
        return prefix(group.groupId()) + "join";
    }

    private static String syncKey(ClassicGroup group) {
        return prefix(group.groupId()) + "sync";
    }
}
