package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.controller.TopicResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.apache.kafka.common.requests.CreatePartitionsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** CreatePartitions: raises a topic's partition count; placement is the controller's. */
public final class CreatePartitionsHandler implements ApiHandler<CreatePartitionsRequest> {
    private final MetadataController controller;

    public CreatePartitionsHandler(MetadataController controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_PARTITIONS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, CreatePartitionsRequest request, ClientInfo client) {
        Map<String, Integer> totals = new LinkedHashMap<>();
        for (CreatePartitionsTopic t : request.data().topics()) {
            totals.put(t.name(), t.count());
        }
        return controller.createPartitions(totals, request.data().validateOnly()).thenApply(results -> {
            CreatePartitionsResponseData response = new CreatePartitionsResponseData();
            for (TopicResult r : results) {
                response.results().add(new CreatePartitionsTopicResult().setName(r.name())
                        .setErrorCode(r.error().error().code())
                        .setErrorMessage(r.error().isFailure() ? r.error().message() : null));
            }
            return new CreatePartitionsResponse(response);
        });
    }
}
