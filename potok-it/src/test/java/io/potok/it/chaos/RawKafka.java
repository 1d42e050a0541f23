package io.potok.it.chaos;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * One blocking Kafka-protocol connection for requests a client library does not let a test shape:
 * built with kafka-clients' request classes, framed by hand, answered one at a time.
 */
public final class RawKafka implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private int correlationId;

    public RawKafka(String host, int port, int readTimeoutMs) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(readTimeoutMs);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    public static RawKafka connect(int port) throws IOException {
        return new RawKafka("127.0.0.1", port, 15_000);
    }

    @SuppressWarnings("unchecked")
    public <R extends AbstractResponse> R send(AbstractRequest request) throws IOException {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "potok-it-raw", ++correlationId);
        ByteBuffer body = request.serializeWithHeader(header);
        ByteBuffer frame = ByteBuffer.allocate(4 + body.remaining());
        frame.putInt(body.remaining()).put(body).flip();
        out.write(frame.array(), 0, frame.limit());
        out.flush();
        int size = in.readInt();
        byte[] payload = new byte[size];
        in.readFully(payload);
        return (R) AbstractResponse.parseResponse(ByteBuffer.wrap(payload), header);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
