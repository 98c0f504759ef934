package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.cluster.EdgeCluster;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.OpenSslClient;
import dev.burrow.testsupport.tools.PebbleServer;
import dev.burrow.testsupport.tools.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ACME in a two-node cluster with TLS-ALPN-01: the node a visitor reaches orders the certificate, pebble validates at
 * the other node's HTTPS port (the answer is published cluster-wide; that node completes pebble's {@code acme-tls/1}
 * handshake with the challenge certificate), and the other node then serves the same certificate without a second
 * order. A third node serves it too, and after every node of the three is killed (SIGKILL) and started again (each with its own
 * embedded database: only the node that ordered has the row) all three serve it without a new order. (HTTP-01 is
 * {@code AcmeE2ETest}'s.)
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class AcmeClusterE2ETest {
    private static final String NAME = "cross.localhost";

    private Path tmp;
    private PebbleServer pebble;
    private EdgeCluster cluster;
    private Upstream upstream;
    private AgentProcess agent;

    @BeforeAll
    @Timeout(value = 240, unit = TimeUnit.SECONDS) // three JVMs took 100 s to be ready at a load average of 24
    void start() throws IOException {
        Tools.assumeInstalled("pebble", "pebble-challtestsrv", "curl", "openssl");
        tmp = Files.createTempDirectory("burrow-acme-cluster-");
        pebble = PebbleServer.prepare(tmp.resolve("pebble"));
        cluster = EdgeCluster.start(3, "1s", "--acme-directory", pebble.directoryUrl(),
                "--acme-directory-ca", pebble.serverCertificate().toString(), "--acme-challenge", "tls-alpn-01");
        // The CA reaches node 0 only; visitors below reach node 1.
        pebble.startPebble(cluster.node(0).httpPort(), cluster.node(0).httpsPort());
        upstream = Upstream.start();
        agent = AgentProcess.http(cluster.node(1), upstream.httpAddress()).name("agent-acme-cluster").subdomain("cross").start();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(agent, cluster, upstream, pebble);
        if (tmp != null) {
            TempDirs.deleteRecursively(tmp);
        }
    }

    @Test
    @Order(1)
    void oneNodeOrdersTheOtherAnswersTlsAlpn01AndBothServeTheOneCertificate() {
        EdgeProcess visited = cluster.node(1);
        EdgeProcess validated = cluster.node(0);
        Await.until(() -> PebbleServer.issued(handshake(visited)), Duration.ofSeconds(40), Duration.ofMillis(200),
                () -> "node 1 never served a pebble certificate for " + NAME + "\n" + visited.process().tail(20));
        Path root = pebble.issuingRoot();
        ClientRun curl = ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "-i", "--http1.1", "--max-time", "10",
                "--cacert", root.toString(), "--resolve", NAME + ":" + visited.httpsPort() + ":" + visited.bindAddress(),
                "https://" + NAME + ":" + visited.httpsPort() + "/echo?cluster"), Duration.ofSeconds(20));
        assertTrue(curl.stdout().startsWith("HTTP/1.1 200"), curl.describe());

        Await.until(() -> PebbleServer.issued(handshake(validated)), Duration.ofSeconds(20), Duration.ofMillis(200),
                () -> "node 0 never served the certificate node 1 obtained\n" + validated.process().tail(20));
        assertEquals(OpenSslClient.leafPem(handshake(visited)), OpenSslClient.leafPem(handshake(validated)), "both nodes serve the one certificate");
        assertEquals(1, pebble.orders(), "one order for the name across the cluster:\n" + pebble.process().tail(30));
        assertTrue(visited.process().outputText().contains("issued certificate for " + NAME), visited.process().tail(20));
        assertFalse(validated.process().outputText().contains("issued certificate for " + NAME), validated.process().tail(20));
    }

    @Test
    @Order(2)
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aFullRestartOfEveryNodeServesTheCertificateEverywhereWithoutANewOrder() {
        String certificate = OpenSslClient.leafPem(handshake(cluster.node(1)));
        Await.until(() -> PebbleServer.issued(handshake(cluster.node(2))), Duration.ofSeconds(40), Duration.ofMillis(200),
                () -> "node 2 never served the certificate\n" + cluster.node(2).process().tail(20));
        long orders = pebble.orders();
        // SIGKILL every node: the row saved by the node that ordered must not depend on its database being closed.
        cluster.nodes().forEach(EdgeProcess::kill);
        long restarting = System.nanoTime();
        CompletableFuture.allOf(cluster.nodes().stream().map(node -> CompletableFuture.runAsync(node::startAgain))
                .toArray(CompletableFuture[]::new)).join();
        System.out.printf("ACME cluster: 3 nodes killed and started again in %d ms%n", (System.nanoTime() - restarting) / 1_000_000);
        // Only the node that ordered has the row in its database; it shares it with the others once loaded.
        cluster.node(1).process().awaitLine(line -> line.text().contains("acme: 1 stored certificate(s) loaded"), 0,
                Duration.ofSeconds(30), "node 1 loading its stored certificate");
        for (EdgeProcess node : cluster.nodes()) {
            Await.until(() -> PebbleServer.issued(handshake(node)), Duration.ofSeconds(60), Duration.ofMillis(250),
                    () -> node + " never served the stored certificate after the restart\n" + node.process().tail(20));
            assertEquals(certificate, OpenSslClient.leafPem(handshake(node)), node + " serves the certificate issued before");
        }
        assertEquals(orders, pebble.orders(), "no order after the full restart:\n" + pebble.process().tail(30));
    }

    private static OpenSslClient.Handshake handshake(EdgeProcess node) {
        return OpenSslClient.handshake(node.bindAddress(), node.httpsPort(), NAME);
    }
}
