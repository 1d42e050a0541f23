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
     * Admits a connection accepted by a proxy: returns null if it must be refused (reset at once),
     * else its link, black-holed if one of its ends is cut off.
     */
    synchronized Link admit(int src, int dst, Socket client) {
        Link link = new Link(src, dst, client);
        if (!allowed(src, dst)) {
            Mode mode = isolated.containsKey(dst) ? isolated.get(dst) : isolated.get(src);
            if (mode == Mode.DROP) {
                return null;
            }
            link.blackholed = true;
        }
        links.add(link);
        return link;
    }

    void closeAll() {
        for (Link link : links) {
            link.reset();
        }
    }

    /** One proxied connection; {@link #upstream} is null while black-holed before it ever connected. */
    final class Link {
        final int src;
        final int dst;
        final Socket client;
        volatile Socket upstream;
        volatile boolean blackholed;
        private volatile boolean closed;

        Link(int src, int dst, Socket client) {
            this.src = src;
            this.dst = dst;
            this.client = client;
        }

        boolean isClosed() {
            return closed;
        }

        /** Closes both ends with a TCP reset. */
        void reset() {
            closed = true;
            links.remove(this);
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
