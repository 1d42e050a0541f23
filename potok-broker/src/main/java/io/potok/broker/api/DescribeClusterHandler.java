package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.image.BrokerImage;
import io.potok.metadata.image.MetadataImage;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DescribeClusterRequest;
import org.apache.kafka.common.requests.DescribeClusterResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** DescribeCluster: the brokers, the active controller and the cluster id. */
public final class DescribeClusterHandler implements ApiHandler<DescribeClusterRequest> {
    /** DescribeCluster v1 endpoint type for brokers (2 is controllers). */
    private static final byte BROKER_ENDPOINT = 1;

    private final MetadataController controller;

    public DescribeClusterHandler(MetadataController controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLUSTER;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, DescribeClusterRequest request, ClientInfo client) {
        MetadataImage image = controller.image();
        DescribeClusterResponseData data = new DescribeClusterResponseData()
                .setClusterId(image.clusterId()).setControllerId(controller.controllerIdForClients())
                .setEndpointType(BROKER_ENDPOINT);
        if (header.apiVersion() >= 1 && request.data().endpointType() != BROKER_ENDPOINT) {
            data.setErrorCode(Errors.UNSUPPORTED_ENDPOINT_TYPE.code())
                    .setErrorMessage("This node serves broker endpoints only");
            return CompletableFuture.completedFuture(new DescribeClusterResponse(data));
        }
        boolean includeFenced = header.apiVersion() >= 2 && request.data().includeFencedBrokers();
        for (BrokerImage broker : image.brokers().values()) {
            if (!broker.fenced() || includeFenced) {
                data.brokers().add(new DescribeClusterBroker().setBrokerId(broker.id()).setHost(broker.host())
                        .setPort(broker.port()).setRack(broker.rack().orElse(null)).setIsFenced(broker.fenced()));
            }
        }
        return CompletableFuture.completedFuture(new DescribeClusterResponse(data));
    }
}
