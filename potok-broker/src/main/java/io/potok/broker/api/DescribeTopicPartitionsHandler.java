package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.PartitionImage;
import io.potok.metadata.image.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.requests.DescribeTopicPartitionsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * DescribeTopicPartitions (KIP-966; Admin#describeTopics and kafka-topics --describe use it from
 * Kafka 3.8 on): topics in name order with their partitions from the metadata image, at most
 * {@code responsePartitionLimit} partitions (capped at {@value #MAX_PARTITIONS}, Kafka's
 * {@code max.request.partition.size.limit}) per response, and a cursor where the next page starts.
 *
 * <p>As Kafka: an empty topic list means every topic (unknown names cannot occur then); requested
 * topics that do not exist are answered with UNKNOWN_TOPIC_OR_PARTITION; a cursor must name a
 * requested topic and a non-negative partition. Potok has no eligible leader replicas (ELR), so
 * those lists are empty.
 */
public final class DescribeTopicPartitionsHandler implements ApiHandler<DescribeTopicPartitionsRequest> {
    static final int MAX_PARTITIONS = 2000;

    private final MetadataController controller;

    public DescribeTopicPartitionsHandler(MetadataController controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_TOPIC_PARTITIONS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, DescribeTopicPartitionsRequest request,
                                                      ClientInfo client) {
        try {
            return CompletableFuture.completedFuture(new DescribeTopicPartitionsResponse(
                    describe(controller.image(), request.data())));
        } catch (InvalidRequestException e) {
            return CompletableFuture.completedFuture(request.getErrorResponse(0, e));
        }
    }

    static DescribeTopicPartitionsResponseData describe(MetadataImage image, DescribeTopicPartitionsRequestData request) {
        DescribeTopicPartitionsRequestData.Cursor cursor = request.cursor();
        String cursorTopic = cursor != null ? cursor.topicName() : "";
        boolean allTopics = request.topics().isEmpty();
        TreeSet<String> names = new TreeSet<>();
        if (allTopics) {
            image.topics().keySet().stream().filter(n -> n.compareTo(cursorTopic) >= 0).forEach(names::add);
        } else {
            request.topics().forEach(t -> {
                if (t.name().compareTo(cursorTopic) >= 0) {
                    names.add(t.name());
                }
            });
            if (cursor != null && !names.contains(cursor.topicName())) {
                throw new InvalidRequestException(
                        "DescribeTopicPartitionsRequest topic list should contain the cursor topic: " + cursor.topicName());
            }
        }
        if (cursor != null && cursor.partitionIndex() < 0) {
            throw new InvalidRequestException("DescribeTopicPartitionsRequest cursor partition must be valid: " + cursor);
        }
        int remaining = Math.max(Math.min(MAX_PARTITIONS, request.responsePartitionLimit()), 1);
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
        for (String name : names) {
            if (remaining == 0) {
                // Every partition of the previous topics is in this page: the next one starts here.
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(0));
                break;
            }
            Optional<TopicImage> topic = image.topic(name);
            if (topic.isEmpty()) {
                if (!allTopics) {
                    Errors error = Topic.isValid(name) ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_TOPIC_EXCEPTION;
                    response.topics().add(new DescribeTopicPartitionsResponseTopic().setName(name)
                            .setErrorCode(error.code()).setTopicId(Uuid.ZERO_UUID).setIsInternal(Topic.isInternal(name)));
                }
                continue;
            }
            List<PartitionImage> all = topic.get().partitions();
            int first = cursor != null && name.equals(cursorTopic) ? cursor.partitionIndex() : 0;
            int end = (int) Math.min(all.size(), (long) first + remaining);
            List<DescribeTopicPartitionsResponsePartition> partitions = new ArrayList<>();
            for (int i = first; i < end; i++) {
                partitions.add(partition(all.get(i)));
            }
            response.topics().add(new DescribeTopicPartitionsResponseTopic().setName(name)
                    .setErrorCode(Errors.NONE.code()).setTopicId(topic.get().id())
                    .setIsInternal(Topic.isInternal(name)).setPartitions(partitions));
            if (end < all.size()) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(end));
                break;
            }
            remaining -= partitions.size();
        }
        return response;
    }

    private static DescribeTopicPartitionsResponsePartition partition(PartitionImage p) {
        return new DescribeTopicPartitionsResponsePartition()
                .setPartitionIndex(p.partition())
                .setErrorCode(p.leader() < 0 ? Errors.LEADER_NOT_AVAILABLE.code() : Errors.NONE.code())
                .setLeaderId(p.leader())
                .setLeaderEpoch(p.leaderEpoch())
                .setReplicaNodes(new ArrayList<>(p.replicas()))
                .setIsrNodes(new ArrayList<>(p.isr()))
                .setEligibleLeaderReplicas(new ArrayList<>())
                .setLastKnownElr(new ArrayList<>())
                .setOfflineReplicas(new ArrayList<>());
    }
}
