package io.potok.broker.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.potok.broker.api.ApiHandler;
import io.potok.broker.api.ApiVersionsHandler;
import io.potok.broker.api.KafkaApis;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ApiVersionsResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class SocketServerTest {
    private final ExecutorService requestPool = Executors.newFixedThreadPool(2);
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        requestPool.shutdownNow();
    }

    private InetSocketAddress startServer(int maxRequestBytes) throws InterruptedException {
        List<ApiHandler<?>> handlers = new ArrayList<>();
        handlers.add(new ApiVersionsHandler(() -> handlers));
        SocketServer server = new SocketServer("127.0.0.1", 0, maxRequestBytes, 1, SocketOptions.DEFAULTS,
                new KafkaApis(handlers), requestPool);
        resources.add(server);
        InetSocketAddress bound = server.start();
        assertThat(bound.getPort()).isPositive();
        assertThat(bound.getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        return bound;
    }

    private Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket(address.getAddress(), address.getPort());
        socket.setSoTimeout(10_000);
        resources.add(socket);
        return socket;
    }

    private static byte[] apiVersionsRequest(int correlationId) {
        ApiVersionsRequest request = new ApiVersionsRequest.Builder().build((short) 3);
        ByteBuffer buffer = request.serializeWithHeader(
                new RequestHeader(ApiKeys.API_VERSIONS, (short) 3, "socket-test", correlationId));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    private static void send(Socket socket, byte[] payload) throws IOException {
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    private static ApiVersionsResponse receiveApiVersions(Socket socket, int correlationId) throws IOException {
        DataInputStream in = new DataInputStream(socket.getInputStream());
        int size = in.readInt();
        assertThat(size).isBetween(8, 1 << 20);
        byte[] bytes = new byte[size];
        in.readFully(bytes);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        assertThat(buffer.getInt(0)).isEqualTo(correlationId);
        return (ApiVersionsResponse) AbstractResponse.parseResponse(buffer,
                new RequestHeader(ApiKeys.API_VERSIONS, (short) 3, "socket-test", correlationId));
    }

    private static void assertClosedByPeer(Socket socket) throws IOException {
        try {
            int b = socket.getInputStream().read();
            assertThat(b).as("server must close the connection").isEqualTo(-1);
        } catch (SocketException e) {
            // A reset is also a close.
            assertThat(e.getMessage()).containsIgnoringCase("reset");
        }
    }

    @Test
    void answersApiVersionsOverTcp() throws Exception {
        InetSocketAddress address = startServer(100 * 1024 * 1024);
        Socket socket = connect(address);
        send(socket, apiVersionsRequest(1));
        ApiVersionsResponse response = receiveApiVersions(socket, 1);
        assertThat(Errors.forCode(response.data().errorCode())).isEqualTo(Errors.NONE);
        assertThat(response.data().apiKeys().find(ApiKeys.API_VERSIONS.id)).isNotNull();

        // Pipelined requests on one connection are answered in order.
        byte[] two = apiVersionsRequest(2);
        byte[] three = apiVersionsRequest(3);
        ByteBuffer both = ByteBuffer.allocate(8 + two.length + three.length);
        both.putInt(two.length).put(two).putInt(three.length).put(three);
        socket.getOutputStream().write(both.array());
        receiveApiVersions(socket, 2);
        receiveApiVersions(socket, 3);
    }

    @Test
    void garbageOnOneConnectionClosesOnlyThatConnection() throws Exception {
        InetSocketAddress address = startServer(100 * 1024 * 1024);
        Socket good = connect(address);
        send(good, apiVersionsRequest(1));
        receiveApiVersions(good, 1);

        Socket bad = connect(address);
        send(bad, new byte[] {0x7f, 0x7f, 0, 1, 0, 0, 0, 1, 0, 0, 42, 42, 42});
        assertClosedByPeer(bad);

        send(good, apiVersionsRequest(2));
        ApiVersionsResponse response = receiveApiVersions(good, 2);
        assertThat(Errors.forCode(response.data().errorCode())).isEqualTo(Errors.NONE);
    }

    @Test
    void oversizedRequestClosesTheConnection() throws Exception {
        InetSocketAddress address = startServer(1024);
        Socket socket = connect(address);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeInt(10_000);
        out.write(new byte[100]);
        out.flush();
        assertClosedByPeer(socket);
    }

    @Test
    void requestOfExactlySocketRequestMaxBytesIsAccepted() throws Exception {
        // Kafka compares the size field with socket.request.max.bytes; the frame decoder here also
        // counts the 4-byte size prefix, so a request of exactly the maximum is refused.
        byte[] request = apiVersionsRequest(7);
        InetSocketAddress address = startServer(request.length);
        Socket socket = connect(address);
        send(socket, request);
        ApiVersionsResponse response = receiveApiVersions(socket, 7);
        assertThat(Errors.forCode(response.data().errorCode())).isEqualTo(Errors.NONE);
    }

    @Test
    void closeStopsListening() throws Exception {
        InetSocketAddress address = startServer(1024);
        resources.remove(resources.size() - 1).close();
        assertThatThrownBy(() -> new Socket(address.getAddress(), address.getPort()).close())
                .isInstanceOf(ConnectException.class);
    }
}
