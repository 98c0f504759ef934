package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.FreePorts;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.OpenSslClient;
import dev.burrow.testsupport.tools.PebbleServer;
import dev.burrow.testsupport.tools.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A renewal end to end: pebble issues certificates valid for {@link #VALIDITY} only, the edge renews at two thirds of
 * that lifetime (with its jitter of a thirtieth either way), and a visitor making a fresh HTTPS connection every few
 * hundred milliseconds across the renewal gets every request answered while the served certificate's serial changes.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class AcmeRenewalE2ETest {
    private static final String DOMAIN = "renew.test";
    private static final String NAME = "web." + DOMAIN;
    private static final Duration VALIDITY = Duration.ofSeconds(45);
    private static final Pattern SERIAL = Pattern.compile("(?m)^serial=([0-9A-F]+)$");

    private Path tmp;
    private PebbleServer pebble;
    private Upstream upstream;
    private EdgeProcess edge;
    private AgentProcess agent;

    @BeforeAll
    void start() throws IOException {
        Tools.assumeInstalled("pebble", "pebble-challtestsrv", "curl", "openssl");
        tmp = Files.createTempDirectory("burrow-acme-renewal-");
        int httpPort = FreePorts.closedPort();
        int httpsPort = FreePorts.closedPort();
        pebble = PebbleServer.prepare(tmp.resolve("pebble")).certificateValidity(VALIDITY).startPebble(httpPort, httpsPort);
        upstream = Upstream.start();
        edge = EdgeProcess.builder().name("edge-renewal").domain(DOMAIN).httpPort(httpPort)
                .arg("--https-port", Integer.toString(httpsPort), "--acme-directory", pebble.directoryUrl(),
                        "--acme-directory-ca", pebble.serverCertificate().toString())
                .start();
        agent = AgentProcess.http(edge, upstream.httpAddress()).name("agent-renewal").subdomain("web").start();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(agent, edge, upstream, pebble);
        if (tmp != null) {
            TempDirs.deleteRecursively(tmp);
        }
    }

    @Test
    void theCertificateIsRenewedAtTwoThirdsOfItsLifetimeWithoutADroppedRequest() {
        Await.until(() -> PebbleServer.issued(OpenSslClient.handshake(edge.httpsPort(), NAME)), Duration.ofSeconds(60),
                Duration.ofMillis(200), () -> "no pebble certificate for " + NAME + "\n" + edge.process().tail(20));
        long firstServed = System.nanoTime();
        String firstSerial = serial();
        Path root = pebble.issuingRoot();
        List<String> failures = new ArrayList<>();
        int answered = 0;
        String serial = firstSerial;
        long deadline = firstServed + VALIDITY.plusSeconds(15).toNanos();
        while (serial.equals(firstSerial) && System.nanoTime() < deadline) {
            ClientRun curl = ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "-i", "--http1.1", "--max-time", "10",
                    "--cacert", root.toString(), "--resolve", NAME + ":" + edge.httpsPort() + ":127.0.0.1",
                    "https://" + NAME + ":" + edge.httpsPort() + "/echo?renewal"), Duration.ofSeconds(20));
            if (curl.exitCode() == 0 && curl.stdout().startsWith("HTTP/1.1 200")) {
                answered++;
            } else {
                failures.add(curl.describe());
            }
            serial = serial();
        }
        long swappedAfterMillis = (System.nanoTime() - firstServed) / 1_000_000;
        System.out.printf("ACME renewal: %d-s certificates; a new serial served %d ms after the first was seen; %d requests "
                + "answered, %d failed%n", VALIDITY.toSeconds(), swappedAfterMillis, answered, failures.size());
        assertNotEquals(firstSerial, serial, "the certificate was not renewed within " + VALIDITY.plusSeconds(15)
                + "\n" + edge.process().tail(20));
        assertEquals(List.of(), failures, "no request failed across the renewal");
        assertTrue(answered >= 10, "requests kept coming across the renewal: " + answered);
        // Renewal is due at 2/3 of the lifetime ± 1/30 after the leaf's notBefore, which was before the first serve.
        long latestDueMillis = VALIDITY.toMillis() * 2 / 3 + VALIDITY.toMillis() / 30;
        assertTrue(swappedAfterMillis <= latestDueMillis + 10_000, "renewed " + swappedAfterMillis + " ms after the first serve");
        assertTrue(edge.process().outputText().contains("renewed certificate for " + NAME), edge.process().tail(20));
        assertEquals(2, pebble.orders(), "the first order and the renewal:\n" + pebble.process().tail(20));
    }

    private String serial() {
        OpenSslClient.Handshake handshake = OpenSslClient.handshake(edge.httpsPort(), NAME);
        assertTrue(PebbleServer.issued(handshake), "a pebble certificate throughout: " + handshake.run().describe());
        Matcher m = SERIAL.matcher(OpenSslClient.leafFields(handshake));
        assertTrue(m.find(), handshake.run().describe());
        return m.group(1);
    }
}
