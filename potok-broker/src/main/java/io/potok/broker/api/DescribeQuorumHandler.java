package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.quorum.QuorumDescription;
import io.potok.metadata.quorum.Voter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ReplicaState;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeQuorumRequest;
import org.apache.kafka.common.requests.DescribeQuorumResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * DescribeQuorum ({@code kafka-metadata-quorum describe --status / --replication}, {@code Admin.describeMetadataQuorum}):
 * the metadata log as the active controller leads it, asked of the controller from any node as a Kafka broker
 * forwards it. Potok's metadata log is the Raft log of the Ratis quorum; it is reported as Kafka's
 * {@code __cluster_metadata} partition 0, the only partition a request may name.
 */
public final class DescribeQuorumHandler implements ApiHandler<DescribeQuorumRequest> {
    static final String METADATA_TOPIC = "__cluster_metadata";
    private static final org.apache.kafka.common.TopicPartition METADATA_PARTITION =
            new org.apache.kafka.common.TopicPartition(METADATA_TOPIC, 0);
    private static final short NODES_VERSION = 2;

    private final MetadataController controller;
    private final List<Voter> voters;
    private final String controllerListenerName;

    /** {@code voters} and {@code controllerListenerName}: the endpoints reported for the voters (v2). */
    public DescribeQuorumHandler(MetadataController controller, List<Voter> voters, String controllerListenerName) {
        this.controller = controller;
        this.voters = List.copyOf(voters);
        this.controllerListenerName = controllerListenerName;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_QUORUM;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, DescribeQuorumRequest request,
                                                      ClientInfo client) {
        if (!asksForTheMetadataPartition(request.data())) {
            return CompletableFuture.completedFuture(new DescribeQuorumResponse(
                    DescribeQuorumResponse.singletonErrorResponse(
                            METADATA_PARTITION, Errors.UNKNOWN_TOPIC_OR_PARTITION)));
        }
        return controller.describeQuorum().handle((quorum, error) -> {
            if (error != null) {
                ApiError apiError = ErrorMapping.toApiError(error);
                return new DescribeQuorumResponse(new DescribeQuorumResponseData()
                        .setErrorCode(apiError.error().code()).setErrorMessage(apiError.message()));
            }
            return new DescribeQuorumResponse(describe(quorum, header.apiVersion()));
        });
    }

    private static boolean asksForTheMetadataPartition(DescribeQuorumRequestData data) {
        return data.topics().size() == 1 && METADATA_TOPIC.equals(data.topics().get(0).topicName())
                && data.topics().get(0).partitions().size() == 1
                && data.topics().get(0).partitions().get(0).partitionIndex() == 0;
    }

    /** The answer in {@code version}: the voters' endpoints (Nodes) exist from v2 only. */
    DescribeQuorumResponseData describe(QuorumDescription quorum, short version) {
        PartitionData partition = new PartitionData().setPartitionIndex(0).setErrorCode(Errors.NONE.code())
                .setLeaderId(quorum.leaderId()).setLeaderEpoch((int) quorum.leaderEpoch())
                .setHighWatermark(quorum.highWatermark())
                .setCurrentVoters(quorum.voters().stream().map(DescribeQuorumHandler::state).toList())
                .setObservers(quorum.observers().stream().map(DescribeQuorumHandler::state).toList());
        DescribeQuorumResponseData.NodeCollection nodes = new DescribeQuorumResponseData.NodeCollection();
        for (Voter v : version >= NODES_VERSION ? voters : List.<Voter>of()) {
            DescribeQuorumResponseData.ListenerCollection listeners = new DescribeQuorumResponseData.ListenerCollection();
            listeners.add(new DescribeQuorumResponseData.Listener().setName(controllerListenerName).setHost(v.host())
                    .setPort(v.port()));
            nodes.add(new DescribeQuorumResponseData.Node().setNodeId(v.id()).setListeners(listeners));
        }
        return DescribeQuorumResponse.singletonResponse(METADATA_PARTITION, partition, nodes);
    }

    private static ReplicaState state(QuorumDescription.Replica r) {
        return new ReplicaState().setReplicaId(r.id()).setReplicaDirectoryId(Uuid.ZERO_UUID)
                .setLogEndOffset(r.logEndOffset()).setLastFetchTimestamp(r.lastFetchTimestamp())
                .setLastCaughtUpTimestamp(r.lastCaughtUpTimestamp());
    }
}
