package dev.burrow.udp;

import dev.burrow.testsupport.AgentApi;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.FreePorts;
import dev.burrow.testsupport.OpsMetrics;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.UdpUpstreams;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bounds of a UDP endpoint, seen from outside: a datagram over the edge's {@code --udp-max-datagram} is dropped and
 * counted in {@code /metrics}, never split; a flood of distinct source addresses (loopback aliases) hits the agent's
 * {@code --max-flows}, is counted, and costs at most that many sockets; idle flows close after {@code --idle-timeout}
 * with their sockets.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UdpLimitsE2ETest {
    static final int MAX_DATAGRAM = 1200;
    static final int MAX_FLOWS = 20;
    static final int IDLE_SECONDS = 4;

    private static UdpUpstreams.Service echo;
    /** A JVM start on two cores shared with other builds took up to 60 s here. */
    static final java.time.Duration LOADED_MACHINE_START = java.time.Duration.ofSeconds(150);

    private static EdgeProcess edge;
    private static AgentProcess agent;
    private static int port;

    @BeforeAll
    static void startAll() {
        assumeTrue(UdpUpstreams.installed("socat"), "socat is not installed (.ci/setup.d/22-udp-tools.sh installs it)");
        echo = UdpUpstreams.socatEchoPerDatagram();
        edge = EdgeProcess.builder().name("edge-udp-limits").startTimeout(LOADED_MACHINE_START).arg("--udp-ports", FreePorts.freeUdpRange(4).flag(),
                "--udp-max-datagram", Integer.toString(MAX_DATAGRAM)).start();
        agent = AgentProcess.udp(edge, echo.address()).name("agent-udp-limits").startTimeout(LOADED_MACHINE_START)
                .arg("--idle-timeout", IDLE_SECONDS + "s", "--max-flows", Integer.toString(MAX_FLOWS)).start();
        port = agent.publicPort();
    }

    @AfterAll
    static void stopAll() {
        Closeables.closeAll(agent, edge, echo);
    }

    @Test
    @Order(1)
    void aDatagramOverTheEdgesLimitIsDroppedAndCountedNeverSplit() throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(5_000);
            assertArrayEquals(new byte[MAX_DATAGRAM], echo(socket, new byte[MAX_DATAGRAM]), "a datagram of exactly the limit passes");
            socket.setSoTimeout(1_500);
            byte[] over = new byte[MAX_DATAGRAM + 1];
            over[0] = 7;
            try {
                byte[] got = echo(socket, over);
                throw new AssertionError("a " + over.length + "-byte datagram came back (" + got.length + " bytes)");
            } catch (SocketTimeoutException expected) {
                // dropped at the edge
            }
        }
        assertEquals(1.0, OpsMetrics.sum(edge, "burrow_udp_datagrams_dropped_total{reason=\"too_large\""));
    }

    @Test
    @Order(2)
    void aFloodOfSourceAddressesHitsTheFlowCapAndIdleFlowsCloseWithTheirSockets() throws Exception {
        awaitFlows(0, 10_000);
        long pid = agent.process().pid();
        int socketsBefore = udpSockets(pid);
        int sources = 100;
        JsonObject before = udpMetrics();
        List<DatagramSocket> visitors = new ArrayList<>();
        try {
            // Every 127.0.0.0/8 address is the loopback interface on Linux: 100 distinct visitors, no set-up. All send
            // at once, well inside the idle timeout, so no flow expires during the flood.
            for (int i = 0; i < sources; i++) {
                DatagramSocket visitor = new DatagramSocket(new InetSocketAddress("127.0.1." + (i + 1), 0));
                visitors.add(visitor);
                byte[] hello = ("visitor " + i).getBytes();
                visitor.send(new DatagramPacket(hello, hello.length, new InetSocketAddress("127.0.0.1", port)));
            }
            JsonObject udp = awaitDropped(before, sources - MAX_FLOWS, 5_000);
            assertEquals(MAX_FLOWS, udp.getInteger("flows"), udp.encodePrettily());
            assertEquals(MAX_FLOWS, udp.getLong("flows_opened") - before.getLong("flows_opened"), udp.encodePrettily());
            int socketsDuring = udpSockets(pid);
            assertTrue(socketsDuring - socketsBefore <= MAX_FLOWS, "UDP sockets of the agent: " + socketsBefore + " before, "
                    + socketsDuring + " with " + sources + " visitors (the cap is " + MAX_FLOWS + ")");
            boolean[] echoed = new boolean[sources];
            int answered = 0;
            long deadline = System.nanoTime() + 10_000_000_000L;
            do {
                for (int i = 0; i < sources; i++) {
                    if (!echoed[i]) {
                        visitors.get(i).setSoTimeout(1);
                        try {
                            visitors.get(i).receive(new DatagramPacket(new byte[64], 64));
                            echoed[i] = true;
                            answered++;
                        } catch (SocketTimeoutException notYet) {
                            // beyond the cap (dropped at the agent), or its echo is still on the way
                        }
                    }
                }
            } while (answered < MAX_FLOWS && System.nanoTime() < deadline);
            assertEquals(MAX_FLOWS, answered, "visitors answered: " + udpMetrics().encodePrettily());
        } finally {
            visitors.forEach(DatagramSocket::close);
        }
        long started = System.nanoTime();
        awaitFlows(0, (IDLE_SECONDS + 8) * 1000L);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.println(MAX_FLOWS + " idle flows closed " + tookMillis + " ms after the flood (idle timeout " + IDLE_SECONDS + " s)");
        assertTrue(udpMetrics().getLong("flows_expired") >= MAX_FLOWS, udpMetrics().encodePrettily());
        assertTrue(udpSockets(pid) <= socketsBefore, "the agent's UDP sockets are back to " + socketsBefore + ": " + udpSockets(pid));
        // A visitor after the expiry gets a new flow.
        try (DatagramSocket late = new DatagramSocket(new InetSocketAddress("127.0.1.200", 0))) {
            late.setSoTimeout(5_000);
            assertArrayEquals("late".getBytes(), echo(late, "late".getBytes()));
        }
    }

    private static byte[] echo(DatagramSocket socket, byte[] payload) throws IOException {
        socket.send(new DatagramPacket(payload, payload.length, new InetSocketAddress("127.0.0.1", port)));
        byte[] buffer = new byte[70_000];
        DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
        socket.receive(reply);
        return java.util.Arrays.copyOf(buffer, reply.getLength());
    }

    private static JsonObject udpMetrics() {
        return AgentApi.tunnels(agent).getJsonObject(0).getJsonObject("metrics").getJsonObject("udp");
    }

    /** The UDP metrics once {@code count} more datagrams than in {@code before} were refused at the flow cap. */
    private static JsonObject awaitDropped(JsonObject before, long count, long boundMillis) throws InterruptedException {
        long deadline = System.nanoTime() + boundMillis * 1_000_000;
        long base = before.getJsonObject("dropped").getLong("flow_cap");
        while (true) {
            JsonObject udp = udpMetrics();
            if (udp.getJsonObject("dropped").getLong("flow_cap") - base >= count || System.nanoTime() > deadline) {
                assertEquals(count, udp.getJsonObject("dropped").getLong("flow_cap") - base, udp.encodePrettily());
                return udp;
            }
            Thread.sleep(20);
        }
    }

    private static void awaitFlows(int flows, long boundMillis) throws InterruptedException {
        long deadline = System.nanoTime() + boundMillis * 1_000_000;
        while (udpMetrics().getInteger("flows") != flows) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("flows did not reach " + flows + " within " + boundMillis + " ms: " + udpMetrics().encodePrettily());
            }
            Thread.sleep(100);
        }
    }

    /** UDP sockets the process holds: its socket descriptors whose inode /proc/net/udp (or udp6) lists. */
    static int udpSockets(long pid) throws IOException {
        java.util.Set<String> udpInodes = new java.util.HashSet<>();
        for (String table : List.of("/proc/net/udp", "/proc/net/udp6")) {
            Path path = Path.of(table);
            if (Files.exists(path)) {
                Files.readAllLines(path).stream().skip(1).map(line -> line.trim().split("\\s+"))
                        .filter(fields -> fields.length > 9).forEach(fields -> udpInodes.add(fields[9]));
            }
        }
        int count = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && udpInodes.contains(target.substring(8, target.length() - 1))) {
                        count++;
                    }
                } catch (IOException gone) {
                    // closed while listing
                }
            }
        }
        return count;
    }
}
