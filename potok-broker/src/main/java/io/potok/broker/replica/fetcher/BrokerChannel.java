package io.potok.broker.replica.fetcher;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * A blocking Kafka-protocol connection from this broker to another, for replication. One request
 * at a time; not thread-safe (one fetcher thread owns it).
 */
final class BrokerChannel implements AutoCloseable {
    private static final int MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final String clientId;
    private int correlationId;

    private BrokerChannel(Socket socket, String clientId) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.clientId = clientId;
    }

    static BrokerChannel connect(String host, int port, int connectTimeoutMs, int readTimeoutMs, String clientId)
            throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(readTimeoutMs);
            socket.connect(new InetSocketAddress(host, port), connectTimeoutMs);
            return new BrokerChannel(socket, clientId);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    AbstractResponse send(AbstractRequest request) throws IOException {
        ApiKeys api = request.apiKey();
        short version = request.version();
        RequestHeader header = new RequestHeader(api, version, clientId, ++correlationId);
        ByteBuffer body = request.serializeWithHeader(header);
        ByteBuffer frame = ByteBuffer.allocate(4 + body.remaining());
        frame.putInt(body.remaining()).put(body).flip();
        out.write(frame.array(), 0, frame.limit());
        out.flush();
        int size = in.readInt();
        if (size < 0 || size > MAX_RESPONSE_BYTES) {
            throw new IOException("Response of " + size + " bytes from " + socket.getRemoteSocketAddress());
        }
        byte[] payload = new byte[size];
        in.readFully(payload);
        return AbstractResponse.parseResponse(ByteBuffer.wrap(payload), header);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Closing a socket that failed: nothing more to do.
        }
    }
}
