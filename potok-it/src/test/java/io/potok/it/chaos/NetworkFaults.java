package io.potok.it.chaos;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The network between the nodes of a test cluster and its clients, as the {@link TcpProxy}s see it:
 * every connection through a proxy is a {@link Link} from a source (a node, or -1 for the test's
 * own clients) to the node behind the proxy. {@link #isolate} cuts a node off both ways, and
 * {@link #heal} reconnects it.
 *
 * <p>Rule: a link passes traffic iff its source is its destination (a node talking to itself), or
 * neither end is isolated. In {@link Mode#BLACKHOLE} cut links stay open and silently lose every
 * byte (peers see timeouts, as with a pulled cable); in {@link Mode#DROP} they are reset (peers see
 * errors at once). Healing resets the black-holed links, whose byte streams lost data and cannot
 * resume, so their ends reconnect.
 *
 * <p>Thread-safety: link admission, {@link #isolate} and {@link #heal} synchronise on this object,
 * so a connection accepted during a cut is either cut with it or admitted after it.
 */
public final class NetworkFaults {

    /** What a cut does to traffic. */
    public enum Mode { BLACKHOLE, DROP }

    private final Map<Integer, LongSupplier> nodePids = new ConcurrentHashMap<>();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final Map<Integer, java.util.concurrent.atomic.LongAdder> bytesToClients = new ConcurrentHashMap<>();
    // guarded by this:
    private final Map<Integer, Mode> isolated = new ConcurrentHashMap<>();

    /** Lets the network recognise connections opened by node {@code id}'s process (pid -1 = not running). */
    public void registerNode(int id, LongSupplier pid) {
        nodePids.put(id, pid);
    }

    public synchronized void isolate(int node, Mode mode) {
        isolated.put(node, mode);
        for (Link link : links) {
            if (link.src != link.dst && (link.src == node || link.dst == node)) {
                if (mode == Mode.DROP) {
                    link.reset();
                } else {
                    link.blackholed = true;
                }
            }
        }
    }

    public synchronized void heal(int node) {
        isolated.remove(node);
        for (Link link : links) {
            if (link.blackholed && allowed(link.src, link.dst)) {
                link.reset();
            }
        }
    }

    public synchronized void healAll() {
        for (Integer node : new ArrayList<>(isolated.keySet())) {
            heal(node);
        }
    }

    public boolean isIsolated(int node) {
        return isolated.containsKey(node);
    }

    /** Bytes node {@code id} sent to the test's own clients (not to other nodes) through its proxy. */
    public long bytesToClients(int id) {
        java.util.concurrent.atomic.LongAdder n = bytesToClients.get(id);
        return n == null ? 0 : n.sum();
    }

    void countToClient(int node, int bytes) {
        bytesToClients.computeIfAbsent(node, id -> new java.util.concurrent.atomic.LongAdder()).add(bytes);
    }

    /** Connections currently open through the proxies (for diagnostics). */
    public int openLinks() {
        return links.size();
    }

    private boolean allowed(int src, int dst) {
        return src == dst || (!isolated.containsKey(dst) && (src < 0 || !isolated.containsKey(src)));
    }

    /** The node whose process opened the connection from {@code clientPort} to {@code proxyPort}, or -1. */
    int ownerOf(int clientPort, int proxyPort) {
        OptionalLong inode = SocketOwners.inodeOf(clientPort, proxyPort);
        if (inode.isEmpty()) {
            return -1;
        }
        for (Map.Entry<Integer, LongSupplier> e : nodePids.entrySet()) {
            long pid = e.getValue().getAsLong();
            if (pid > 0 && SocketOwners.owns(pid, inode.getAsLong())) {
                return e.getKey();
            }
        }
        return -1;
    }

    /**
     * Admits a connection accepted by a proxy: its link, black-holed if one of its ends is cut off, or
     * already reset (see {@link Link#reset}) if the cut drops traffic.
     */
    synchronized Link admit(int src, int dst, Socket client) {
        Link link = new Link(src, dst, client);
        links.add(link);
        if (!allowed(src, dst)) {
            Mode mode = isolated.containsKey(dst) ? isolated.get(dst) : isolated.get(src);
            link.blackholed = true;
            if (mode == Mode.DROP) {
                link.reset();
            }
        }
        return link;
    }

    void closeAll() {
        for (Link link : links) {
            link.reset();
        }
    }

    /**
     * A reset never reaches a connection younger than this: Ratis 3.3's Netty client, reset while it
     * is still completing its connect, ends up in an illegal state and never reconnects to that peer
     * (its LogAppender fails forever). A dead port refuses connections, which Ratis handles; a proxy
     * can only accept and then close, so it closes late enough for the connect to have completed.
     */
    private static final long MIN_LINK_LIFETIME_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
    private static final java.util.concurrent.ScheduledExecutorService LATE_RESETS =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "chaos-proxy-late-resets");
                t.setDaemon(true);
                return t;
            });

    /** One proxied connection; {@link #upstream} is null while black-holed before it ever connected. */
    final class Link {
        final int src;
        final int dst;
        final Socket client;
        private final long createdNanos = System.nanoTime();
        volatile Socket upstream;
        volatile boolean blackholed;
        private volatile boolean closed;

        Link(int src, int dst, Socket client) {
            this.src = src;
            this.dst = dst;
            this.client = client;
        }

        /** Closed: no byte passes any more (its sockets may still wait for their reset). */
        boolean isClosed() {
            return closed;
        }

        /** Closes both ends with a TCP reset, once the link is {@link #MIN_LINK_LIFETIME_NANOS} old. */
        void reset() {
            closed = true;
            links.remove(this);
            long wait = MIN_LINK_LIFETIME_NANOS - (System.nanoTime() - createdNanos);
            if (wait > 0) {
                LATE_RESETS.schedule(this::resetSockets, wait, java.util.concurrent.TimeUnit.NANOSECONDS);
            } else {
                resetSockets();
            }
        }

        private void resetSockets() {
            for (Socket s : List.of(client, upstream == null ? client : upstream)) {
                try {
                    s.setSoLinger(true, 0);
                } catch (IOException ignored) {
                    // already closed
                }
                try {
                    s.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }

        @Override
        public String toString() {
            return "link " + (src < 0 ? "client" : "node " + src) + " -> node " + dst + (blackholed ? " (cut)" : "");
        }
    }
}
