package io.potok.broker.network;

/**
 * Socket settings of the client listener, with Kafka's names and meanings.
 *
 * @param sendBufferBytes    {@code socket.send.buffer.bytes}: SO_SNDBUF of each connection; -1 leaves the OS's
 *                           (auto-tuned) size
 * @param receiveBufferBytes {@code socket.receive.buffer.bytes}: SO_RCVBUF; -1 leaves the OS's. Set on the listening
 *                           socket, from which connections inherit it: a receive window above 64 KiB must be in place
 *                           before the handshake.
 * @param listenBacklog      {@code socket.listen.backlog.size}: connections waiting to be accepted
 */
public record SocketOptions(int sendBufferBytes, int receiveBufferBytes, int listenBacklog) {
    /** Kafka's defaults. */
    public static final SocketOptions DEFAULTS = new SocketOptions(102_400, 102_400, 50);

    public SocketOptions {
        if (listenBacklog < 1) {
            throw new IllegalArgumentException("socket.listen.backlog.size must be at least 1: " + listenBacklog);
        }
    }
}
