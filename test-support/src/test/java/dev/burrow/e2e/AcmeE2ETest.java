package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.FreePorts;
import dev.burrow.testsupport.ManagedProcess;
import dev.burrow.testsupport.OpsMetrics;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.OpenSslClient;
import dev.burrow.testsupport.tools.PebbleServer;
import dev.burrow.testsupport.tools.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Automatic certificates against a real ACME server offline (Debian's pebble, its DNS answering 127.0.0.1 for every
 * name): a name with a live endpoint gets a pebble certificate on demand through HTTP-01 answered on the edge's plain
 * port, and curl trusting only pebble's root then gets 200; the first handshakes are answered at once with the dev
 * certificate; an SNI nobody bound orders nothing; the tenant cap refuses a further name; a restart serves the stored
 * certificate without a new order.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AcmeE2ETest {
    private static final String DOMAIN = "acme.test";

    private Path tmp;
    private PebbleServer pebble;
    private Upstream upstream;
    private EdgeProcess edge;
    private AgentProcess agent;
    private Path pebbleRoot;

    @BeforeAll
    void start() throws IOException {
        Tools.assumeInstalled("pebble", "pebble-challtestsrv", "curl", "openssl");
        tmp = Files.createTempDirectory("burrow-acme-");
        int httpPort = FreePorts.closedPort();
        int httpsPort = FreePorts.closedPort();
        pebble = PebbleServer.start(tmp.resolve("pebble"), httpPort, httpsPort);
        upstream = Upstream.start();
        edge = EdgeProcess.builder().name("edge-acme").domain(DOMAIN).httpPort(httpPort)
                .arg("--https-port", Integer.toString(httpsPort), "--acme-directory", pebble.directoryUrl(),
                        "--acme-directory-ca", pebble.serverCertificate().toString(), "--acme-email", "ops@" + DOMAIN,
                        "--acme-max-per-tenant", "2")
                .start();
        Path config = Files.writeString(tmp.resolve("burrow.yml"), """
                version: 1
                agent:
                  inspect: false
                endpoints:
                  - name: web
                    url: web.%1$s
                    upstream: %2$s
                  - name: shop
                    url: shop.%1$s
                    upstream: %2$s
                  - name: extra
                    url: extra.%1$s
                    upstream: %2$s
                """.formatted(DOMAIN, upstream.httpAddress()));
        agent = AgentProcess.startAll(edge).name("agent-acme").arg("--config", config.toString()).start();
        Await.until(() -> agent.process().stdoutLines().stream().filter(l -> AgentProcess.FORWARDING_LINE.matcher(l).find())
                        .count() >= 3, Duration.ofSeconds(60), Duration.ofMillis(50),
                () -> "the agent did not forward its 3 endpoints:\n" + agent.process().tail(20));
        pebbleRoot = pebble.issuingRoot();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(agent, edge, upstream, pebble);
        if (tmp != null) {
            TempDirs.deleteRecursively(tmp);
        }
    }

    @Test
    @Order(1)
    void aBoundNameIsServedWithAPebbleCertificateAfterItsFirstHandshakeAskedForOne() {
        long started = System.nanoTime();
        ClientRun first = curlTrustingPebble("web");
        long firstMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(60, first.exitCode(), "the first handshake gets the dev certificate (curl: not trusted), not a wait: "
                + first.describe());
        assertTrue(firstMillis < 5_000, "the first handshake took " + firstMillis + " ms");
        ClientRun served = awaitServed("web");
        System.out.printf("ACME: first handshake answered in %d ms; pebble certificate served %d ms after it%n",
                firstMillis, (System.nanoTime() - started) / 1_000_000);
        assertTrue(served.stdout().startsWith("HTTP/1.1 200"), served.describe());
        OpenSslClient.Handshake handshake = OpenSslClient.handshake(edge.httpsPort(), "web." + DOMAIN);
        assertTrue(PebbleServer.issued(handshake), handshake.run().describe());
        assertEquals(1, pebble.orders(), pebble.process().tail(30));
        assertTrue(OpsMetrics.sum(edge, "burrow_acme_soonest_expiry_days") > 1, "the expiry gauge shows the certificate");
        assertTrue(OpsMetrics.sum(edge, "burrow_acme_certificate_expiry_seconds{name=\"web." + DOMAIN + "\"") > 0);
        assertEquals(OpsMetrics.sum(edge, "burrow_acme_certificate_expiry_seconds{name=\"web." + DOMAIN + "\""),
                OpsMetrics.sum(edge, "burrow_certificate_expiry_seconds{name=\"web." + DOMAIN + "\",source=\"acme\"}"),
                "the same expiry among every source's, labelled acme");
    }

    @Test
    @Order(2)
    void anSniNobodyBoundOrdersNothing() throws InterruptedException {
        long before = pebble.orders();
        for (String name : List.of("scanner." + DOMAIN, "www.example.net")) {
            OpenSslClient.Handshake handshake = OpenSslClient.handshake(edge.httpsPort(), name);
            assertTrue(handshake.completed(), handshake.run().describe());
            assertTrue(!PebbleServer.issued(handshake), handshake.run().describe());
        }
        Thread.sleep(1_500);
        assertEquals(before, pebble.orders(), "no order for a name without an endpoint:\n" + pebble.process().tail(20));
    }

    @Test
    @Order(5)
    void theChallengePathAnswersOnlyPublishedTokensAndNeverReachesAnEndpoint() {
        for (String token : List.of("abcdefghijklmnopqrstuvwxyz012345", "..%2F..%2Fetc", "short")) {
            ClientRun run = ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "-i", "--max-time", "10",
                    "-H", "Host: web." + DOMAIN, "http://127.0.0.1:" + edge.httpPort() + "/.well-known/acme-challenge/" + token),
                    Duration.ofSeconds(20));
            assertTrue(run.stdout().startsWith("HTTP/1.1 404"), run.describe());
        }
        assertTrue(upstream.requests().stream().noneMatch(r -> r.uri().startsWith("/.well-known/")),
                "the upstream never sees a challenge request");
    }

    @Test
    @Order(3)
    void theTenantCapRefusesAThirdName() {
        awaitServed("shop");
        long before = pebble.orders();
        int logFrom = edge.process().outputSize();
        OpenSslClient.Handshake handshake = OpenSslClient.handshake(edge.httpsPort(), "extra." + DOMAIN);
        assertTrue(handshake.completed() && !PebbleServer.issued(handshake), handshake.run().describe());
        edge.process().awaitLine(line -> line.text().contains("no certificate for extra." + DOMAIN)
                && line.text().contains("--acme-max-per-tenant"), logFrom, Duration.ofSeconds(20), "the cap's refusal in the edge log");
        assertEquals(before, pebble.orders(), pebble.process().tail(20));
        assertEquals(1.0, OpsMetrics.sum(edge, "burrow_acme_refused_total"));
    }

    @Test
    @Order(4)
    void aRestartServesTheStoredCertificateWithoutANewOrder() {
        String before = OpenSslClient.leafPem(OpenSslClient.handshake(edge.httpsPort(), "web." + DOMAIN));
        assertNotNull(before, "a certificate before the restart");
        long orders = pebble.orders();
        // SIGKILL: the saved rows must not depend on the database being closed (docs/tenancy.md, "The store").
        edge.restart();
        Await.until(() -> PebbleServer.issued(OpenSslClient.handshake(edge.httpsPort(), "web." + DOMAIN)),
                Duration.ofSeconds(20), Duration.ofMillis(200), () -> "the stored certificate is not served after the restart");
        assertEquals(before, OpenSslClient.leafPem(OpenSslClient.handshake(edge.httpsPort(), "web." + DOMAIN)), "the same certificate");
        assertEquals(orders, pebble.orders(), "no new order after the restart:\n" + pebble.process().tail(20));
        ManagedProcess restarted = edge.process();
        assertTrue(restarted.outputText().contains("acme: 2 stored certificate(s) loaded"), restarted.tail(30));
    }

    private ClientRun awaitServed(String name) {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        ClientRun run;
        do {
            run = curlTrustingPebble(name);
        } while (run.exitCode() != 0 && System.nanoTime() < deadline && sleep());
        assertEquals(0, run.exitCode(), "curl trusting pebble's root never succeeded for " + name + ": " + run.describe()
                + "\n" + edge.process().tail(20));
        return run;
    }

    private static boolean sleep() {
        try {
            Thread.sleep(100);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private ClientRun curlTrustingPebble(String label) {
        String host = label + "." + DOMAIN;
        return ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "-i", "--http1.1", "--max-time", "10", "--cacert",
                pebbleRoot.toString(), "--resolve", host + ":" + edge.httpsPort() + ":127.0.0.1",
                "https://" + host + ":" + edge.httpsPort() + "/echo?acme"), Duration.ofSeconds(20));
    }
}
