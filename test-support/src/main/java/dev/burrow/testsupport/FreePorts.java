package dev.burrow.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Ports asked of the OS, never hard-coded. */
public final class FreePorts {

    private FreePorts() {
    }

    /**
     * A loopback port nothing listens on: the OS hands out a free port, which is closed again at once. A
     * connection to it is refused (unless something else grabs it in between, which the ephemeral range makes
     * unlikely within a test).
     */
    public static int closedPort() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A run of {@code size} consecutive loopback ports that are free right now, outside Linux's ephemeral range
     * (32768-60999) so that outgoing connections of the test do not land in it. Probed by binding each port.
     */
    public record Range(int low, int high) {
        public String flag() {
            return low + "-" + high;
        }

        public boolean contains(int port) {
            return port >= low && port <= high;
        }
    }

    public static Range freeRange(int size) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int low = 20_000 + random.nextInt(12_000 - size);
            if (allFree(low, size)) {
                return new Range(low, low + size - 1);
            }
        }
        throw new IllegalStateException("no run of " + size + " free ports found in 20000-31999");
    }

    /** As {@link #freeRange}, for UDP: {@code size} consecutive loopback UDP ports free right now. */
    public static Range freeUdpRange(int size) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int low = 20_000 + random.nextInt(12_000 - size);
            if (allUdpFree(low, size)) {
                return new Range(low, low + size - 1);
            }
        }
        throw new IllegalStateException("no run of " + size + " free UDP ports found in 20000-31999");
    }

    /** A loopback port free for both UDP and TCP right now (a DNS server listens on both). */
    public static int freeUdpAndTcpPort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = closedPort();
            if (allUdpFree(port, 1)) {
                return port;
            }
        }
        throw new IllegalStateException("no port free for both UDP and TCP found");
    }

    private static boolean allUdpFree(int low, int size) {
        List<java.net.DatagramSocket> held = new ArrayList<>();
        try {
            for (int port = low; port < low + size; port++) {
                held.add(new java.net.DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            held.forEach(java.net.DatagramSocket::close);
        }
    }

    private static boolean allFree(int low, int size) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int port = low; port < low + size; port++) {
                ServerSocket s = new ServerSocket();
                held.add(s);
                s.setReuseAddress(true);
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // probing only
                }
            }
        }
    }
}
