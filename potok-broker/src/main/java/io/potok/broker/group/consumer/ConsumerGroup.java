package io.potok.broker.group.consumer;

import io.potok.broker.group.Group;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * A group using the consumer protocol (KIP-848), as the fold of its records in
 * {@code __consumer_offsets}: group epoch, target assignment (with its epoch) and each member's
 * subscription and current assignment. Only the {@code replay*} methods change it, both while
 * loading and after the coordinator wrote new records, so memory always equals the log.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code assignmentEpoch <= groupEpoch};</li>
 *   <li>{@code owners} maps exactly the partitions in some member's assigned or pending-revocation set
 *       to that member, and no partition has two owners once the members' records are consistent;</li>
 *   <li>{@code staticMembers} maps each static member's instance id to its member id.</li>
 * </ul>
 *
 * <p>Thread-safety: not thread-safe; confined to the owning shard's executor.
 */
public final class ConsumerGroup implements Group {
    private final String groupId;
    private int groupEpoch;
    /** A fingerprint of the subscribed topics' ids and partition counts at the last epoch bump. */
    private long metadataHash;
    private int assignmentEpoch;
    private final Map<String, MemberSubscription> subscriptions = new TreeMap<>();
    private final Map<String, CurrentAssignment> current = new HashMap<>();
    private final Map<String, Assignment> target = new HashMap<>();
    private final Map<Uuid, Map<Integer, String>> owners = new HashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private boolean dead;

    public ConsumerGroup(String groupId) {
        this.groupId = groupId;
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public Type type() {
        return Type.CONSUMER;
    }

    @Override
    public String stateName() {
        return state().toString();
    }

    @Override
    public String describedProtocolType() {
        return "consumer";
    }

    @Override
    public boolean isSubscribedTo(String topic) {
        for (MemberSubscription s : subscriptions.values()) {
            if (s.subscribedTopicNames().contains(topic)) {
                return true;
            }
            if (s.subscribedTopicRegex() != null) {
                try {
                    if (java.util.regex.Pattern.compile(s.subscribedTopicRegex()).matcher(topic).matches()) {
                        return true;
                    }
                } catch (java.util.regex.PatternSyntaxException e) {
                    // an invalid regex subscribes to nothing
                }
            }
        }
        return false;
    }

    public int groupEpoch() {
        return groupEpoch;
    }

    public long metadataHash() {
        return metadataHash;
    }

    public int assignmentEpoch() {
        return assignmentEpoch;
    }

    @Override
    public boolean isEmpty() {
        return subscriptions.isEmpty();
    }

    public int size() {
        return subscriptions.size();
    }

    public boolean has(String memberId) {
        return subscriptions.containsKey(memberId);
    }

    /** The member, or null. */
    public ConsumerGroupMember member(String memberId) {
        MemberSubscription s = subscriptions.get(memberId);
        if (s == null) {
            return null;
        }
        return new ConsumerGroupMember(memberId, s, current.getOrDefault(memberId, CurrentAssignment.INITIAL));
    }

    /** Members ordered by member id. */
    public Collection<ConsumerGroupMember> members() {
        return subscriptions.keySet().stream().map(this::member).toList();
    }

    public Map<String, MemberSubscription> subscriptions() {
        return Collections.unmodifiableMap(subscriptions);
    }

    public Assignment targetAssignment(String memberId) {
        return target.getOrDefault(memberId, Assignment.EMPTY);
    }

    public Map<String, Assignment> targetAssignment() {
        return Collections.unmodifiableMap(target);
    }

    public String staticMemberId(String instanceId) {
        return instanceId == null ? null : staticMembers.get(instanceId);
    }

    /** The member holding the partition (assigned or still revoking), or null. */
    public String ownerOf(Uuid topicId, int partition) {
        Map<Integer, String> byPartition = owners.get(topicId);
        return byPartition == null ? null : byPartition.get(partition);
    }

    public Set<String> subscribedTopicNames() {
        Set<String> names = new HashSet<>();
        subscriptions.values().forEach(s -> names.addAll(s.subscribedTopicNames()));
        return names;
    }

    public Set<String> subscribedRegexes() {
        Set<String> regexes = new HashSet<>();
        subscriptions.values().forEach(s -> {
            if (s.subscribedTopicRegex() != null) {
                regexes.add(s.subscribedTopicRegex());
            }
        });
        return regexes;
    }

    public ConsumerGroupState state() {
        if (dead) {
            return ConsumerGroupState.DEAD;
        }
        if (subscriptions.isEmpty()) {
            return ConsumerGroupState.EMPTY;
        }
        if (groupEpoch > assignmentEpoch) {
            return ConsumerGroupState.ASSIGNING;
        }
        for (String memberId : subscriptions.keySet()) {
            CurrentAssignment c = current.getOrDefault(memberId, CurrentAssignment.INITIAL);
            if (c.memberEpoch() != assignmentEpoch || c.state() != MemberState.STABLE) {
                return ConsumerGroupState.RECONCILING;
            }
        }
        return ConsumerGroupState.STABLE;
    }

    public void markDead() {
        dead = true;
    }

    // ------------------------------------------------------------------ replay

    public void replayGroupMetadata(int epoch, long hash) {
        this.groupEpoch = epoch;
        this.metadataHash = hash;
    }

    /** A null subscription removes the member (its other records are tombstoned alongside). */
    public void replayMemberSubscription(String memberId, MemberSubscription subscription) {
        MemberSubscription old = subscription == null ? subscriptions.remove(memberId)
                : subscriptions.put(memberId, subscription);
        if (old != null && old.instanceId() != null && memberId.equals(staticMembers.get(old.instanceId()))) {
            staticMembers.remove(old.instanceId());
        }
        if (subscription != null && subscription.instanceId() != null) {
            staticMembers.put(subscription.instanceId(), memberId);
        }
    }

    public void replayTargetAssignmentEpoch(int epoch) {
        this.assignmentEpoch = epoch;
    }

    public void replayTargetAssignment(String memberId, Assignment assignment) {
        if (assignment == null) {
            target.remove(memberId);
        } else {
            target.put(memberId, assignment);
        }
    }

    public void replayCurrentAssignment(String memberId, CurrentAssignment assignment) {
        CurrentAssignment old = assignment == null ? current.remove(memberId) : current.put(memberId, assignment);
        if (old != null) {
            old.owned().entries().forEach(e -> {
                Map<Integer, String> byPartition = owners.get(e.getKey());
                if (byPartition != null && memberId.equals(byPartition.get(e.getValue()))) {
                    byPartition.remove(e.getValue());
                    if (byPartition.isEmpty()) {
                        owners.remove(e.getKey());
                    }
                }
            });
        }
        if (assignment != null) {
            assignment.owned().entries().forEach(e ->
                    owners.computeIfAbsent(e.getKey(), t -> new HashMap<>()).put(e.getValue(), memberId));
        }
    }

    @Override
    public String toString() {
        return "ConsumerGroup(" + groupId + ", " + state() + ", epoch " + groupEpoch + "/" + assignmentEpoch + ", "
                + subscriptions.size() + " members)";
    }
}
