package dev.burrow.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Real UDP services to tunnel to, run as processes on loopback ports from the OS and stopped by their PID with the
 * process: Debian's {@code dnsmasq} (a DNS server answering from its command line) and {@code socat} (a raw echo).
 */
public final class UdpUpstreams {
    private UdpUpstreams() {
    }

    /** Whether {@code tool} is on the PATH (the CI installs them in {@code .ci/setup.d/22-udp-tools.sh}). */
    public static boolean installed(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return java.nio.file.Files.isExecutable(Path.of("/usr/sbin", tool));
    }

    /** A service on {@code 127.0.0.1:port}. */
    public record Service(ManagedProcess process, int port) implements AutoCloseable {
        public String address() {
            return "127.0.0.1:" + port;
        }

        /** Stops the service and the children it forked (socat's one per sender), each by its PID. */
        @Override
        public void close() {
            List<ProcessHandle> children = ProcessHandle.of(process.pid()).map(p -> p.descendants().toList()).orElse(List.of());
            process.close();
            children.forEach(ProcessHandle::destroy);
        }
    }

    /**
     * dnsmasq on a free loopback port, answering only from {@code records} ("name,ip" host records), never from
     * /etc/hosts or an upstream resolver. Ready once it logs that it started.
     */
    public static Service dnsmasq(List<String> hostRecords) {
        int port = FreePorts.freeUdpAndTcpPort();
        List<String> command = new ArrayList<>(List.of(executable("dnsmasq"), "--no-daemon", "--keep-in-foreground",
                "--conf-file=/dev/null", "--port=" + port, "--listen-address=127.0.0.1", "--bind-interfaces",
                "--no-resolv", "--no-hosts", "--no-poll", "--pid-file=", "--user=" + System.getProperty("user.name"),
                "--log-facility=-", "--cache-size=0"));
        hostRecords.forEach(record -> command.add("--host-record=" + record));
        ManagedProcess process = new ManagedProcess("dnsmasq-" + port, command, Map.of(), Path.of(System.getProperty("java.io.tmpdir")));
        try {
            process.awaitLine(line -> line.text().contains("started, version"), Duration.ofSeconds(20), "dnsmasq's start line");
        } catch (RuntimeException | Error e) {
            process.close();
            throw e;
        }
        return new Service(process, port);
    }

    /**
     * socat echoing every datagram back to its sender, one child per sender address, reading datagrams up to 64 KiB
     * whole; a child quits after 30 s without a datagram. Ready once its port answers a datagram.
     */
    public static Service socatEcho() {
        return socat("socat-udp-echo-", "-T", "30", "UDP4-LISTEN:%d,bind=127.0.0.1,fork,reuseaddr");
    }

    /**
     * socat echoing each datagram from a child of its own: slower (a fork per datagram) but right for a burst from
     * many senders at once, which one child per sender can mix up while it forks.
     */
    public static Service socatEchoPerDatagram() {
        return socat("socat-udp-echo1-", "-T", "1", "UDP4-RECVFROM:%d,bind=127.0.0.1,fork");
    }

    private static Service socat(String name, String timeoutFlag, String timeout, String address) {
        int port = FreePorts.freeUdpRange(1).low();
        ManagedProcess process = new ManagedProcess(name + port, List.of(executable("socat"), "-b", "65536", timeoutFlag, timeout,
                address.formatted(port), "PIPE"), Map.of(), Path.of(System.getProperty("java.io.tmpdir")));
        try {
            awaitEcho(port, Duration.ofSeconds(20));
        } catch (RuntimeException | Error e) {
            process.close();
            throw e;
        }
        return new Service(process, port);
    }

    private static void awaitEcho(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(200);
            byte[] ping = {'p'};
            while (System.nanoTime() < deadline) {
                socket.send(new java.net.DatagramPacket(ping, 1, new java.net.InetSocketAddress("127.0.0.1", port)));
                try {
                    socket.receive(new java.net.DatagramPacket(new byte[16], 16));
                    return;
                } catch (java.net.SocketTimeoutException notYet) {
                    // socat not listening yet
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("socat did not echo on UDP port " + port + " within " + timeout);
    }

    private static String executable(String tool) {
        Path sbin = Path.of("/usr/sbin", tool);
        return java.nio.file.Files.isExecutable(sbin) ? sbin.toString() : tool;
    }
}
