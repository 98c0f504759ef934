package dev.burrow.cluster;

import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.AdminClient;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.FreePorts;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.PublicHttpClient;
import dev.burrow.testsupport.SharedDatabase;
import dev.burrow.testsupport.TcpEchoServer;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.cluster.EdgeCluster;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two regions on loopback ({@code eu}: two nodes on 127.0.0.21-22; {@code us}: one node on 127.0.0.1) that share ONE
 * database (an H2 server on loopback, as regions share PostgreSQL in production) and nothing else but the cluster CA:
 * no {@code --region-peers}, relay ports from the OS. They find each other through the region directory; a TCP port
 * bound in {@code us} answers in {@code eu} and cannot be taken there by another tenant; a name reserved in {@code eu} is refused to another tenant in {@code us};
 * last, the {@code eu} node that {@code us} is linked to is killed, and {@code us} moves to the other one.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegionDirectoryE2ETest {
    /**
     * The directory refresh (2 s) twice, plus the dial and the first TLS handshakes: 9 s measured at a load of 9-15 on
     * 2 cores, so a generous bound (review2 M8); it is only waited out when something is broken.
     */
    private static final Duration DISCOVERY_BOUND = Duration.ofSeconds(60);
    /** Held names come through the change log, read every 2 s. */
    private static final Duration HELD_NAMES_BOUND = Duration.ofSeconds(10);

    private Path ca;
    private SharedDatabase database;
    private Upstream upstream;
    private TcpEchoServer echo;
    private EdgeCluster eu;
    private EdgeCluster us;
    private Vertx vertx;
    private long discoveredMillis;

    @BeforeAll
    void startRegions() {
        upstream = Upstream.start();
        echo = TcpEchoServer.start();
        database = SharedDatabase.start();
        ca = EdgeCluster.makeSharedCa();
        FreePorts.Range tcpPorts = FreePorts.freeRange(8);
        // One after the other: the first creates the schema (Flyway) in the shared database.
        eu = EdgeCluster.startRegion(ca, tcpPorts, 2, 21, "1s", "--region", "eu", "--db-url", database.jdbcUrl());
        us = EdgeCluster.startRegion(ca, tcpPorts, 1, 1, "1s", "--region", "us", "--db-url", database.jdbcUrl());
        long t0 = System.nanoTime();
        Await.until(() -> ClusterTestSupport.metric(us.node(0), "burrow_region_links") == 1
                        && ClusterTestSupport.metric(eu.node(0), "burrow_region_links") == 1
                        && ClusterTestSupport.metric(eu.node(1), "burrow_region_links") == 1,
                DISCOVERY_BOUND, Duration.ofMillis(50), () -> "the regions did not find each other through the shared database");
        discoveredMillis = (System.nanoTime() - t0) / 1_000_000;
        vertx = Vertx.vertx();
    }

    @AfterAll
    void stopAll() throws IOException {
        Closeables.closeAll(us, eu, echo, upstream, database);
        if (vertx != null) {
            vertx.close();
        }
        TempDirs.deleteRecursively(ca);
    }

    @Test
    @Order(1)
    void regionsFindEachOtherThroughTheSharedDatabaseAndRelayHttp() throws Exception {
        EdgeProcess euNode = eu.node(0);
        JsonObject listed = us.node(0).admin().get("/regions").json();
        assertEquals("us", listed.getString("region"), listed.encodePrettily());
        JsonObject euEntry = region(listed.getJsonArray("regions"), "eu");
        assertNotNull(euEntry, listed.encodePrettily());
        assertEquals(true, euEntry.getBoolean("linkReady"), listed.encodePrettily());
        assertEquals(java.util.Set.of("127.0.0.21:" + euNode.relayPort(), "127.0.0.22:" + eu.node(1).relayPort()),
                java.util.Set.of(euEntry.getJsonArray("nodes").getJsonObject(0).getString("relayAddress"),
                        euEntry.getJsonArray("nodes").getJsonObject(1).getString("relayAddress")),
                "both nodes of eu in the directory: " + listed.encodePrettily());
        assertTrue(euEntry.getString("linkAddress").startsWith("127.0.0.2"), listed.encodePrettily());
        assertEquals(true, region(listed.getJsonArray("regions"), "us").getBoolean("local"), listed.encodePrettily());

        try (AgentProcess agent = AgentProcess.http(euNode, upstream.httpAddress()).subdomain("found").start();
             PublicHttpClient client = new PublicHttpClient(vertx, us.node(0).httpPort(), 2)) {
            ClusterTestSupport.awaitServing(eu.nodes(), "found", Duration.ofSeconds(20));
            Await.until(() -> client.get("found.localhost", "/echo").status() == 200, Duration.ofSeconds(10),
                    Duration.ofMillis(100), () -> "region us never relayed found.localhost to region eu");
            PublicHttpClient.Response reply = client.post("found.localhost", "/echo", null, Buffer.buffer("found through the directory"));
            assertEquals(200, reply.status());
            assertEquals("found through the directory", reply.bodyText());
        }
        System.out.printf("region directory: the regions linked %d ms after both were up%n", discoveredMillis);
    }

    @Test
    @Order(2)
    void aTcpPortBoundInOneRegionAnswersAtTheSamePortInTheOther() throws Exception {
        long gone;
        int port;
        try (AgentProcess agent = AgentProcess.tcp(us.node(0), echo.address()).start()) {
            port = agent.publicPort();
            assertArrayEquals(bytes("in us\n"), echoOnce("127.0.0.1", port, "in us\n"), "the port in its own region");
            long t0 = System.nanoTime();
            Await.until(() -> tryEcho("127.0.0.21", port, "across\n"), Duration.ofSeconds(15), Duration.ofMillis(100),
                    () -> "region eu never listened on TCP port " + port + " of region us");
            long openedMillis = (System.nanoTime() - t0) / 1_000_000;
            byte[] bulk = new byte[256 * 1024];
            for (int i = 0; i < bulk.length; i++) {
                bulk[i] = (byte) ('a' + i % 26);
            }
            assertArrayEquals(bulk, echoOnce("127.0.0.21", port, new String(bulk, StandardCharsets.US_ASCII)),
                    "256 KiB echoed through region eu");
            assertTrue(ClusterTestSupport.metric(eu.node(0), "burrow_region_tcp_ports") >= 1);

            // Another tenant cannot take the port in eu while us serves it for the default tenant (review2 H2).
            AdminClient euAdmin = eu.node(0).admin();
            euAdmin.createTenant("squatter", 0, 0, 0);
            String squatterToken = euAdmin.issueToken("squatter").getString("token");
            try (AgentProcess squatter = AgentProcess.tcp(eu.node(0), echo.address()).name("squatter-in-eu")
                    .authtoken(squatterToken).arg("--remote-port", Integer.toString(port)).shortLived().launch()) {
                int outcome = exitOrForwarding(squatter, Duration.ofSeconds(30));
                assertEquals(1, outcome, "another tenant's explicit bind of port " + port + " in eu: " + squatter.errorLines());
                assertTrue(squatter.errorLines().toString().contains("served in another region for another account"),
                        squatter.errorLines().toString());
            }
            assertArrayEquals(bytes("still us\n"), echoOnce("127.0.0.21", port, "still us\n"),
                    "the port in eu still reaches the agent in us");
            agent.stop(Duration.ofSeconds(5));
            gone = System.nanoTime();
            System.out.printf("TCP across regions: port %d answered in eu %d ms after it answered in us%n", port, openedMillis);
        }
        Await.until(() -> refused("127.0.0.21", port), Duration.ofSeconds(20), Duration.ofMillis(100),
                () -> "region eu still listens on TCP port " + port + " after the endpoint in us went away");
        System.out.printf("TCP across regions: eu closed port %d %d ms after the agent in us stopped%n", port,
                (System.nanoTime() - gone) / 1_000_000);
    }

    @Test
    @Order(3)
    void aNameReservedInOneRegionIsRefusedToAnotherTenantInTheOther() throws Exception {
        AdminClient euAdmin = eu.node(0).admin();
        AdminClient usAdmin = us.node(0).admin();
        euAdmin.createTenant("owner", 0, 0, 0);
        usAdmin.createTenant("intruder", 0, 0, 0);
        String intruderToken = usAdmin.issueToken("intruder").getString("token");
        euAdmin.reserve("owner", "held.localhost");
        long reserved = System.nanoTime();
        long refusedAfter = -1;
        for (int attempt = 1; refusedAfter < 0; attempt++) {
            long launchedAfter = (System.nanoTime() - reserved) / 1_000_000;
            assertTrue(launchedAfter < HELD_NAMES_BOUND.toMillis(), "region us still let another tenant bind held.localhost "
                    + launchedAfter + " ms after it was reserved in eu (attempt " + attempt + ")");
            try (AgentProcess intruder = AgentProcess.http(us.node(0), upstream.httpAddress()).name("intruder-in-us-" + attempt)
                    .authtoken(intruderToken).subdomain("held").shortLived().launch()) {
                // An agent launched before us re-read the held names binds and stays up: stop it and try again.
                int outcome = exitOrForwarding(intruder, Duration.ofSeconds(30));
                if (outcome == 1 && intruder.errorLines().toString().contains("reserved by another account")) {
                    refusedAfter = (System.nanoTime() - reserved) / 1_000_000;
                }
            }
        }
        AdminClient.Reply taken = usAdmin.post("/tenants/intruder/reservations", new JsonObject().put("name", "held.localhost"));
        assertEquals(409, taken.status(), "reserving in us a name eu holds: " + taken);
        assertEquals("NAME_TAKEN", taken.errorCode(), taken.toString());
        System.out.printf("held names across regions: refused in us %d ms after the reservation in eu%n", refusedAfter);
    }

    @Test
    @Order(4)
    void whenTheLinkedNodeOfARegionDiesTheLinkMovesToItsOtherNode() throws Exception {
        AdminClient usAdmin = us.node(0).admin();
        String linked = region(usAdmin.get("/regions").json().getJsonArray("regions"), "eu").getString("linkAddress");
        int dead = linked.startsWith("127.0.0.21:") ? 0 : 1;
        EdgeProcess survivor = eu.node(1 - dead);
        try (AgentProcess agent = AgentProcess.http(survivor, upstream.httpAddress()).subdomain("survives")
                .arg("--links", "1").start();
             PublicHttpClient client = new PublicHttpClient(vertx, us.node(0).httpPort(), 2)) {
            ClusterTestSupport.awaitServing(List.of(survivor), "survives", Duration.ofSeconds(20));
            eu.node(dead).kill();
            long killed = System.nanoTime();
            String expected = survivor.bindAddress() + ":" + survivor.relayPort();
            // The dead node's row stays fresh for up to 15 s; after two refreshes without a link, us tries the next address.
            Await.until(() -> {
                JsonObject euEntry = euAsSeenBy(usAdmin);
                return euEntry != null && Boolean.TRUE.equals(euEntry.getBoolean("linkReady"))
                        && expected.equals(euEntry.getString("linkAddress"));
            }, Duration.ofSeconds(30), Duration.ofMillis(100), () -> "us never moved its link to eu's surviving node " + expected);
            long movedMillis = (System.nanoTime() - killed) / 1_000_000;
            Await.until(() -> client.get("survives.localhost", "/echo").status() == 200, Duration.ofSeconds(10),
                    Duration.ofMillis(100), () -> "us did not relay to eu's surviving node");
            PublicHttpClient.Response reply = client.post("survives.localhost", "/echo", null, Buffer.buffer("still here"));
            assertEquals("still here", reply.bodyText());
            System.out.printf("region directory: us linked to eu's other node %d ms after the first was killed%n", movedMillis);
        }
    }

    /** The agent's exit code, or -1 as soon as it prints its Forwarding line (it bound); bounded by {@code timeout}. */
    private static int exitOrForwarding(AgentProcess agent, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            java.util.Optional<Integer> exit = agent.process().exitCode();
            if (exit.isPresent()) {
                return agent.awaitExit(Duration.ofSeconds(10)); // and its output read to the end
            }
            if (agent.process().findLine(line -> AgentProcess.FORWARDING_LINE.matcher(line.text()).find()).isPresent()) {
                return -1;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(agent + " neither exited nor bound within " + timeout + ": " + agent.process().tail(20));
    }

    private static JsonObject euAsSeenBy(AdminClient admin) {
        try {
            return region(admin.get("/regions").json().getJsonArray("regions"), "eu");
        } catch (Exception e) {
            return null;
        }
    }

    private static JsonObject region(JsonArray regions, String name) {
        for (int i = 0; i < regions.size(); i++) {
            if (name.equals(regions.getJsonObject(i).getString("name"))) {
                return regions.getJsonObject(i);
            }
        }
        return null;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends {@code text}, half-closes, reads to EOF; the echo server answers the bytes and then its BYE line. */
    private static byte[] echoOnce(String host, int port, String text) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] sent = bytes(text);
            Thread writer = new Thread(() -> {
                try {
                    out.write(sent);
                    out.flush();
                    socket.shutdownOutput();
                } catch (IOException ignored) {
                    // the read below fails too
                }
            });
            writer.start();
            byte[] all = in.readAllBytes();
            byte[] bye = TcpEchoServer.byeLine(sent.length);
            assertTrue(all.length >= bye.length, "short answer: " + all.length + " bytes");
            assertArrayEquals(bye, java.util.Arrays.copyOfRange(all, all.length - bye.length, all.length), "the BYE line");
            return java.util.Arrays.copyOf(all, all.length - bye.length);
        }
    }

    private static boolean tryEcho(String host, int port, String text) {
        try {
            return java.util.Arrays.equals(bytes(text), echoOnce(host, port, text));
        } catch (IOException | AssertionError e) {
            return false;
        }
    }

    private static boolean refused(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 2_000);
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
