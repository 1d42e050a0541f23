package io.potok.broker.api;

import io.potok.broker.network.RequestHandler.ClientInfo;
import io.potok.broker.producer.ProducerIdAllocator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * InitProducerId for idempotent producers: a fresh id with epoch 0, or (KIP-360) the same id with
 * the next epoch when the producer asks to bump. Transactional ids need the transaction coordinator,
 * which this node does not run yet.
 */
public final class InitProducerIdHandler implements ApiHandler<InitProducerIdRequest> {
    private final ProducerIdAllocator allocator;

    public InitProducerIdHandler(ProducerIdAllocator allocator) {
        this.allocator = allocator;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INIT_PRODUCER_ID;
    }

    @Override
    public CompletableFuture<AbstractResponse> handle(RequestHeader header, InitProducerIdRequest request, ClientInfo client) {
        InitProducerIdRequestData data = request.data();
        InitProducerIdResponseData response = new InitProducerIdResponseData()
                .setProducerId(RecordBatch.NO_PRODUCER_ID).setProducerEpoch(RecordBatch.NO_PRODUCER_EPOCH);
        if (data.transactionalId() != null) {
            response.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
            return CompletableFuture.completedFuture(new InitProducerIdResponse(response));
        }
        if (data.producerId() >= 0 && data.producerEpoch() >= 0 && data.producerEpoch() < Short.MAX_VALUE - 1) {
            response.setProducerId(data.producerId()).setProducerEpoch((short) (data.producerEpoch() + 1));
        } else {
            response.setProducerId(allocator.nextProducerId()).setProducerEpoch((short) 0);
        }
        return CompletableFuture.completedFuture(new InitProducerIdResponse(response));
    }
}
