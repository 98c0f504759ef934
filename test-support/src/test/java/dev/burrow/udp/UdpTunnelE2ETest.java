package dev.burrow.udp;

import dev.burrow.testsupport.AgentApi;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.FreePorts;
import dev.burrow.testsupport.OpsMetrics;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.UdpUpstreams;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code udp://} endpoints through one edge with real software: Debian's dnsmasq as the upstream and dig as the
 * client (answers right, 1 000 queries from 50 source ports all answered), socat as a raw echo for datagrams from 1
 * byte to the protocol's limit (65 507). The endpoints come from a config file ({@code burrow start --all}).
 */
@ExtendWith(ProcessLogsOnFailure.class)
class UdpTunnelE2ETest {
    static final int NAMES = 20;
    static final Pattern ANSWER = Pattern.compile("^(\\S+)\\.\\s+\\d+\\s+IN\\s+A\\s+(\\S+)\\s*$");

    private static Path dir;
    private static UdpUpstreams.Service dns;
    private static UdpUpstreams.Service echo;
    /** A JVM start on two cores shared with other builds took up to 60 s here. */
    static final java.time.Duration LOADED_MACHINE_START = java.time.Duration.ofSeconds(150);

    private static EdgeProcess edge;
    private static AgentProcess agent;
    private static int dnsPort;
    private static int echoPort;
    private static int guardedPort;

    @BeforeAll
    static void startAll() throws IOException {
        for (String tool : List.of("dnsmasq", "dig", "socat")) {
            assumeTrue(UdpUpstreams.installed(tool), tool + " is not installed (.ci/setup.d/22-udp-tools.sh installs it)");
        }
        dir = Files.createTempDirectory("burrow-udp-e2e");
        List<String> records = new ArrayList<>();
        for (int i = 0; i < NAMES; i++) {
            records.add(name(i) + "," + address(i));
        }
        dns = UdpUpstreams.dnsmasq(records);
        echo = UdpUpstreams.socatEcho();
        edge = EdgeProcess.builder().name("edge-udp").startTimeout(LOADED_MACHINE_START).arg("--udp-ports", FreePorts.freeUdpRange(8).flag()).start();
        Path config = Files.writeString(dir.resolve("burrow.yml"), """
                version: 1
                endpoints:
                  - name: dns
                    upstream: udp://%s
                  - name: echo
                    upstream: udp://%s
                  - name: guarded
                    upstream: udp://%s
                    traffic_policy:
                      on_tcp_connect:
                        - actions:
                            - type: restrict-ips
                              config:
                                allow: [127.0.0.1/32]
                """.formatted(dns.address(), echo.address(), dns.address()));
        agent = AgentProcess.startAll(edge).name("agent-udp").startTimeout(LOADED_MACHINE_START).arg("--config", config.toString()).start();
        dnsPort = publicPort("dns");
        echoPort = publicPort("echo");
        guardedPort = publicPort("guarded");
    }

    @AfterAll
    static void stopAll() {
        Closeables.closeAll(agent, edge, echo, dns);
        if (dir != null) {
            TempDirs.deleteRecursively(dir);
        }
    }

    static String name(int i) {
        return "q" + i + ".burrow.test";
    }

    static String address(int i) {
        return "10.53." + (i / 200) + "." + (i % 200 + 1);
    }

    /** The endpoint's public port, once the agent has bound it (its endpoints bind one after another). */
    private static int publicPort(String name) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (AgentApi.tunnels(agent).stream().noneMatch(item -> ((JsonObject) item).getString("name").equals(name))
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        for (Object item : AgentApi.tunnels(agent)) {
            JsonObject tunnel = (JsonObject) item;
            if (tunnel.getString("name").equals(name)) {
                assertEquals("udp", tunnel.getString("proto"), tunnel.encodePrettily());
                String url = tunnel.getString("public_url");
                assertTrue(url.matches("udp://localhost:\\d+"), url);
                return URI.create(url).getPort();
            }
        }
        throw new AssertionError("no tunnel named " + name + " in " + AgentApi.tunnels(agent).encodePrettily());
    }

    @Test
    void digThroughTheTunnelGetsTheUpstreamsAnswers() throws Exception {
        Path batch = Files.writeString(dir.resolve("one.txt"), name(7) + "\n" + name(13) + "\n");
        Map<String, String> answers = dig(batch, 0);
        assertEquals(Map.of(name(7), address(7), name(13), address(13)), answers);
    }

    @Test
    void aThousandQueriesFromFiftySourcePortsAreAllAnswered() throws Exception {
        StringBuilder names = new StringBuilder();
        Map<String, String> expected = new TreeMap<>();
        for (int i = 0; i < NAMES; i++) {
            names.append(name(i)).append('\n');
            expected.put(name(i), address(i));
        }
        Path batch = Files.writeString(dir.resolve("twenty.txt"), names);
        FreePorts.Range sources = FreePorts.freeUdpRange(50);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        long started = System.nanoTime();
        try {
            List<Future<DigRun>> runs = new ArrayList<>();
            for (int port = sources.low(); port <= sources.high(); port++) {
                int source = port;
                runs.add(pool.submit(() -> digRun(batch, source)));
            }
            int answered = 0;
            for (int i = 0; i < runs.size(); i++) {
                DigRun got = runs.get(i).get(90, TimeUnit.SECONDS);
                assertEquals(expected, new TreeMap<>(got.answers()), "answers to the queries from source port "
                        + (sources.low() + i) + "; dig said:\n" + got.output());
                answered += got.answers().size();
            }
            assertEquals(1000, answered);
        } finally {
            pool.shutdownNow();
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.println("1000 DNS queries from 50 source ports through the tunnel: " + millis + " ms");
        assertTrue(millis < 60_000, "1000 queries took " + millis + " ms");
        JsonObject udp = tunnel("dns").getJsonObject("metrics").getJsonObject("udp");
        assertTrue(udp.getLong("flows_opened") >= 50, udp.encodePrettily());
    }

    @Test
    void socatEchoesDatagramsFromOneByteToTheLimitIntact() throws Exception {
        int[] sizes = {1, 2, 100, 512, 1472, 1473, 8192, 9000, 32_768, 65_000, 65_507};
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(5_000);
            byte[] reply = new byte[70_000];
            for (int size : sizes) {
                byte[] sent = new byte[size];
                for (int i = 0; i < size; i++) {
                    sent[i] = (byte) (i * 31 + size);
                }
                socket.send(new DatagramPacket(sent, size, new InetSocketAddress("127.0.0.1", echoPort)));
                DatagramPacket got = new DatagramPacket(reply, reply.length);
                try {
                    socket.receive(got);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("no echo of the " + size + "-byte datagram within 5 s", e);
                }
                assertArrayEquals(sent, Arrays.copyOf(reply, got.getLength()), "echo of the " + size + "-byte datagram");
            }
        }
        double dropped = OpsMetrics.sum(edge, "burrow_udp_datagrams_dropped_total")
                - OpsMetrics.sum(edge, "burrow_udp_datagrams_dropped_total{reason=\"refused\"");
        assertEquals(0.0, dropped, "nothing dropped at the edge (but what a policy refused)");
    }

    private static JsonObject tunnel(String name) {
        JsonArray tunnels = AgentApi.tunnels(agent);
        for (Object item : tunnels) {
            if (((JsonObject) item).getString("name").equals(name)) {
                return (JsonObject) item;
            }
        }
        throw new AssertionError("no tunnel " + name + " in " + tunnels.encodePrettily());
    }

    /**
     * restrict-ips on a UDP endpoint holds per datagram source: dig from 127.0.0.1 gets its answer, the same query from
     * 127.0.0.2 gets none (its datagrams are dropped at the edge and counted as refused), and the upstream answers only
     * the allowed one.
     */
    @Test
    void restrictIpsDropsARefusedVisitorsDatagramsAtTheEdge() throws Exception {
        double refusedBefore = Math.max(0, OpsMetrics.sum(edge, "burrow_udp_datagrams_dropped_total{reason=\"refused\""));
        DigRun allowed = digOnce(guardedPort, "127.0.0.1", name(3));
        assertEquals(address(3), allowed.answers().get(name(3)), "dig from 127.0.0.1: " + allowed.output());
        DigRun refused = digOnce(guardedPort, "127.0.0.2", name(4));
        assertTrue(refused.answers().isEmpty(), "dig from 127.0.0.2 got an answer: " + refused.output());
        assertTrue(refused.output().contains("timed out") || refused.output().contains("no servers could be reached"),
                refused.output());
        double refusedAfter = OpsMetrics.sum(edge, "burrow_udp_datagrams_dropped_total{reason=\"refused\"");
        assertTrue(refusedAfter >= refusedBefore + 1, "refused datagrams counted: " + refusedBefore + " -> " + refusedAfter);
    }

    /** One query to {@code port} from {@code source}, one try of 2 s. */
    private static DigRun digOnce(int port, String source, String name) throws IOException, InterruptedException {
        return run(List.of("dig", "@127.0.0.1", "-p", Integer.toString(port), "-b", source,
                "+noall", "+answer", "+tries=1", "+time=2", name));
    }

    /** dig's answers (name → address) to the names in {@code batch}, sent one by one from {@code sourcePort} (0: any). */
    static Map<String, String> dig(Path batch, int sourcePort) throws IOException, InterruptedException {
        return digRun(batch, sourcePort).answers();
    }

    record DigRun(Map<String, String> answers, String output) {
    }

    static DigRun digRun(Path batch, int sourcePort) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(dnsPort),
                "+noall", "+answer", "+tries=1", "+time=5", "-f", batch.toString()));
        if (sourcePort != 0) {
            command.add(2, "-b");
            command.add(3, "127.0.0.1#" + sourcePort);
        }
        return run(command);
    }

    /** Runs dig to its end (bounded) and reads its answer lines. */
    private static DigRun run(List<String> command) throws IOException, InterruptedException {
        Process dig = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            String out = new String(dig.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(dig.waitFor(60, TimeUnit.SECONDS), "dig did not finish");
            Map<String, String> answers = new TreeMap<>();
            for (String line : out.split("\n")) {
                Matcher m = ANSWER.matcher(line);
                if (m.matches()) {
                    answers.put(m.group(1).toLowerCase(Locale.ROOT), m.group(2));
                }
            }
            return new DigRun(answers, out);
        } finally {
            dig.destroyForcibly();
        }
    }
}
