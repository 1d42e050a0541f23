package io.potok.it.chaos;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.function.IntSupplier;

/**
 * A TCP proxy on {@code 127.0.0.1:listenPort} in front of one node's port: every connection is
 * admitted by {@link NetworkFaults} (which knows whether the node, or the connection's source, is
 * cut off) and then copied byte for byte by two threads, or black-holed.
 *
 * <p>Nodes advertise the proxy's port (client listener and controller quorum voter), so clients,
 * replica fetchers and the Raft quorum all pass through the proxies.
 */
final class TcpProxy implements AutoCloseable {
    private static final int CONNECT_TIMEOUT_MS = 3_000;
    private static final int BUFFER_BYTES = 64 * 1024;

    private final String name;
    private final int dstNode;
    private final IntSupplier targetPort;
    private final NetworkFaults network;
    private final ServerSocket server;
    private final Thread acceptor;
    private volatile boolean running = true;

    /** {@code targetPort} answers where the node listens now (0 = unknown: connections are refused). */
    TcpProxy(String name, int listenPort, int dstNode, IntSupplier targetPort, NetworkFaults network) throws IOException {
        this.name = name;
        this.dstNode = dstNode;
        this.targetPort = targetPort;
        this.network = network;
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), listenPort), 200);
        this.acceptor = new Thread(this::acceptLoop, "chaos-proxy-" + name);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (running) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (running) {
                    sleepQuietly(50);
                }
                continue;
            }
            Thread t = new Thread(() -> open(client), "chaos-proxy-" + name + "-open");
            t.setDaemon(true);
            t.start();
        }
    }

    private void open(Socket client) {
        int src = network.ownerOf(client.getPort(), server.getLocalPort());
        NetworkFaults.Link link = network.admit(src, dstNode, client);
        if (link.isClosed()) {
            return; // dropped: reset once the client's connect has surely completed
        }
        try {
            client.setTcpNoDelay(true);
            if (!link.blackholed) {
                int port = targetPort.getAsInt();
                if (port <= 0) {
                    link.reset();
                    return;
                }
                Socket upstream = new Socket();
                upstream.setTcpNoDelay(true);
                link.upstream = upstream;
                upstream.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), CONNECT_TIMEOUT_MS);
                if (link.isClosed()) {
                    link.reset(); // closed while we connected: make sure the new socket goes too
                    return;
                }
                pump(link, upstream.getInputStream(), client.getOutputStream(), "down");
            }
            pump(link, client.getInputStream(), link.upstream == null ? null : link.upstream.getOutputStream(), "up");
        } catch (IOException e) {
            link.reset(); // the node is down: the client sees the connection reset
        }
    }

    /** Copies {@code in} to {@code out} until either closes; drops the bytes while the link is cut. */
    private void pump(NetworkFaults.Link link, InputStream in, OutputStream out, String direction) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[BUFFER_BYTES];
            try {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (link.blackholed || link.isClosed() || out == null) {
                        continue;
                    }
                    out.write(buf, 0, n);
                    if (link.src < 0 && direction.equals("down")) {
                        network.countToClient(link.dst, n);
                    }
                }
            } catch (SocketException e) {
                // reset or closed by the other pump
            } catch (IOException e) {
                // the connection failed
            } finally {
                link.reset();
            }
        }, "chaos-proxy-" + name + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "proxy " + name + " 127.0.0.1:" + server.getLocalPort() + " -> node " + dstNode;
    }
}
