package io.potok.it.compat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One raw Kafka-protocol connection to 127.0.0.1:port: requests built with kafka-clients' request
 * classes at an exact version (the version an old client negotiates), framed by hand, answers read
 * with a read timeout so that a request the broker never answers fails the test instead of hanging it.
 */
final class RawWire implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId = 1;

    RawWire(int port, Duration readTimeout) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout((int) readTimeout.toMillis());
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** Sends {@code builder} built at exactly {@code version} and returns the parsed answer. */
    @SuppressWarnings("unchecked")
    <R extends AbstractResponse> R send(AbstractRequest.Builder<?> builder, short version) throws IOException {
        AbstractRequest request = builder.build(version);
        RequestHeader header = new RequestHeader(builder.apiKey(), version, "potok-compat-raw", correlationId++);
        ByteBuffer payload = request.serializeWithHeader(header);
        byte[] frame = new byte[4 + payload.remaining()];
        ByteBuffer.wrap(frame).putInt(payload.remaining()).put(payload.duplicate());
        out.write(frame);
        out.flush();
        int size = in.readInt();
        if (size < 0 || size > 64 * 1024 * 1024) {
            throw new IOException("implausible response size " + size);
        }
        byte[] body = new byte[size];
        in.readFully(body);
        return (R) AbstractResponse.parseResponse(ByteBuffer.wrap(body), header);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    // ------------------------------------------------------------------ helpers on one-shot connections

    /** The broker's ApiVersions (asked at v3, as librdkafka does): api key id to [min, max]. */
    static Map<Integer, short[]> apiVersions(int port) {
        try (RawWire wire = new RawWire(port, Duration.ofSeconds(10))) {
            ApiVersionsResponse r = wire.send(new ApiVersionsRequest.Builder((short) 3), (short) 3);
            if (r.data().errorCode() != Errors.NONE.code()) {
                throw new AssertionError("ApiVersions v3 answered " + Errors.forCode(r.data().errorCode()));
            }
            Map<Integer, short[]> versions = new TreeMap<>();
            for (ApiVersion av : r.data().apiKeys()) {
                versions.put((int) av.apiKey(), new short[] {av.minVersion(), av.maxVersion()});
            }
            return versions;
        } catch (IOException e) {
            throw new AssertionError("ApiVersions failed: " + e, e);
        }
    }

    static boolean advertises(int port, ApiKeys key) {
        return apiVersions(port).containsKey((int) key.id);
    }

    /** A record batch as the broker serves it to a consumer. */
    record Batch(long baseOffset, int records, CompressionType compression, long producerId, short producerEpoch,
                 int baseSequence) {
    }

    /**
     * The batches of one partition from offset 0, read with a Fetch v11 (what librdkafka and KafkaJS
     * send): shows how the broker stored what a client produced, e.g. the compression codec.
     */
    static List<Batch> fetchBatches(int port, String topic, int partition) {
        TopicPartition tp = new TopicPartition(topic, partition);
        FetchRequest.Builder builder = FetchRequest.Builder.forConsumer((short) 11, 0, 1,
                Map.of(tp, new FetchRequest.PartitionData(Uuid.ZERO_UUID, 0L, -1L, 1 << 20, Optional.empty())));
        try (RawWire wire = new RawWire(port, Duration.ofSeconds(10))) {
            FetchResponse response = wire.send(builder, (short) 11);
            if (response.error() != Errors.NONE) {
                throw new AssertionError("Fetch v11 of " + tp + " failed: " + response.error());
            }
            List<Batch> batches = new ArrayList<>();
            for (FetchResponseData.FetchableTopicResponse t : response.data().responses()) {
                for (FetchResponseData.PartitionData p : t.partitions()) {
                    if (p.errorCode() != Errors.NONE.code()) {
                        throw new AssertionError("Fetch v11 of " + tp + " answered " + Errors.forCode(p.errorCode()));
                    }
                    for (RecordBatch b : FetchResponse.recordsOrFail(p).batches()) {
                        batches.add(new Batch(b.baseOffset(), b.countOrNull() == null ? -1 : b.countOrNull(),
                                b.compressionType(), b.producerId(), b.producerEpoch(), b.baseSequence()));
                    }
                }
            }
            return batches;
        } catch (IOException e) {
            throw new AssertionError("Fetch v11 of " + tp + " failed: " + e, e);
        }
    }
}
