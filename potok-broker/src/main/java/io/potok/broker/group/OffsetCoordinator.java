package io.potok.broker.group;

import io.potok.broker.group.classic.ClassicGroup;
import io.potok.broker.group.classic.ClassicGroupState;
import io.potok.broker.group.consumer.ConsumerGroup;
import io.potok.broker.group.consumer.ConsumerGroupMember;
import io.potok.broker.group.consumer.TopicsView;
import io.potok.broker.group.consumer.TopicsView.TopicInfo;
import io.potok.broker.group.log.GroupRecord;
import io.potok.broker.group.offsets.OffsetAndMetadata;
import io.potok.broker.group.offsets.OffsetStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.InvalidGroupIdException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.StaleMemberEpochException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets of the groups of one shard: OffsetCommit (checked against the group's
 * generation or member epoch; a "simple" commit without members is allowed when the group has
 * none), OffsetFetch, OffsetDelete, and the expiry of offsets {@code offsets.retention.minutes}
 * after a group became empty (or after their commit, for topics the group no longer reads).
 *
 * <p>Every commit is written to {@code __consumer_offsets} and answered once committed there.
 *
 * <p>Thread-safety: not thread-safe; every method runs on the shard's executor.
 */
final class OffsetCoordinator {
    private static final Logger log = LoggerFactory.getLogger(OffsetCoordinator.class);
    /** Tombstones written by one expiry step at most, so that a huge backlog does not make one giant batch. */
    private static final int MAX_EXPIRED_PER_BATCH = 1000;

    private final GroupConfig config;
    private final GroupRegistry groups;
    private final OffsetStore offsets;
    private final ShardWriter writer;
    private final Time time;
    private final Supplier<TopicsView> topics;
    private final ClassicGroupCoordinator classic;
    private final ConsumerGroupCoordinator consumer;

    OffsetCoordinator(GroupConfig config, GroupRegistry groups, OffsetStore offsets, ShardWriter writer, Time time,
                      Supplier<TopicsView> topics, ClassicGroupCoordinator classic, ConsumerGroupCoordinator consumer) {
        this.config = config;
        this.groups = groups;
        this.offsets = offsets;
        this.writer = writer;
        this.time = time;
        this.topics = topics;
        this.classic = classic;
        this.consumer = consumer;
    }

    // ------------------------------------------------------------------ OffsetCommit

    CompletableFuture<OffsetCommitResponseData> commit(RequestContext ctx, OffsetCommitRequestData req) {
        short version = ctx.apiVersion();
        String groupId = req.groupId();
        if (groupId == null || groupId.isEmpty()) {
            throw new InvalidGroupIdException("The group id must not be empty.");
        }
        Group group = groups.get(groupId);
        boolean created = false;
        if (group == null) {
            if (req.generationIdOrMemberEpoch() >= 0) {
                if (version >= 9) {
                    throw new GroupIdNotFoundException("Group " + groupId + " does not exist.");
                }
                throw new IllegalGenerationException("Group " + groupId + " does not exist.");
            }
            // A commit without group management (admin tools, assign()): a "simple" group holds the offsets.
            group = new ClassicGroup(groupId, time.milliseconds());
            groups.put(group);
            created = true;
        } else if (group instanceof ClassicGroup g) {
            validateClassicCommit(g, req, version);
        } else {
            validateConsumerCommit((ConsumerGroup) group, req, version);
        }

        long now = time.milliseconds();
        long expireTs = version <= 4 && req.retentionTimeMs() >= 0 ? now + req.retentionTimeMs() : -1;
        TopicsView view = topics.get();
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        List<GroupRecord> records = new ArrayList<>();
        List<OffsetCommitResponsePartition> written = new ArrayList<>();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic t : req.topics()) {
            OffsetCommitResponseTopic rt = new OffsetCommitResponseTopic().setName(t.name()).setTopicId(t.topicId());
            response.topics().add(rt);
            Optional<TopicInfo> topic = topicOf(view, t, version);
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                OffsetCommitResponsePartition rp = new OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex());
                rt.partitions().add(rp);
                if (topic.isEmpty()) {
                    rp.setErrorCode((version >= 10 ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
                } else if (p.partitionIndex() < 0 || p.partitionIndex() >= topic.get().partitions()) {
                    rp.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else if (metadataTooLarge(p)) {
                    rp.setErrorCode(Errors.OFFSET_METADATA_TOO_LARGE.code());
                } else {
                    records.add(new GroupRecord.OffsetCommit(groupId, topic.get().name(), p.partitionIndex(),
                            new OffsetAndMetadata(p.committedOffset(), version >= 6 ? p.committedLeaderEpoch() : -1,
                                    p.committedMetadata(), now, expireTs)));
                    written.add(rp);
                }
            }
        }
        if (records.isEmpty()) {
            if (created) {
                groups.remove(groupId);
            }
            return CompletableFuture.completedFuture(response);
        }
        CompletableFuture<Void> committed;
        try {
            committed = writer.write(records);
        } catch (RuntimeException e) {
            if (created) {
                groups.remove(groupId);
            }
            short code = Errors.forException(AppendErrors.forOffsetCommit(e)).code();
            written.forEach(rp -> rp.setErrorCode(code));
            return CompletableFuture.completedFuture(response);
        }
        return committed.handle((v, e) -> {
            if (e != null) {
                short code = Errors.forException(AppendErrors.forOffsetCommit(e)).code();
                written.forEach(rp -> rp.setErrorCode(code));
            }
            return response;
        });
    }

    private void validateClassicCommit(ClassicGroup group, OffsetCommitRequestData req, short version) {
        if (group.is(ClassicGroupState.DEAD)) {
            throw new CoordinatorNotAvailableException("Group " + group.groupId() + " is being removed.");
        }
        int generation = req.generationIdOrMemberEpoch();
        String memberId = req.memberId() == null ? "" : req.memberId();
        String instanceId = version >= 7 ? req.groupInstanceId() : null;
        if (generation < 0 && group.isEmpty()) {
            return; // no group management: admin tools and assign() consumers
        }
        if (instanceId != null) {
            String registered = group.staticMemberId(instanceId);
            if (registered != null && !registered.equals(memberId)) {
                throw new FencedInstanceIdException("Static instance " + instanceId + " is now member " + registered
                        + ", not " + memberId + ".");
            }
        }
        if (!group.has(memberId)) {
            throw new UnknownMemberIdException("Group " + group.groupId() + " has no member " + memberId
                    + (group.isEmpty() ? "." : "; offsets of a group with members can only be committed by them."));
        }
        if (generation != group.generationId()) {
            throw new IllegalGenerationException("Generation " + generation + " is not the current generation "
                    + group.generationId() + " of group " + group.groupId() + ".");
        }
        if (group.is(ClassicGroupState.COMPLETING_REBALANCE)) {
            throw new RebalanceInProgressException("Group " + group.groupId() + " is completing a rebalance.");
        }
        classic.touch(group, memberId);
    }

    /**
     * Checks a commit of a member of a consumer-protocol group. The member's own epoch commits anything; an older
     * one (KIP-1251: the client has not yet seen its latest bump) commits only partitions the member has owned since
     * at or before that epoch, so that no partition owned by another member in between is overwritten. A refusal
     * refuses the whole request, as in Kafka.
     */
    private void validateConsumerCommit(ConsumerGroup group, OffsetCommitRequestData req, short version) {
        String id = req.memberId() == null ? "" : req.memberId();
        int memberEpoch = req.generationIdOrMemberEpoch();
        if (memberEpoch < 0 && id.isEmpty()) {
            if (group.isEmpty()) {
                return;
            }
            throw new UnknownMemberIdException("Group " + group.groupId() + " has members; offsets can only be "
                    + "committed by them.");
        }
        ConsumerGroupMember member = group.member(id);
        if (member == null) {
            throw new UnknownMemberIdException("Group " + group.groupId() + " has no member " + id + ".");
        }
        if (version < 9) {
            throw new UnsupportedVersionException("OffsetCommit version 9 or above must be used by members of "
                    + "groups using the consumer protocol.");
        }
        if (memberEpoch == member.memberEpoch()) {
            return;
        }
        if (memberEpoch > member.memberEpoch()) {
            throw new StaleMemberEpochException("The member epoch " + memberEpoch + " of " + id
                    + " is newer than its current epoch " + member.memberEpoch() + ".");
        }
        TopicsView view = topics.get();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic t : req.topics()) {
            Optional<TopicInfo> topic = topicOf(view, t, version);
            if (topic.isEmpty()) {
                continue; // answered with an unknown-topic error per partition
            }
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : t.partitions()) {
                if (p.partitionIndex() < 0 || p.partitionIndex() >= topic.get().partitions() || metadataTooLarge(p)) {
                    continue; // answered with its own error per partition, as Kafka does before validating
                }
                int assignedAt = member.current().assignmentEpochs().epochOf(topic.get().id(), p.partitionIndex());
                if (assignedAt < 0) {
                    throw new StaleMemberEpochException("The member epoch " + memberEpoch + " of " + id
                            + " is stale (current " + member.memberEpoch() + ") and partition " + topic.get().name()
                            + "-" + p.partitionIndex() + " is neither assigned to it nor pending revocation.");
                }
                if (memberEpoch < assignedAt) {
                    throw new StaleMemberEpochException("The member epoch " + memberEpoch + " of " + id
                            + " is older than the epoch " + assignedAt + " at which partition " + topic.get().name()
                            + "-" + p.partitionIndex() + " was assigned to it.");
                }
            }
        }
    }

    /** The committed topic: by id from OffsetCommit v10, by name before. */
    private static Optional<TopicInfo> topicOf(TopicsView view, OffsetCommitRequestData.OffsetCommitRequestTopic t,
                                               short version) {
        return version >= 10 ? view.byId(t.topicId()) : view.byName(t.name());
    }

    private boolean metadataTooLarge(OffsetCommitRequestData.OffsetCommitRequestPartition p) {
        return p.committedMetadata() != null
                && p.committedMetadata().getBytes(StandardCharsets.UTF_8).length > config.offsetMetadataMaxBytes();
    }

    // ------------------------------------------------------------------ OffsetFetch

    /** One group of an OffsetFetch (v8+ shape); the handler reshapes it for older versions. */
    OffsetFetchResponseGroup fetch(short version, OffsetFetchRequestData.OffsetFetchRequestGroup req,
                                   boolean requireStable) {
        String groupId = req.groupId();
        OffsetFetchResponseGroup response = new OffsetFetchResponseGroup().setGroupId(groupId);
        if (groupId == null || groupId.isEmpty()) {
            return response.setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        Group group = groups.get(groupId);
        if (group instanceof ConsumerGroup g && (req.memberId() != null || req.memberEpoch() >= 0)) {
            try {
                validateFetchMember(g, req.memberId(), req.memberEpoch());
            } catch (ApiException e) {
                return response.setErrorCode(Errors.forException(e).code());
            }
        }
        // Writes are applied only once appended and nothing here is transactional, so every offset is stable
        // and requireStable needs no wait.
        TopicsView view = topics.get();
        boolean byId = version >= 10;
        if (req.topics() == null) {
            Map<String, OffsetFetchResponseTopics> byTopic = new LinkedHashMap<>();
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.offsets(groupId).entrySet()) {
                String name = e.getKey().topic();
                Uuid id = Uuid.ZERO_UUID;
                if (byId) {
                    Optional<TopicInfo> t = view.byName(name);
                    if (t.isEmpty()) {
                        continue; // a deleted topic has no id to report
                    }
                    id = t.get().id();
                }
                Uuid topicId = id;
                byTopic.computeIfAbsent(name, n -> new OffsetFetchResponseTopics().setName(byId ? "" : n)
                        .setTopicId(topicId)).partitions().add(partition(e.getKey().partition(), e.getValue()));
            }
            response.topics().addAll(byTopic.values());
            return response;
        }
        for (OffsetFetchRequestData.OffsetFetchRequestTopics t : req.topics()) {
            OffsetFetchResponseTopics rt = new OffsetFetchResponseTopics().setName(t.name()).setTopicId(t.topicId());
            response.topics().add(rt);
            String name = t.name();
            Errors topicError = Errors.NONE;
            if (byId) {
                Optional<TopicInfo> info = view.byId(t.topicId());
                name = info.map(TopicInfo::name).orElse(null);
                if (name == null) {
                    topicError = Errors.UNKNOWN_TOPIC_ID;
                }
            }
            for (int p : t.partitionIndexes()) {
                OffsetAndMetadata om = name == null ? null : offsets.get(groupId, new TopicPartition(name, p));
                OffsetFetchResponsePartitions rp = om == null ? partition(p, null) : partition(p, om);
                rt.partitions().add(rp.setErrorCode(topicError.code()));
            }
        }
        return response;
    }

    private static void validateFetchMember(ConsumerGroup group, String memberId, int memberEpoch) {
        ConsumerGroupMember member = memberId == null ? null : group.member(memberId);
        if (member == null) {
            throw new UnknownMemberIdException("Group " + group.groupId() + " has no member " + memberId + ".");
        }
        if (memberEpoch != member.memberEpoch()) {
            throw new StaleMemberEpochException("The member epoch " + memberEpoch + " of " + memberId
                    + " is stale; the current epoch is " + member.memberEpoch() + ".");
        }
    }

    private static OffsetFetchResponsePartitions partition(int partition, OffsetAndMetadata om) {
        OffsetFetchResponsePartitions rp = new OffsetFetchResponsePartitions().setPartitionIndex(partition);
        if (om == null) {
            return rp.setCommittedOffset(-1).setCommittedLeaderEpoch(-1).setMetadata("");
        }
        return rp.setCommittedOffset(om.offset()).setCommittedLeaderEpoch(om.leaderEpoch()).setMetadata(om.metadata());
    }

    // ------------------------------------------------------------------ OffsetDelete

    CompletableFuture<OffsetDeleteResponseData> delete(OffsetDeleteRequestData req) {
        String groupId = req.groupId();
        if (groupId == null || groupId.isEmpty()) {
            throw new InvalidGroupIdException("The group id must not be empty.");
        }
        Group group = groups.get(groupId);
        if (group == null || (group instanceof ClassicGroup c && c.is(ClassicGroupState.DEAD))) {
            throw new GroupIdNotFoundException("Group " + groupId + " does not exist.");
        }
        if (group instanceof ClassicGroup c && !c.isEmpty()
                && !ClassicGroup.CONSUMER_PROTOCOL_TYPE.equals(c.protocolType())) {
            throw new GroupNotEmptyException("Group " + groupId + " is not empty and does not use the consumer "
                    + "protocol, so its offsets cannot be deleted.");
        }
        OffsetDeleteResponseData response = new OffsetDeleteResponseData();
        List<TopicPartition> toDelete = new ArrayList<>();
        for (OffsetDeleteRequestData.OffsetDeleteRequestTopic t : req.topics()) {
            OffsetDeleteResponseData.OffsetDeleteResponseTopic rt =
                    new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(t.name());
            response.topics().add(rt);
            boolean subscribed = group.isSubscribedTo(t.name());
            for (OffsetDeleteRequestData.OffsetDeleteRequestPartition p : t.partitions()) {
                Errors error = subscribed ? Errors.GROUP_SUBSCRIBED_TO_TOPIC : Errors.NONE;
                TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
                if (!subscribed && offsets.get(groupId, tp) != null) {
                    toDelete.add(tp);
                }
                rt.partitions().add(new OffsetDeleteResponseData.OffsetDeleteResponsePartition()
                        .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code()));
            }
        }
        if (toDelete.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        CompletableFuture<Void> committed;
        try {
            committed = writer.write(GroupTombstones.forOffsets(groupId, toDelete));
        } catch (RuntimeException e) {
            throw AppendErrors.forGroupWrite(e);
        }
        return committed.thenApply(v -> response);
    }

    // ------------------------------------------------------------------ expiry

    /**
     * Deletes offsets past their retention and then groups that are empty and have no offsets left.
     * Returns the number of offsets expired.
     */
    int expire() {
        long now = time.milliseconds();
        List<GroupRecord> records = new ArrayList<>();
        int expired = 0;
        for (String groupId : offsets.groupIds()) {
            Group group = groups.get(groupId);
            List<TopicPartition> gone = new ArrayList<>();
            for (Map.Entry<TopicPartition, OffsetAndMetadata> e : offsets.offsets(groupId).entrySet()) {
                if (records.size() + gone.size() >= MAX_EXPIRED_PER_BATCH) {
                    break;
                }
                if (isExpired(group, e.getKey(), e.getValue(), now)) {
                    gone.add(e.getKey());
                }
            }
            if (!gone.isEmpty()) {
                log.info("Expiring {} offsets of group {}", gone.size(), groupId);
                records.addAll(GroupTombstones.forOffsets(groupId, gone));
                expired += gone.size();
            }
        }
        write(records, "expired offsets");
        // Groups without members and without offsets go away too.
        List<GroupRecord> deletions = new ArrayList<>();
        for (Group group : List.copyOf(groups.all())) {
            boolean idle = group instanceof ClassicGroup c
                    ? c.is(ClassicGroupState.EMPTY) && c.numPending() == 0 : group.isEmpty();
            if (idle && !offsets.hasOffsets(group.groupId())) {
                log.info("Deleting group {}: no members and no offsets", group.groupId());
                deletions.addAll(GroupTombstones.forGroup(group));
                forget(group);
            }
        }
        write(deletions, "empty groups");
        return expired;
    }

    private void forget(Group group) {
        if (group instanceof ClassicGroup c) {
            classic.onRemoved(c, Errors.COORDINATOR_NOT_AVAILABLE);
        } else {
            consumer.onRemoved((ConsumerGroup) group);
        }
        groups.remove(group.groupId());
    }

    private void write(List<GroupRecord> records, String what) {
        if (records.isEmpty()) {
            return;
        }
        try {
            writer.write(records).exceptionally(e -> {
                log.warn("Writing the tombstones of {} was not committed: {}", what, e.toString());
                return null;
            });
        } catch (RuntimeException e) {
            log.warn("Could not write the tombstones of {}: {}", what, e.toString());
        }
    }

    private boolean isExpired(Group group, TopicPartition tp, OffsetAndMetadata om, long now) {
        if (om.expireTimestampMs() >= 0) {
            return now >= om.expireTimestampMs();
        }
        long base;
        if (group == null) {
            base = om.commitTimestampMs();
        } else if (group instanceof ClassicGroup c) {
            if (c.protocolType() == null) {
                base = om.commitTimestampMs(); // simple group: each offset on its own
            } else if (c.is(ClassicGroupState.EMPTY)) {
                base = c.stateTimestampMs(); // counts from when the group became empty
            } else if (ClassicGroup.CONSUMER_PROTOCOL_TYPE.equals(c.protocolType()) && c.is(ClassicGroupState.STABLE)
                    && c.subscribedTopics().map(s -> !s.contains(tp.topic())).orElse(false)) {
                base = om.commitTimestampMs(); // a topic the group stopped reading
            } else {
                return false;
            }
        } else if (!group.isSubscribedTo(tp.topic())) {
            base = om.commitTimestampMs();
        } else {
            return false;
        }
        return now - base >= config.offsetsRetentionMs();
    }
}
