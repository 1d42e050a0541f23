package io.potok.broker.fetchsession;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * One partition of a fetch session: what the client last asked of it (offset, limits) and what it was last told
 * (high watermark, log start offset), so that an incremental response can leave it out while neither changes.
 * Guarded by the owning {@link FetchSession}.
 */
final class SessionPartition {
    final Uuid topicId;
    final String topic;
    final int partition;
    private FetchRequestData.FetchPartition request;
    private long highWatermark = -1;
    private long logStartOffset = -1;

    SessionPartition(Uuid topicId, String topic, FetchRequestData.FetchPartition request) {
        this.topicId = topicId;
        this.topic = topic;
        this.partition = request.partition();
        this.request = request.duplicate();
    }

    FetchRequestData.FetchPartition request() {
        return request.duplicate();
    }

    void update(FetchRequestData.FetchPartition newRequest) {
        this.request = newRequest.duplicate();
    }

    /**
     * Kafka's rule (KIP-227): a partition is in an incremental response when it has records, an error, a preferred
     * read replica or a diverging epoch, or when its high watermark or log start offset moved since the client last
     * heard of them. With {@code remember} the values sent are recorded; an error forgets the high watermark, so
     * the partition is sent again once the error is gone.
     */
    boolean mustRespond(FetchResponseData.PartitionData data, boolean remember) {
        boolean respond = FetchResponse.recordsSize(data) > 0
                || FetchResponse.isPreferredReplica(data)
                || FetchResponse.isDivergingEpoch(data);
        if (highWatermark != data.highWatermark()) {
            respond = true;
            if (remember) {
                highWatermark = data.highWatermark();
            }
        }
        if (logStartOffset != data.logStartOffset()) {
            respond = true;
            if (remember) {
                logStartOffset = data.logStartOffset();
            }
        }
        if (data.errorCode() != Errors.NONE.code()) {
            respond = true;
            if (remember) {
                highWatermark = -1;
            }
        }
        return respond;
    }
}
