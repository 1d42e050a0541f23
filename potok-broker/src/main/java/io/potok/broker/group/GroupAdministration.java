package io.potok.broker.group;

import io.potok.broker.group.classic.ClassicGroup;
import io.potok.broker.group.classic.ClassicGroupMember;
import io.potok.broker.group.classic.ClassicGroupState;
import io.potok.broker.group.consumer.Assignment;
import io.potok.broker.group.consumer.ConsumerGroup;
import io.potok.broker.group.consumer.ConsumerGroupMember;
import io.potok.broker.group.consumer.MemberSubscription;
import io.potok.broker.group.consumer.TopicsView;
import io.potok.broker.group.log.GroupRecord;
import io.potok.broker.group.offsets.OffsetStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Utils;

/**
 * The admin views of one shard's groups: ListGroups, DescribeGroups, ConsumerGroupDescribe and
 * DeleteGroups (which refuses groups that still have members, and otherwise writes tombstones for
 * the group and all its offsets).
 *
 * <p>Thread-safety: not thread-safe; every method runs on the shard's executor.
 */
final class GroupAdministration {
    /** The operations a group supports, reported when a client asks for authorized operations (no ACLs yet). */
    static final int GROUP_OPERATIONS = Utils.to32BitField(Set.of(AclOperation.READ.code(), AclOperation.DESCRIBE.code(),
            AclOperation.DELETE.code(), AclOperation.DESCRIBE_CONFIGS.code(), AclOperation.ALTER_CONFIGS.code()));

    private final GroupRegistry groups;
    private final OffsetStore offsets;
    private final ShardWriter writer;
    private final Supplier<TopicsView> topics;
    private final ClassicGroupCoordinator classic;
    private final ConsumerGroupCoordinator consumer;

    GroupAdministration(GroupRegistry groups, OffsetStore offsets, ShardWriter writer, Supplier<TopicsView> topics,
                        ClassicGroupCoordinator classic, ConsumerGroupCoordinator consumer) {
        this.groups = groups;
        this.offsets = offsets;
        this.writer = writer;
        this.topics = topics;
        this.classic = classic;
        this.consumer = consumer;
    }

    /** Groups matching the filters (empty filter = all); states and types compare case-insensitively. */
    List<ListedGroup> list(List<String> statesFilter, List<String> typesFilter) {
        Set<String> states = statesFilter.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Set<String> types = typesFilter.stream().map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        List<ListedGroup> listed = new ArrayList<>();
        for (Group g : groups.all()) {
            if (!states.isEmpty() && !states.contains(g.stateName().toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (!types.isEmpty() && !types.contains(g.type().toString())) {
                continue;
            }
            listed.add(new ListedGroup().setGroupId(g.groupId()).setProtocolType(g.describedProtocolType())
                    .setGroupState(g.stateName()).setGroupType(g.type().toString()));
        }
        return listed;
    }

    DescribedGroup describe(String groupId, short version, boolean includeAuthorizedOperations) {
        Group group = groups.get(groupId);
        int operations = includeAuthorizedOperations ? GROUP_OPERATIONS : Integer.MIN_VALUE;
        if (group == null) {
            if (version >= 6) {
                return new DescribedGroup().setGroupId(groupId).setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                        .setErrorMessage("Group " + groupId + " not found.").setAuthorizedOperations(operations);
            }
            return new DescribedGroup().setGroupId(groupId).setGroupState(ClassicGroupState.DEAD.toString())
                    .setProtocolType("").setProtocolData("").setAuthorizedOperations(operations);
        }
        DescribedGroup described = new DescribedGroup().setGroupId(groupId).setGroupState(group.stateName())
                .setProtocolType(group.describedProtocolType()).setAuthorizedOperations(operations);
        if (group instanceof ClassicGroup g) {
            boolean stable = g.is(ClassicGroupState.STABLE);
            described.setProtocolData(stable ? g.protocolName() : "");
            for (ClassicGroupMember m : g.members()) {
                byte[] metadata = stable ? m.metadata(g.protocolName()) : null;
                described.members().add(new DescribedGroupMember().setMemberId(m.memberId())
                        .setGroupInstanceId(m.groupInstanceId()).setClientId(m.clientId()).setClientHost(m.clientHost())
                        .setMemberMetadata(metadata == null ? new byte[0] : metadata)
                        .setMemberAssignment(stable ? m.assignment() : new byte[0]));
            }
        } else {
            // A consumer-protocol group seen through the classic API: assignments in the consumer protocol's bytes.
            ConsumerGroup g = (ConsumerGroup) group;
            described.setProtocolData(consumer.assignorName(g));
            TopicsView view = topics.get();
            for (ConsumerGroupMember m : g.members()) {
                List<TopicPartition> partitions = topicPartitions(m.current().assigned(), view);
                ByteBuffer assignment = ConsumerProtocol.serializeAssignment(
                        new ConsumerPartitionAssignor.Assignment(partitions));
                byte[] bytes = new byte[assignment.remaining()];
                assignment.get(bytes);
                MemberSubscription s = m.subscription();
                described.members().add(new DescribedGroupMember().setMemberId(m.memberId())
                        .setGroupInstanceId(s.instanceId()).setClientId(s.clientId()).setClientHost(s.clientHost())
                        .setMemberMetadata(new byte[0]).setMemberAssignment(bytes));
            }
        }
        if (version < 4) {
            described.members().forEach(m -> m.setGroupInstanceId(null));
        }
        return described;
    }

    ConsumerGroupDescribeResponseData.DescribedGroup consumerGroupDescribe(String groupId, boolean includeAuthorizedOperations) {
        Group group = groups.get(groupId);
        ConsumerGroupDescribeResponseData.DescribedGroup described =
                new ConsumerGroupDescribeResponseData.DescribedGroup().setGroupId(groupId)
                        .setAuthorizedOperations(includeAuthorizedOperations ? GROUP_OPERATIONS : Integer.MIN_VALUE);
        if (!(group instanceof ConsumerGroup g)) {
            return described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage(group == null
                    ? "Group " + groupId + " not found." : "Group " + groupId + " is not a consumer group.");
        }
        TopicsView view = topics.get();
        described.setGroupState(g.stateName()).setGroupEpoch(g.groupEpoch()).setAssignmentEpoch(g.assignmentEpoch())
                .setAssignorName(consumer.assignorName(g));
        for (ConsumerGroupMember m : g.members()) {
            MemberSubscription s = m.subscription();
            described.members().add(new ConsumerGroupDescribeResponseData.Member()
                    .setMemberId(m.memberId()).setInstanceId(s.instanceId()).setRackId(s.rackId())
                    .setMemberEpoch(m.memberEpoch()).setClientId(s.clientId()).setClientHost(s.clientHost())
                    .setSubscribedTopicNames(new ArrayList<>(s.subscribedTopicNames()))
                    .setSubscribedTopicRegex(s.subscribedTopicRegex())
                    .setAssignment(describe(m.current().assigned(), view))
                    .setTargetAssignment(describe(g.targetAssignment(m.memberId()), view))
                    .setMemberType((byte) 1));
        }
        return described;
    }

    /** Deletes empty groups with their offsets; one result per requested group, in order. */
    CompletableFuture<List<DeletableGroupResult>> delete(List<String> groupIds) {
        List<DeletableGroupResult> results = new ArrayList<>();
        List<DeletableGroupResult> deleting = new ArrayList<>();
        List<GroupRecord> records = new ArrayList<>();
        List<Group> removed = new ArrayList<>();
        for (String groupId : groupIds) {
            DeletableGroupResult result = new DeletableGroupResult().setGroupId(groupId);
            results.add(result);
            Group group = groupId == null ? null : groups.get(groupId);
            if (groupId == null || groupId.isEmpty()) {
                result.setErrorCode(Errors.INVALID_GROUP_ID.code());
            } else if (group == null || (group instanceof ClassicGroup c && c.is(ClassicGroupState.DEAD))) {
                result.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage("Group " + groupId + " not found.");
            } else if (!group.isEmpty() || (group instanceof ClassicGroup c && !c.is(ClassicGroupState.EMPTY))) {
                result.setErrorCode(Errors.NON_EMPTY_GROUP.code())
                        .setErrorMessage("Group " + groupId + " is not empty (state " + group.stateName() + ").");
            } else {
                records.addAll(GroupTombstones.forOffsets(groupId, offsets.offsets(groupId).keySet()));
                records.addAll(GroupTombstones.forGroup(group));
                removed.add(group);
                deleting.add(result);
            }
        }
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(results);
        }
        CompletableFuture<Void> committed;
        try {
            committed = writer.write(records);
        } catch (RuntimeException e) {
            Errors error = Errors.forException(AppendErrors.forGroupWrite(e));
            deleting.forEach(r -> r.setErrorCode(error.code()).setErrorMessage(error.message()));
            return CompletableFuture.completedFuture(results);
        }
        for (Group group : removed) {
            if (group instanceof ClassicGroup c) {
                classic.onRemoved(c, Errors.COORDINATOR_NOT_AVAILABLE);
            } else {
                consumer.onRemoved((ConsumerGroup) group);
            }
            groups.remove(group.groupId());
        }
        return committed.handle((v, e) -> {
            if (e != null) {
                Errors error = Errors.forException(AppendErrors.forGroupWrite(e));
                deleting.forEach(r -> r.setErrorCode(error.code()).setErrorMessage(error.message()));
            }
            return results;
        });
    }

    private static ConsumerGroupDescribeResponseData.Assignment describe(Assignment a, TopicsView view) {
        List<ConsumerGroupDescribeResponseData.TopicPartitions> list = new ArrayList<>();
        a.partitions().forEach((id, ps) -> view.byId(id).ifPresent(t -> list.add(
                new ConsumerGroupDescribeResponseData.TopicPartitions().setTopicId(id).setTopicName(t.name())
                        .setPartitions(new ArrayList<>(ps)))));
        return new ConsumerGroupDescribeResponseData.Assignment().setTopicPartitions(list);
    }

    private static List<TopicPartition> topicPartitions(Assignment a, TopicsView view) {
        List<TopicPartition> list = new ArrayList<>();
        a.partitions().forEach((id, ps) -> view.byId(id).ifPresent(t -> ps.forEach(p ->
                list.add(new TopicPartition(t.name(), p)))));
        return list;
    }
}
