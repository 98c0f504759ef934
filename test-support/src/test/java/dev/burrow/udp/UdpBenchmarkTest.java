package dev.burrow.udp;

import dev.burrow.testsupport.AgentApi;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.FreePorts;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.UdpProbe;
import dev.burrow.testsupport.UdpUpstreams;
import dev.burrow.testsupport.cluster.EdgeCluster;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The UDP figures of docs/benchmarks.md, measured on demand ({@code -Dburrow.bench.udp=true}), not on every build:
 * the added round-trip latency of a small datagram (socat echo, direct vs through the tunnel) and iperf3 {@code -u}
 * loss and jitter at set rates, direct vs through one node vs relayed through a second node.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@EnabledIfSystemProperty(named = "burrow.bench.udp", matches = "true")
@org.junit.jupiter.api.Timeout(value = 20, unit = TimeUnit.MINUTES)
class UdpBenchmarkTest {
    static final int ROUNDS = Integer.getInteger("burrow.bench.rounds", 3000);
    static final List<String> RATES = List.of(System.getProperty("burrow.bench.rates", "10M,50M,100M").split(","));
    static final int SECONDS = Integer.getInteger("burrow.bench.seconds", 5);

    @Test
    void udpLatencyLossAndJitterDirectThroughOneNodeAndRelayed() throws Exception {
        Path dir = Files.createTempDirectory("burrow-udp-bench");
        FreePorts.Range ports = FreePorts.freeUdpRange(8);
        int iperfPort = FreePorts.freeUdpAndTcpPort();
        Process iperf = new ProcessBuilder("iperf3", "-s", "-p", Integer.toString(iperfPort)).redirectErrorStream(true)
                .redirectOutput(dir.resolve("iperf3-server.log").toFile()).start();
        UdpUpstreams.Service echo = UdpUpstreams.socatEcho();
        EdgeCluster cluster = null;
        Path sharedCa = EdgeCluster.makeSharedCa();
        AgentProcess agent = null;
        try {
            // One range for TCP and UDP, so that iperf3's control port and data port can be the same number.
            cluster = EdgeCluster.startOneByOne(sharedCa, ports, 2, "10s", "--udp-ports", ports.flag());
            EdgeProcess home = cluster.node(0);
            int shared = ports.low() + 1;
            // iperf3 -u needs its TCP control connection and its UDP data on one port number: a tcp and a udp endpoint
            // on the same public port (the two spaces are separate).
            Path config = Files.writeString(dir.resolve("burrow.yml"), """
                    version: 1
                    endpoints:
                      - name: echo
                        url: udp://:%d
                        upstream: udp://%s
                      - name: iperf-udp
                        url: udp://:%d
                        upstream: udp://127.0.0.1:%d
                      - name: iperf-tcp
                        url: tcp://:%d
                        upstream: tcp://127.0.0.1:%d
                    """.formatted(ports.low(), echo.address(), shared, iperfPort, shared, iperfPort));
            agent = AgentProcess.startAll(home).name("agent-udp-bench").arg("--config", config.toString(), "--links", "1")
                    .startTimeout(Duration.ofSeconds(150)).start();
            List<String> lines = new ArrayList<>();
            lines.add("round trip of a 64-byte datagram, " + ROUNDS + " rounds after 300 of warm-up:");
            UdpProbe.Result direct = probe("127.0.0.1", echo.port());
            ThreadWakeups edgeWakeups = ThreadWakeups.of(home.process().pid());
            ThreadWakeups agentWakeups = ThreadWakeups.of(agent.process().pid());
            UdpProbe.Result viaHome = probe(home.bindAddress(), ports.low());
            lines.add("  direct:         " + direct);
            lines.add("  through node:   " + viaHome + " → added p50 " + (viaHome.p50Micros() - direct.p50Micros()) + " µs");
            lines.add("  threads woken per round trip through node: edge " + edgeWakeups.perRound(ROUNDS + 300)
                    + ", agent " + agentWakeups.perRound(ROUNDS + 300));
            lines.add("iperf3 -u -l 1200 -t " + SECONDS + ":");
            for (String rate : RATES) {
                lines.add("  " + rate + "bit/s direct:   " + iperf("127.0.0.1", iperfPort, rate));
                lines.add("  " + rate + "bit/s via node: " + iperf(home.bindAddress(), shared, rate));
            }
            EdgeProcess relay;
            try {
                relay = cluster.startNode(1);
            } catch (RuntimeException | AssertionError e) {
                relay = null;
                lines.add("relay: the second node did not start (" + e.getMessage().lines().findFirst().orElse("") + ")");
            }
            if (relay != null) {
                ThreadWakeups relayWakeups = ThreadWakeups.of(relay.process().pid());
                ThreadWakeups homeWakeups = ThreadWakeups.of(home.process().pid());
                UdpProbe.Result viaRelay = probe(relay.bindAddress(), ports.low());
                lines.add("  relayed:        " + viaRelay + " → added p50 " + (viaRelay.p50Micros() - direct.p50Micros()) + " µs");
                lines.add("  threads woken per round trip relayed: visitor's node " + relayWakeups.perRound(ROUNDS + 300)
                        + ", agent's node " + homeWakeups.perRound(ROUNDS + 300));
                for (String rate : RATES) {
                    lines.add("  " + rate + "bit/s relayed:  " + iperf(relay.bindAddress(), shared, rate));
                }
            }
            lines.add("dropped by the tunnel: node 0 " + dropped(home) + (relay == null ? "" : ", node 1 " + dropped(relay))
                    + "; agent (iperf-udp) " + agentDrops(agent, "iperf-udp"));
            String report = String.join("\n", lines);
            System.out.println(report);
            Files.writeString(Path.of("target", "udp-benchmark.txt"), report + "\n");
        } finally {
            Closeables.closeAll(agent, cluster, echo);
            iperf.destroy();
            iperf.waitFor(5, TimeUnit.SECONDS);
            TempDirs.deleteRecursively(dir);
            TempDirs.deleteRecursively(sharedCa);
        }
    }

    /**
     * Voluntary context switches of every thread of a process since {@link #of}, less the process's idle rate (its
     * timers and cluster threads, measured for a second first), per round trip: how many times a datagram's way
     * through the process woke a sleeping thread. Two is the least a process in the middle can do (one wake for the
     * datagram, one for its reply); a hop between event loops adds one per crossing. Read it on an idle machine: on a
     * busy one a thread that is preempted rather than put to sleep is not counted.
     */
    private record ThreadWakeups(long pid, long startSwitches, long startNanos, double idlePerNano) {
        static ThreadWakeups of(long pid) throws InterruptedException {
            long idleStart = switches(pid);
            long idleStartNanos = System.nanoTime();
            Thread.sleep(1_000);
            long start = switches(pid);
            long startNanos = System.nanoTime();
            return new ThreadWakeups(pid, start, startNanos, (double) (start - idleStart) / (startNanos - idleStartNanos));
        }

        String perRound(int rounds) {
            double idle = idlePerNano * (System.nanoTime() - startNanos);
            return String.format("%.2f", (switches(pid) - startSwitches - idle) / rounds);
        }

        private static long switches(long pid) {
            long total = 0;
            try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path task : tasks.toList()) {
                    try {
                        for (String line : Files.readAllLines(task.resolve("status"))) {
                            if (line.startsWith("voluntary_ctxt_switches:")) {
                                total += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                            }
                        }
                    } catch (java.io.IOException threadEnded) {
                        // a thread that ended meanwhile no longer counts
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return total;
        }
    }

    private static String agentDrops(AgentProcess agent, String name) {
        for (Object item : AgentApi.tunnels(agent)) {
            JsonObject tunnel = (JsonObject) item;
            if (name.equals(tunnel.getString("name"))) {
                return tunnel.getJsonObject("metrics").getJsonObject("udp").getJsonObject("dropped").encode();
            }
        }
        return "?";
    }

    private static String dropped(EdgeProcess node) {
        StringBuilder text = new StringBuilder();
        for (String reason : List.of("too_large", "link_queue_full", "no_agent", "reply_queue_full", "unknown_visitor")) {
            text.append(reason).append('=').append((long) dev.burrow.testsupport.OpsMetrics.sum(node,
                    "burrow_udp_datagrams_dropped_total{reason=\"" + reason + "\"")).append(' ');
        }
        return text.toString().trim();
    }

    private static UdpProbe.Result probe(String host, int port) {
        UdpProbe.echoRounds(host, port, 300, 64, Duration.ofSeconds(2));
        return UdpProbe.echoRounds(host, port, ROUNDS, 64, Duration.ofSeconds(2));
    }

    /** "lost L/N (P %), jitter J ms" of one iperf3 UDP run (the receiver's figures, as iperf3 reports them). */
    private static String iperf(String host, int port, String rate) throws Exception {
        Process client = new ProcessBuilder("iperf3", "-c", host, "-p", Integer.toString(port), "-u", "-b", rate, "-l", "1200",
                "-t", Integer.toString(SECONDS), "-J").redirectErrorStream(true).start();
        String out = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!client.waitFor(SECONDS + 30L, TimeUnit.SECONDS)) {
            client.destroyForcibly();
            return "did not finish";
        }
        JsonObject json = new JsonObject(out);
        if (json.containsKey("error")) {
            return "error: " + json.getString("error");
        }
        JsonObject sum = json.getJsonObject("end").getJsonObject("sum");
        return String.format("lost %d/%d (%.2f %%), jitter %.3f ms", sum.getLong("lost_packets"), sum.getLong("packets"),
                sum.getDouble("lost_percent"), sum.getDouble("jitter_ms"));
    }
}
