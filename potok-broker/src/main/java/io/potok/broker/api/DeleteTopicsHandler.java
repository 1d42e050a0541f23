package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.metadata.controller.MetadataController;
import io.potok.metadata.controller.TopicResult;
import io.potok.metadata.image.MetadataImage;
import io.potok.metadata.image.TopicImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/** DeleteTopics by name (all versions) or by topic id (v6). */
public final class DeleteTopicsHandler implements ApiHandler<DeleteTopicsRequest> {
    private final MetadataController controller;

    public DeleteTopicsHandler(MetadataController controller) {
        this.controller = controller;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_TOPICS;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, DeleteTopicsRequest request, ClientInfo client) {
        MetadataImage image = controller.image();
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        List<String> names = new ArrayList<>();
        if (header.apiVersion() >= 6) {
            for (DeleteTopicState t : request.data().topics()) {
                if (t.name() != null) {
                    names.add(t.name());
                } else {
                    Optional<TopicImage> topic = image.topic(t.topicId());
                    if (topic.isEmpty()) {
                        response.responses().add(new DeletableTopicResult().setTopicId(t.topicId())
                                .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code())
                                .setErrorMessage("Topic id " + t.topicId() + " is not known"));
                    } else {
                        names.add(topic.get().name());
                    }
                }
            }
        } else {
            names.addAll(request.data().topicNames());
        }
        return controller.deleteTopics(names).thenApply(results -> {
            for (TopicResult result : results) {
                response.responses().add(new DeletableTopicResult().setName(result.name())
                        .setTopicId(result.topic().map(TopicImage::id).orElse(Uuid.ZERO_UUID))
                        .setErrorCode(result.error().error().code())
                        .setErrorMessage(result.error().isFailure() ? result.error().message() : null));
            }
            return new DeleteTopicsResponse(response);
        });
    }
}
