package io.potok.it;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One raw Kafka-protocol connection: requests are built with kafka-clients' request classes and framed
 * by hand (4-byte size prefix + header + body), so tests control exactly what goes on the wire.
 */
final class KafkaWire implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId = 1;
    private final Map<ApiKeys, ApiVersion> brokerVersions = new EnumMap<>(ApiKeys.class);

    KafkaWire(String host, int port, Duration readTimeout) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout((int) readTimeout.toMillis());
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    static KafkaWire connect(PotokNode node) throws IOException {
        return new KafkaWire("127.0.0.1", node.port(), Duration.ofSeconds(15));
    }

    /** A request/response pair as sent and received. */
    record Exchange<R extends AbstractResponse>(RequestHeader header, AbstractRequest request, R response) {
    }

    /**
     * ApiVersions the way the Java client does it: the newest version this client knows, and on
     * UNSUPPORTED_VERSION again with the newest version the broker said it supports.
     */
    ApiVersionsResponse apiVersions() throws IOException {
        short version = ApiKeys.API_VERSIONS.latestVersion();
        ApiVersionsResponse response = (ApiVersionsResponse) send(new ApiVersionsRequest.Builder(version), version)
                .response();
        if (response.data().errorCode() == Errors.UNSUPPORTED_VERSION.code()) {
            ApiVersion av = response.data().apiKeys().find(ApiKeys.API_VERSIONS.id);
            if (av == null) {
                throw new IOException("UNSUPPORTED_VERSION without the broker's ApiVersions range: " + response.data());
            }
            version = (short) Math.min(version, av.maxVersion());
            response = (ApiVersionsResponse) send(new ApiVersionsRequest.Builder(version), version).response();
        }
        if (response.data().errorCode() != Errors.NONE.code()) {
            throw new IOException("ApiVersions v" + version + " failed: " + response.data());
        }
        brokerVersions.clear();
        for (ApiVersion av : response.data().apiKeys()) {
            if (ApiKeys.hasId(av.apiKey())) {
                brokerVersions.put(ApiKeys.forId(av.apiKey()), av);
            }
        }
        return response;
    }

    /** The newest version both this client (and the builder) and the broker support; needs {@link #apiVersions()}. */
    short negotiate(AbstractRequest.Builder<?> builder) {
        ApiVersion av = brokerVersions.get(builder.apiKey());
        if (av == null) {
            throw new IllegalStateException("broker does not advertise " + builder.apiKey() + " in ApiVersions");
        }
        short version = (short) Math.min(builder.latestAllowedVersion(), av.maxVersion());
        if (version < builder.oldestAllowedVersion() || version < av.minVersion()) {
            throw new IllegalStateException("no common version for " + builder.apiKey() + ": client "
                    + builder.oldestAllowedVersion() + ".." + builder.latestAllowedVersion() + ", broker "
                    + av.minVersion() + ".." + av.maxVersion());
        }
        return version;
    }

    /** Sends with the negotiated version and waits for the answer. */
    <R extends AbstractResponse> Exchange<R> send(AbstractRequest.Builder<?> builder) throws IOException {
        return send(builder, negotiate(builder));
    }

    @SuppressWarnings("unchecked")
    <R extends AbstractResponse> Exchange<R> send(AbstractRequest.Builder<?> builder, short version) throws IOException {
        AbstractRequest request = builder.build(version);
        RequestHeader header = new RequestHeader(builder.apiKey(), version, "potok-it-raw", correlationId++);
        ByteBuffer frame = request.serializeWithHeader(header);
        writeFrame(frame);
        ByteBuffer responseBuffer = readFrame();
        R response = (R) AbstractResponse.parseResponse(responseBuffer, header);
        return new Exchange<>(header, request, response);
    }

    void writeFrame(ByteBuffer payload) throws IOException {
        byte[] bytes = new byte[4 + payload.remaining()];
        ByteBuffer.wrap(bytes).putInt(payload.remaining()).put(payload.duplicate());
        out.write(bytes);
        out.flush();
    }

    void writeRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    ByteBuffer readFrame() throws IOException {
        int size = in.readInt();
        if (size < 0 || size > 64 * 1024 * 1024) {
            throw new IOException("implausible response size " + size);
        }
        byte[] body = new byte[size];
        in.readFully(body);
        return ByteBuffer.wrap(body);
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /**
     * Reads (and discards) whatever the broker still sends until it closes the connection. Returns a
     * description of how it closed, or throws {@link SocketTimeoutException} if it kept it open for the
     * whole read timeout.
     */
    String awaitClosedByPeer() throws IOException {
        InputStream raw = socket.getInputStream();
        byte[] buf = new byte[8192];
        long received = 0;
        try {
            while (true) {
                int n = raw.read(buf);
                if (n < 0) {
                    return "EOF after " + received + " bytes";
                }
                received += n;
            }
        } catch (SocketTimeoutException e) {
            throw new SocketTimeoutException("broker kept the connection open for " + socket.getSoTimeout()
                    + " ms (received " + received + " bytes)");
        } catch (EOFException | SocketException e) {
            return "reset after " + received + " bytes (" + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
