package io.potok.broker.group;

import io.potok.broker.group.classic.ClassicGroup;
import io.potok.broker.group.consumer.Assignment;
import io.potok.broker.group.consumer.AssignmentReconciler;
import io.potok.broker.group.consumer.ConsumerGroup;
import io.potok.broker.group.consumer.ConsumerGroupMember;
import io.potok.broker.group.consumer.CurrentAssignment;
import io.potok.broker.group.consumer.MemberState;
import io.potok.broker.group.consumer.MemberSubscription;
import io.potok.broker.group.consumer.PartitionAssignor;
import io.potok.broker.group.consumer.TopicsView;
import io.potok.broker.group.consumer.TopicsView.TopicInfo;
import io.potok.broker.group.log.GroupRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.FencedMemberEpochException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.InvalidRegularExpression;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnreleasedInstanceIdException;
import org.apache.kafka.common.errors.UnsupportedAssignorException;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer rebalance protocol (KIP-848) for the groups of one shard: ConsumerGroupHeartbeat,
 * with the assignment computed here by a server-side assignor, and the member session and
 * revocation timers.
 *
 * <p>One heartbeat: validate the member and its epoch; take the changed subscription fields; bump
 * the group epoch when subscriptions or the subscribed topics' metadata changed; compute a new
 * target assignment when the group epoch is ahead of it; move the member's current assignment
 * towards its target ({@link AssignmentReconciler}); write every resulting record to
 * {@code __consumer_offsets}; answer once they are committed. The state changes only by replaying
 * the written records, exactly as at load time.
 *
 * <p>Timer keys are {@code consumer|<group>|<what>|<member>}.
 *
 * <p>Thread-safety: not thread-safe; every method runs on the shard's executor.
 */
final class ConsumerGroupCoordinator {
    private static final Logger log = LoggerFactory.getLogger(ConsumerGroupCoordinator.class);
    static final int LEAVE_EPOCH = -1;
    static final int STATIC_LEAVE_EPOCH = -2;

    private final GroupConfig config;
    private final GroupRegistry groups;
    private final ShardWriter writer;
    private final GroupTimer timer;
    private final Supplier<TopicsView> topics;
    private final Map<String, PartitionAssignor> assignors;
    private final ClassicGroupCoordinator classic;

    ConsumerGroupCoordinator(GroupConfig config, GroupRegistry groups, ShardWriter writer, GroupTimer timer,
                             Time time, Supplier<TopicsView> topics, List<PartitionAssignor> assignors,
                             ClassicGroupCoordinator classic) {
        this.config = config;
        this.groups = groups;
        this.writer = writer;
        this.timer = timer;
        this.topics = topics;
        this.assignors = new LinkedHashMap<>();
        for (String name : config.consumerAssignors()) {
            assignors.stream().filter(a -> a.name().equals(name)).findFirst()
                    .ifPresent(a -> this.assignors.put(name, a));
        }
        this.classic = classic;
    }

    CompletableFuture<ConsumerGroupHeartbeatResponseData> heartbeat(RequestContext ctx,
                                                                     ConsumerGroupHeartbeatRequestData req) {
        validate(ctx.apiVersion(), req);
        String groupId = req.groupId();
        int epoch = req.memberEpoch();
        String memberId = req.memberId();
        if (epoch == 0 && memberId.isEmpty()) {
            memberId = Uuid.randomUuid().toString(); // v0: the coordinator names the member
        }
        if (epoch == LEAVE_EPOCH || epoch == STATIC_LEAVE_EPOCH) {
            return leave(groupId, memberId, req.instanceId(), epoch);
        }

        List<GroupRecord> records = new ArrayList<>();
        Object existing = groups.get(groupId);
        ClassicGroup converted = null;
        if (existing instanceof ClassicGroup classicGroup) {
            if (!classicGroup.isEmpty()) {
                throw new GroupIdNotFoundException("Group " + groupId + " is not a consumer group.");
            }
            if (epoch != 0) {
                throw new UnknownMemberIdException("Group " + groupId + " has no member " + memberId + ".");
            }
            // An empty classic group (maybe only offsets) becomes a consumer group; its offsets stay.
            records.add(new GroupRecord.ClassicGroupMetadata(groupId, null));
            converted = classicGroup;
            existing = null;
        }
        ConsumerGroup group = (ConsumerGroup) existing;
        if (group == null) {
            if (epoch != 0) {
                throw new UnknownMemberIdException("Group " + groupId + " has no member " + memberId + ".");
            }
            group = new ConsumerGroup(groupId); // registered when its records are replayed
        }

        // Who is the member?
        ConsumerGroupMember member = group.member(memberId);
        String replacedMemberId = null;
        Assignment inheritedTarget = null;
        boolean isNew = false;
        if (epoch == 0) {
            String instanceId = req.instanceId();
            String registered = group.staticMemberId(instanceId);
            if (registered != null && !registered.equals(memberId)) {
                ConsumerGroupMember previous = group.member(registered);
                if (previous.memberEpoch() != STATIC_LEAVE_EPOCH) {
                    throw new UnreleasedInstanceIdException("Static member " + instanceId + " of group " + groupId
                            + " is still member " + registered + ".");
                }
                replacedMemberId = registered;
                inheritedTarget = group.targetAssignment(registered);
                CurrentAssignment c = previous.current();
                member = new ConsumerGroupMember(memberId, previous.subscription(),
                        new CurrentAssignment(0, 0, MemberState.STABLE, c.assigned(), c.pendingRevocation(),
                                c.assignmentEpochs()));
            } else if (member == null) {
                if (group.size() >= config.consumerMaxSize()) {
                    throw new GroupMaxSizeReachedException("Group " + groupId + " already has the maximum of "
                            + config.consumerMaxSize() + " members.");
                }
                isNew = true;
                member = new ConsumerGroupMember(memberId, null, CurrentAssignment.INITIAL);
            }
        } else {
            if (member == null) {
                throw new UnknownMemberIdException("Group " + groupId + " has no member " + memberId + ".");
            }
            if (req.instanceId() != null && !memberId.equals(group.staticMemberId(req.instanceId()))) {
                throw new FencedInstanceIdException("Instance " + req.instanceId() + " of group " + groupId
                        + " is not member " + memberId + ".");
            }
            validateEpoch(member, epoch, ownedPartitions(req));
        }

        // Subscription.
        MemberSubscription before = member.subscription();
        MemberSubscription subscription = updatedSubscription(ctx, req, before);
        boolean subscriptionChanged = before == null || before.affectsAssignment(subscription);
        if (replacedMemberId != null) {
            records.addAll(memberDeletionRecords(groupId, replacedMemberId));
        }
        if (!subscription.equals(before) || replacedMemberId != null) {
            records.add(new GroupRecord.ConsumerGroupMemberMetadata(groupId, memberId, subscription));
        }

        // Group epoch.
        Map<String, MemberSubscription> subscriptions = new TreeMap<>(group.subscriptions());
        if (replacedMemberId != null) {
            subscriptions.remove(replacedMemberId);
        }
        subscriptions.put(memberId, subscription);
        TopicsView view = topics.get();
        Map<String, Set<Uuid>> memberTopics = resolveTopics(subscriptions, view);
        long metadataHash = metadataHash(memberTopics, view);
        int groupEpoch = group.groupEpoch();
        if (subscriptionChanged || metadataHash != group.metadataHash()) {
            groupEpoch++;
            records.add(new GroupRecord.ConsumerGroupMetadata(groupId, new GroupRecord.GroupEpoch(groupEpoch, metadataHash)));
        }

        // Target assignment.
        Map<String, Assignment> target = new HashMap<>(group.targetAssignment());
        if (replacedMemberId != null) {
            target.remove(replacedMemberId);
            target.put(memberId, inheritedTarget);
            records.add(new GroupRecord.ConsumerGroupTargetAssignmentMember(groupId, memberId, inheritedTarget));
        }
        int targetEpoch = group.assignmentEpoch();
        if (groupEpoch > targetEpoch) {
            PartitionAssignor assignor = chooseAssignor(subscriptions.values());
            Map<Uuid, Integer> partitionCounts = new HashMap<>();
            memberTopics.values().forEach(ids -> ids.forEach(id ->
                    view.byId(id).ifPresent(t -> partitionCounts.put(id, t.partitions()))));
            Map<String, Assignment> computed = assignor.assign(memberTopics, partitionCounts, target);
            for (Map.Entry<String, Assignment> e : computed.entrySet()) {
                if (!e.getValue().equals(target.get(e.getKey()))) {
                    records.add(new GroupRecord.ConsumerGroupTargetAssignmentMember(groupId, e.getKey(), e.getValue()));
                }
            }
            records.add(new GroupRecord.ConsumerGroupTargetAssignmentMetadata(groupId, groupEpoch));
            log.info("Group {}: new target assignment at epoch {} by the {} assignor for {} members", groupId,
                    groupEpoch, assignor.name(), computed.size());
            target = computed;
            targetEpoch = groupEpoch;
        }

        // Reconcile the member towards its target.
        Assignment owned = ownedPartitions(req);
        String replaced = replacedMemberId;
        String self = memberId;
        ConsumerGroup current = group;
        CurrentAssignment next = AssignmentReconciler.reconcile(memberId, member.current(), targetEpoch,
                target.getOrDefault(memberId, Assignment.EMPTY), owned, (t, p) -> {
                    String owner = current.ownerOf(t, p);
                    return owner != null && owner.equals(replaced) ? self : owner;
                });
        if (!next.equals(member.current()) || isNew || replacedMemberId != null) {
            records.add(new GroupRecord.ConsumerGroupCurrentMemberAssignment(groupId, memberId, next));
        }

        CompletableFuture<Void> committed;
        try {
            committed = writer.write(records);
        } catch (RuntimeException e) {
            throw AppendErrors.forGroupWrite(e);
        }
        if (converted != null) {
            classic.onRemoved(converted, Errors.UNKNOWN_MEMBER_ID);
            log.info("Converted empty classic group {} to a consumer group", groupId);
        }
        if (isNew) {
            log.info("Group {}: member {} joined (epoch {})", groupId, memberId, next.memberEpoch());
        }
        if (replacedMemberId != null) {
            log.info("Group {}: static member {} rejoined as {} (was {}) and keeps its partitions", groupId,
                    req.instanceId(), memberId, replacedMemberId);
            timer.cancel(sessionKey(groupId, replacedMemberId));
            timer.cancel(rebalanceKey(groupId, replacedMemberId));
        }
        scheduleSession(groupId, memberId);
        if (next.state() == MemberState.UNREVOKED_PARTITIONS) {
            if (member.current().state() != MemberState.UNREVOKED_PARTITIONS || !timer.isScheduled(rebalanceKey(groupId, memberId))) {
                scheduleRebalanceTimeout(groupId, memberId, next.memberEpoch(), subscription.rebalanceTimeoutMs());
            }
        } else {
            timer.cancel(rebalanceKey(groupId, memberId));
        }

        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setErrorCode(Errors.NONE.code())
                .setMemberId(memberId)
                .setMemberEpoch(next.memberEpoch())
                .setHeartbeatIntervalMs(config.consumerHeartbeatIntervalMs());
        boolean fullRequest = epoch == 0 || (req.rebalanceTimeoutMs() != -1 && req.subscribedTopicNames() != null
                && req.topicPartitions() != null);
        if (fullRequest || !next.assigned().equals(member.current().assigned())) {
            response.setAssignment(toResponse(next.assigned()));
        }
        return committed.thenApply(v -> response);
    }

    private CompletableFuture<ConsumerGroupHeartbeatResponseData> leave(String groupId, String memberId,
                                                                        String instanceId, int epoch) {
        ConsumerGroup group = groups.consumer(groupId);
        String id = memberId;
        if (group != null && instanceId != null) {
            String registered = group.staticMemberId(instanceId);
            if (registered != null && !registered.equals(memberId)) {
                throw new FencedInstanceIdException("Instance " + instanceId + " of group " + groupId
                        + " is not member " + memberId + ".");
            }
        }
        ConsumerGroupMember member = group == null ? null : group.member(id);
        if (member == null) {
            throw new UnknownMemberIdException("Group " + groupId + " has no member " + memberId + ".");
        }
        CompletableFuture<Void> committed;
        try {
            if (epoch == STATIC_LEAVE_EPOCH) {
                CurrentAssignment c = member.current();
                committed = writer.write(List.of(new GroupRecord.ConsumerGroupCurrentMemberAssignment(groupId, id,
                        new CurrentAssignment(STATIC_LEAVE_EPOCH, c.memberEpoch(), c.state(), c.assigned(),
                                c.pendingRevocation(), c.assignmentEpochs()))));
                timer.cancel(rebalanceKey(groupId, id));
                scheduleSession(groupId, id);
                log.info("Group {}: static member {} ({}) left temporarily", groupId, id, instanceId);
            } else {
                committed = writer.write(removalRecords(group, id));
                timer.cancel(sessionKey(groupId, id));
                timer.cancel(rebalanceKey(groupId, id));
                log.info("Group {}: member {} left", groupId, id);
            }
        } catch (RuntimeException e) {
            throw AppendErrors.forGroupWrite(e);
        }
        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData()
                .setErrorCode(Errors.NONE.code()).setMemberId(id).setMemberEpoch(epoch).setHeartbeatIntervalMs(0);
        return committed.thenApply(v -> response);
    }

    /** Removes a member that stopped heartbeating or did not revoke in time. */
    private void fence(String groupId, String memberId, String reason) {
        ConsumerGroup group = groups.consumer(groupId);
        if (group == null || !group.has(memberId)) {
            return;
        }
        log.info("Group {}: member {} is fenced: {}", groupId, memberId, reason);
        timer.cancel(sessionKey(groupId, memberId));
        timer.cancel(rebalanceKey(groupId, memberId));
        try {
            writer.write(removalRecords(group, memberId)).exceptionally(e -> {
                log.warn("Group {}: removing member {} was not committed: {}", groupId, memberId, e.toString());
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("Group {}: could not write the removal of member {}: {}", groupId, memberId, e.toString());
        }
    }

    /** The records that remove a member and bump the group epoch so the others get its partitions. */
    private List<GroupRecord> removalRecords(ConsumerGroup group, String memberId) {
        List<GroupRecord> records = new ArrayList<>(memberDeletionRecords(group.groupId(), memberId));
        Map<String, MemberSubscription> remaining = new TreeMap<>(group.subscriptions());
        remaining.remove(memberId);
        TopicsView view = topics.get();
        long hash = metadataHash(resolveTopics(remaining, view), view);
        records.add(new GroupRecord.ConsumerGroupMetadata(group.groupId(),
                new GroupRecord.GroupEpoch(group.groupEpoch() + 1, hash)));
        return records;
    }

    private static List<GroupRecord> memberDeletionRecords(String groupId, String memberId) {
        return List.of(
                new GroupRecord.ConsumerGroupCurrentMemberAssignment(groupId, memberId, null),
                new GroupRecord.ConsumerGroupTargetAssignmentMember(groupId, memberId, null),
                new GroupRecord.ConsumerGroupMemberMetadata(groupId, memberId, null));
    }

    /** Tombstones for every record of a consumer group (deletion, or conversion to classic). */
    static List<GroupRecord> deletionRecords(ConsumerGroup group) {
        List<GroupRecord> records = new ArrayList<>();
        for (ConsumerGroupMember m : group.members()) {
            records.addAll(memberDeletionRecords(group.groupId(), m.memberId()));
        }
        records.add(new GroupRecord.ConsumerGroupTargetAssignmentMetadata(group.groupId(), null));
        records.add(new GroupRecord.ConsumerGroupMetadata(group.groupId(), null));
        return records;
    }

    // ------------------------------------------------------------------ validation

    private void validate(short version, ConsumerGroupHeartbeatRequestData req) {
        if (req.groupId() == null || req.groupId().isEmpty()) {
            throw new InvalidRequestException("GroupId can't be empty.");
        }
        if (req.instanceId() != null && req.instanceId().isEmpty()) {
            throw new InvalidRequestException("InstanceId can't be empty.");
        }
        if (req.rackId() != null && req.rackId().isEmpty()) {
            throw new InvalidRequestException("RackId can't be empty.");
        }
        int epoch = req.memberEpoch();
        String memberId = req.memberId() == null ? "" : req.memberId();
        if (epoch == 0) {
            if (version >= 1 && memberId.isEmpty()) {
                throw new InvalidRequestException("MemberId can't be empty.");
            }
            if (req.rebalanceTimeoutMs() == -1) {
                throw new InvalidRequestException("RebalanceTimeoutMs must be provided in first request.");
            }
            if (req.topicPartitions() == null || !req.topicPartitions().isEmpty()) {
                throw new InvalidRequestException("TopicPartitions must be empty when (re-)joining.");
            }
            if (req.subscribedTopicNames() == null && req.subscribedTopicRegex() == null) {
                throw new InvalidRequestException(
                        "SubscribedTopicNames or SubscribedTopicRegex must be set in first request.");
            }
        } else if (epoch > 0 || epoch == LEAVE_EPOCH || epoch == STATIC_LEAVE_EPOCH) {
            if (memberId.isEmpty()) {
                throw new InvalidRequestException("MemberId can't be empty.");
            }
            if (epoch == STATIC_LEAVE_EPOCH && req.instanceId() == null) {
                throw new InvalidRequestException("InstanceId can't be null when MemberEpoch is -2.");
            }
        } else {
            throw new InvalidRequestException("MemberEpoch is invalid: " + epoch + ".");
        }
        if (req.serverAssignor() != null && !assignors.containsKey(req.serverAssignor())) {
            throw new UnsupportedAssignorException("ServerAssignor " + req.serverAssignor()
                    + " is not supported. Supported assignors: " + String.join(", ", assignors.keySet()) + ".");
        }
        if (req.subscribedTopicRegex() != null && !req.subscribedTopicRegex().isEmpty()) {
            try {
                Pattern.compile(req.subscribedTopicRegex());
            } catch (PatternSyntaxException e) {
                throw new InvalidRegularExpression("SubscribedTopicRegex " + req.subscribedTopicRegex()
                        + " is not a valid regular expression: " + e.getDescription() + ".");
            }
        }
    }

    /**
     * A request's epoch must be the member's; the previous epoch is accepted once more when the
     * member only owns partitions it still has (its last response was lost).
     */
    private static void validateEpoch(ConsumerGroupMember member, int epoch, Assignment owned) {
        int expected = member.memberEpoch();
        if (epoch == expected) {
            return;
        }
        if (epoch < expected && epoch == member.current().previousMemberEpoch() && owned != null
                && owned.isSubsetOf(member.current().assigned())) {
            return;
        }
        throw new FencedMemberEpochException("The member epoch " + epoch + " of " + member.memberId()
                + " is fenced; the current epoch is " + expected + ".");
    }

    private static MemberSubscription updatedSubscription(RequestContext ctx, ConsumerGroupHeartbeatRequestData req,
                                                          MemberSubscription before) {
        String regex = req.subscribedTopicRegex() != null
                ? (req.subscribedTopicRegex().isEmpty() ? null : req.subscribedTopicRegex())
                : before == null ? null : before.subscribedTopicRegex();
        return new MemberSubscription(
                req.instanceId() != null ? req.instanceId() : before == null ? null : before.instanceId(),
                req.rackId() != null ? req.rackId() : before == null ? null : before.rackId(),
                ctx.clientId(), ctx.clientHost(),
                req.subscribedTopicNames() != null ? req.subscribedTopicNames()
                        : before == null ? List.of() : before.subscribedTopicNames(),
                regex,
                req.serverAssignor() != null ? req.serverAssignor() : before == null ? null : before.serverAssignor(),
                req.rebalanceTimeoutMs() != -1 ? req.rebalanceTimeoutMs()
                        : before == null ? 300_000 : before.rebalanceTimeoutMs());
    }

    // ------------------------------------------------------------------ topics and assignors

    /** Member id → ids of existing topics it subscribes to, by name or by regex. */
    static Map<String, Set<Uuid>> resolveTopics(Map<String, MemberSubscription> subscriptions, TopicsView view) {
        Map<String, Set<Uuid>> result = new TreeMap<>();
        Map<String, Pattern> compiled = new HashMap<>();
        for (Map.Entry<String, MemberSubscription> e : subscriptions.entrySet()) {
            Set<Uuid> ids = new HashSet<>();
            for (String name : e.getValue().subscribedTopicNames()) {
                view.byName(name).ifPresent(t -> ids.add(t.id()));
            }
            String regex = e.getValue().subscribedTopicRegex();
            if (regex != null) {
                Pattern p = compiled.computeIfAbsent(regex, r -> {
                    try {
                        return Pattern.compile(r);
                    } catch (PatternSyntaxException ex) {
                        return null;
                    }
                });
                if (p != null) {
                    for (TopicInfo t : view.all()) {
                        if (p.matcher(t.name()).matches()) {
                            ids.add(t.id());
                        }
                    }
                }
            }
            result.put(e.getKey(), ids);
        }
        return result;
    }

    /** A fingerprint of the subscribed topics' names, ids and partition counts. */
    static long metadataHash(Map<String, Set<Uuid>> memberTopics, TopicsView view) {
        Set<Uuid> all = new java.util.TreeSet<>();
        memberTopics.values().forEach(all::addAll);
        long h = 1125899906842597L;
        for (Uuid id : all) {
            TopicInfo t = view.byId(id).orElse(null);
            if (t == null) {
                continue;
            }
            h = 31 * h + id.getMostSignificantBits();
            h = 31 * h + id.getLeastSignificantBits();
            h = 31 * h + t.name().hashCode();
            h = 31 * h + t.partitions();
        }
        return h;
    }

    /** The server assignor most members asked for; the configured default when none did. */
    private PartitionAssignor chooseAssignor(Collection<MemberSubscription> subscriptions) {
        Map<String, Integer> votes = new HashMap<>();
        for (MemberSubscription s : subscriptions) {
            if (s.serverAssignor() != null && assignors.containsKey(s.serverAssignor())) {
                votes.merge(s.serverAssignor(), 1, Integer::sum);
            }
        }
        String chosen = null;
        for (String name : assignors.keySet()) {
            if (chosen == null || votes.getOrDefault(name, 0) > votes.getOrDefault(chosen, 0)) {
                chosen = name;
            }
        }
        return assignors.get(chosen);
    }

    /** The assignor a group uses now (for ConsumerGroupDescribe). */
    String assignorName(ConsumerGroup group) {
        return chooseAssignor(group.subscriptions().values()).name();
    }

    private static Assignment ownedPartitions(ConsumerGroupHeartbeatRequestData req) {
        if (req.topicPartitions() == null) {
            return null;
        }
        Map<Uuid, List<Integer>> m = new HashMap<>();
        req.topicPartitions().forEach(tp -> m.computeIfAbsent(tp.topicId(), t -> new ArrayList<>()).addAll(tp.partitions()));
        return Assignment.of(m);
    }

    private static ConsumerGroupHeartbeatResponseData.Assignment toResponse(Assignment a) {
        List<ConsumerGroupHeartbeatResponseData.TopicPartitions> list = new ArrayList<>();
        a.partitions().forEach((t, ps) -> list.add(new ConsumerGroupHeartbeatResponseData.TopicPartitions()
                .setTopicId(t).setPartitions(new ArrayList<>(ps))));
        return new ConsumerGroupHeartbeatResponseData.Assignment().setTopicPartitions(list);
    }

    // ------------------------------------------------------------------ timers

    private void scheduleSession(String groupId, String memberId) {
        timer.schedule(sessionKey(groupId, memberId), config.consumerSessionTimeoutMs(),
                () -> fence(groupId, memberId, "no heartbeat within group.consumer.session.timeout.ms ("
                        + config.consumerSessionTimeoutMs() + " ms)"));
    }

    private void scheduleRebalanceTimeout(String groupId, String memberId, int memberEpoch, int timeoutMs) {
        timer.schedule(rebalanceKey(groupId, memberId), timeoutMs, () -> {
            ConsumerGroup group = groups.consumer(groupId);
            ConsumerGroupMember m = group == null ? null : group.member(memberId);
            if (m != null && m.current().state() == MemberState.UNREVOKED_PARTITIONS
                    && m.memberEpoch() == memberEpoch) {
                fence(groupId, memberId, "partitions not revoked within the rebalance timeout of " + timeoutMs + " ms");
            }
        });
    }

    /** Schedules the timers of a group just loaded from the log. */
    void onLoaded(ConsumerGroup group) {
        for (ConsumerGroupMember m : group.members()) {
            scheduleSession(group.groupId(), m.memberId());
            if (m.current().state() == MemberState.UNREVOKED_PARTITIONS) {
                scheduleRebalanceTimeout(group.groupId(), m.memberId(), m.memberEpoch(),
                        m.subscription().rebalanceTimeoutMs());
            }
        }
    }

    void onRemoved(ConsumerGroup group) {
        timer.cancelAll(prefix(group.groupId()));
    }

    static String prefix(String groupId) {
        return "consumer|" + groupId + "|";
    }

    private static String sessionKey(String groupId, String memberId) {
        return prefix(groupId) + "session|" + memberId;
    }

    private static String rebalanceKey(String groupId, String memberId) {
        return prefix(groupId) + "rebalance|" + memberId;
    }
}
