package io.potok.it.chaos;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.OptionalLong;

/**
 * Finds which local process owns the client end of a loopback TCP connection, from Linux's
 * {@code /proc/net/tcp{,6}} (port pair → socket inode) and {@code /proc/<pid>/fd} (inode → process).
 *
 * <p>The chaos proxy uses this to tell a node's outgoing connections (replica fetchers, its quorum
 * member, its Raft client) from the test's own clients, so that isolating a node cuts its traffic
 * both ways. Where {@code /proc} is missing (not Linux) every lookup answers "unknown", and an
 * isolation then only cuts the node's incoming traffic.
 *
 * <p>Stateless; safe from any thread.
 */
final class SocketOwners {
    private static final Path TCP = Paths.get("/proc/net/tcp");
    private static final Path TCP6 = Paths.get("/proc/net/tcp6");

    private SocketOwners() {
    }

    static boolean supported() {
        return Files.isReadable(TCP) || Files.isReadable(TCP6);
    }

    /**
     * The inode of the socket whose local port is {@code localPort} and whose peer port is
     * {@code remotePort} (both on loopback), if one exists right now.
     */
    static OptionalLong inodeOf(int localPort, int remotePort) {
        for (Path table : List.of(TCP, TCP6)) {
            if (!Files.isReadable(table)) {
                continue;
            }
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException e) {
                continue;
            }
            for (int i = 1; i < lines.size(); i++) {
                String[] f = lines.get(i).trim().split("\\s+");
                if (f.length < 10) {
                    continue;
                }
                if (port(f[1]) == localPort && port(f[2]) == remotePort) {
                    long inode = Long.parseLong(f[9]);
                    if (inode != 0) {
                        return OptionalLong.of(inode);
                    }
                }
            }
        }
        return OptionalLong.empty();
    }

    /** True if process {@code pid} has the socket {@code inode} open. */
    static boolean owns(long pid, long inode) {
        String wanted = "socket:[" + inode + "]";
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Paths.get("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(wanted)) {
                        return true;
                    }
                } catch (IOException | UnsupportedOperationException e) {
                    // the fd closed meanwhile
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static int port(String hexAddress) {
        int colon = hexAddress.lastIndexOf(':');
        return colon < 0 ? -1 : Integer.parseInt(hexAddress.substring(colon + 1), 16);
    }
}
