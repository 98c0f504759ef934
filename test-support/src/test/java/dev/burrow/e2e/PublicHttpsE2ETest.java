package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TestCertificates;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.Curl;
import dev.burrow.testsupport.tools.OpenSslClient;
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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public HTTPS listener: an agent's {@code --url https://NAME.DOMAIN} is served over TLS 1.2 and 1.3 with the
 * dev CA's wildcard (curl --cacert), its upstream sees {@code X-Forwarded-Proto: https}, plain HTTP gets a 308 to
 * the https URL, an {@code http://} endpoint is served on both listeners, a Host that disagrees with the SNI gets
 * 421, and certificates are chosen per SNI: the operator's certificate for its name (re-read when its files change),
 * the dev certificate for every other name and for a ClientHello without SNI.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PublicHttpsE2ETest {
    private static final String OPERATOR_SUBJECT = "CN = burrow edge (operator)";
    private static final String OPERATOR_CA = "CN = Burrow e2e operator CA";

    private Path tmp;
    private Path certDir;
    private Upstream upstream;
    private EdgeProcess edge;
    private AgentProcess secure;
    private AgentProcess plain;

    @BeforeAll
    void start() throws IOException {
        Tools.assumeInstalled("curl", "openssl");
        tmp = Files.createTempDirectory("burrow-https-");
        certDir = Files.createDirectories(tmp.resolve("certs"));
        installOperatorCertificate(tmp.resolve("pki-1"));
        upstream = Upstream.start();
        edge = EdgeProcess.builder().name("edge-https").arg("--https-certs", certDir.toString()).start();
        secure = AgentProcess.http(edge, upstream.httpAddress()).name("agent-https").url("https://web.localhost").start();
        plain = AgentProcess.http(edge, upstream.httpAddress()).name("agent-plain").subdomain("plain").start();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(secure, plain, edge, upstream);
    }

    @Test
    void anHttpsUrlIsPrintedAndServedOverTls12And13WithTheDevWildcard() {
        assertEquals("https://web.localhost:" + edge.httpsPort(), secure.publicUrl());
        for (String version : List.of("--tlsv1.2 --tls-max 1.2", "--tlsv1.3")) {
            List<String> extra = List.of(version.split(" "));
            ClientRun run = curlHttps("web.localhost", "/echo?tls=" + extra.get(0), extra.toArray(new String[0]));
            assertEquals("HTTP/1.1 200 OK", statusLine(run), run.describe());
        }
        Upstream.RecordedRequest seen = upstream.awaitRequest(r -> r.uri().equals("/echo?tls=--tlsv1.3"), Duration.ofSeconds(10));
        assertEquals("https", seen.header("X-Forwarded-Proto"));
        assertEquals("web.localhost:" + edge.httpsPort(), seen.header("X-Forwarded-Host"));
    }

    @Test
    void theHopToTheServersThatTerminateRunsOverDomainSocketsOnlyTheEdgesUserCanReach() throws IOException {
        Path hop = edge.dataDir().resolve("hop");
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(hop)));
        // The servers of other TLS variants (client certificates, versions) listen beside these once a connection needs them.
        for (String socket : List.of("https.sock", "h2c.sock")) {
            assertTrue(Files.readAttributes(hop.resolve(socket), java.nio.file.attribute.BasicFileAttributes.class).isOther(),
                    socket + " in " + hop + " is a socket");
        }
        assertTrue(edge.process().outputText().contains("runs over Unix domain sockets in " + hop), edge.process().tail(40));
    }

    @Test
    void theClientsAddressCrossesTheHopInItsProxyLine() {
        // From 127.0.0.2: an address the hop's own sockets never have, so only the PROXY line can bring it.
        for (String version : List.of("--http1.1", "--http2")) {
            ClientRun run = curlHttps("web.localhost", "/echo?from=" + version, version, "--interface", "127.0.0.2");
            assertTrue(statusLine(run).startsWith(version.equals("--http2") ? "HTTP/2 200" : "HTTP/1.1 200"), run.describe());
            Upstream.RecordedRequest seen = upstream.awaitRequest(r -> r.uri().equals("/echo?from=" + version), Duration.ofSeconds(10));
            assertEquals("127.0.0.2", seen.header("X-Forwarded-For"), version);
        }
        ClientRun h2c = curl("-sS", "-i", "--max-time", "10", "--http2-prior-knowledge", "--interface", "127.0.0.2",
                "-H", "Host: plain.localhost", "http://127.0.0.1:" + edge.httpPort() + "/echo?from=h2c");
        assertTrue(statusLine(h2c).startsWith("HTTP/2 200"), h2c.describe());
        Upstream.RecordedRequest seen = upstream.awaitRequest(r -> r.uri().equals("/echo?from=h2c"), Duration.ofSeconds(10));
        assertEquals("127.0.0.2", seen.header("X-Forwarded-For"));
    }

    @Test
    void plainHttpToAnHttpsEndpointIsRedirectedWith308KeepingPathAndQuery() {
        ClientRun run = curl("-sS", "-i", "--http1.1", "--max-time", "10", "-X", "POST", "--data", "body",
                "-H", "Host: web.localhost:" + edge.httpPort(), "http://127.0.0.1:" + edge.httpPort() + "/form?a=1");
        assertEquals("HTTP/1.1 308 Permanent Redirect", statusLine(run), run.describe());
        assertTrue(run.stdout().contains("Location: https://web.localhost:" + edge.httpsPort() + "/form?a=1\r\n"), run.stdout());
        assertTrue(upstream.requests().stream().noneMatch(r -> r.uri().equals("/form?a=1")), "the upstream must not see the plain request");
    }

    @Test
    void anHttpEndpointIsServedOnBothListeners() {
        assertEquals("http://plain.localhost:" + edge.httpPort(), plain.publicUrl());
        ClientRun overTls = curlHttps("plain.localhost", "/echo?both");
        assertEquals("HTTP/1.1 200 OK", statusLine(overTls), overTls.describe());
        ClientRun overHttp = curl("-sS", "-i", "--max-time", "10", "-H", "Host: plain.localhost",
                "http://127.0.0.1:" + edge.httpPort() + "/echo?both");
        assertEquals("HTTP/1.1 200 OK", statusLine(overHttp), overHttp.describe());
    }

    @Test
    void aHostThatDisagreesWithTheSniGets421AndNeverReachesTheUpstream() {
        ClientRun run = curlHttps("plain.localhost", "/misdirected", "-H", "Host: web.localhost");
        assertEquals("HTTP/1.1 421 Misdirected Request", statusLine(run), run.describe());
        assertTrue(upstream.requests().stream().noneMatch(r -> r.uri().equals("/misdirected")));
    }

    @Test
    void http2OverAlpnCarriesEachStreamAsOneExchange() {
        ClientRun ok = curlHttps("web.localhost", "/echo?h2=1", "--http2");
        assertEquals("HTTP/2 200 ", statusLine(ok).substring(0, Math.min(11, statusLine(ok).length())), ok.describe());
        Upstream.RecordedRequest seen = upstream.awaitRequest(r -> r.uri().equals("/echo?h2=1"), Duration.ofSeconds(10));
        assertEquals("https", seen.header("X-Forwarded-Proto"));
        // An unbound name has no certificate of its own (-k: the point is the 404 over HTTP/2).
        ClientRun missing = curlHttps("nobody.localhost", "/", "--http2", "-k");
        assertTrue(statusLine(missing).startsWith("HTTP/2 404"), missing.describe());
        ClientRun misdirected = curlHttps("plain.localhost", "/h2-misdirected", "--http2", "-H", "Host: web.localhost");
        assertTrue(statusLine(misdirected).startsWith("HTTP/2 421"), misdirected.describe());

        Tools.assumeInstalled("h2load");
        ClientRun load = ClientRun.run(List.of(Tools.require("h2load").toString(), "-n", "400", "-c", "4", "-m", "8",
                "https://127.0.0.1:" + edge.httpsPort() + "/echo?load", "-H", ":authority: web.localhost:" + edge.httpsPort()),
                Duration.ofSeconds(60));
        assertTrue(load.stdout().contains("400 succeeded, 0 failed"), load.describe());
        assertTrue(load.stdout().contains("Application protocol: h2"), load.describe());
        System.out.println(load.stdout().lines().filter(l -> l.startsWith("finished in") || l.startsWith("requests:")
                || l.startsWith("time for request:")).reduce("", (a, b) -> a + b + "\n"));
    }

    @Test
    void certificatesAreChosenBySni() {
        OpenSslClient.Handshake operator = OpenSslClient.handshake(edge.httpsPort(), "op.localhost");
        assertEquals(OPERATOR_SUBJECT, operator.subject(), operator.run().describe());
        // Under the one-label domain "localhost" clients refuse the wildcard *.localhost: a bound name gets its own.
        OpenSslClient.Handshake bound = OpenSslClient.handshake(edge.httpsPort(), "web.localhost");
        assertEquals("CN = web.localhost, O = Burrow edge", bound.subject(), bound.run().describe());
        OpenSslClient.Handshake none = OpenSslClient.handshake(edge.httpsPort(), null);
        assertEquals("CN = localhost, O = Burrow edge", none.subject(), "no SNI: the dev certificate\n" + none.run().describe());
        OpenSslClient.Handshake unknown = OpenSslClient.handshake(edge.httpsPort(), "scanner.example.net");
        assertEquals(none.subject(), unknown.subject(), "unknown SNI: the dev certificate\n" + unknown.run().describe());
        assertTrue(unknown.completed(), unknown.run().describe());
    }

    @Test
    void aReplacedOperatorCertificateIsServedWithoutARestart() {
        TestCertificates.OperatorPki renewed = TestCertificates.writeOperatorPki(tmp.resolve("pki-2"), List.of("op.localhost"));
        OpenSslClient.Handshake before = OpenSslClient.verifying(edge.httpsPort(), "op.localhost", renewed.caCert());
        assertTrue(!before.verified(), "the first certificate must not verify against the renewed one's CA: " + before.run().describe());
        installOperatorCertificate(renewed);
        long started = System.nanoTime();
        long deadline = started + Duration.ofSeconds(15).toNanos();
        OpenSslClient.Handshake after;
        do {
            after = OpenSslClient.verifying(edge.httpsPort(), "op.localhost", renewed.caCert());
        } while (!after.verified() && System.nanoTime() < deadline);
        assertTrue(after.verified(), "the renewed certificate was not served within 15 s: " + after.run().describe());
        System.out.printf("renewed operator certificate served after %d ms%n", (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * The TLS engine caches each certificate's key material under its alias, a digest of the chain and the key: a changed
     * file must never be served from that cache. openssl s_client sees each step: the second certificate's serial after
     * its files replace the first (which had been served, so cached), the first's again when its files come back, and
     * the same leaf with its chain cut to the leaf alone (an edit that keeps the leaf) served with that shorter chain.
     */
    @Test
    void aChangedOperatorFileIsNeverServedFromTheKeyMaterialCache() throws IOException {
        TestCertificates.OperatorPki first = TestCertificates.writeOperatorPki(tmp.resolve("cache-1"), List.of("op.localhost"));
        TestCertificates.OperatorPki second = TestCertificates.writeOperatorPki(tmp.resolve("cache-2"), List.of("op.localhost"));
        String firstSerial = serialOf(first.chain());
        String secondSerial = serialOf(second.chain());
        assertTrue(!firstSerial.equals(secondSerial), "two test certificates with one serial: " + firstSerial);

        installOperatorCertificate(first);
        awaitServed(firstSerial, 2);
        installOperatorCertificate(second);
        awaitServed(secondSerial, 2);
        for (int i = 0; i < 3; i++) {
            assertTrue(OpenSslClient.leafFields(OpenSslClient.handshake(edge.httpsPort(), "op.localhost")).contains(secondSerial),
                    "the replaced certificate came back from a cache");
        }
        installOperatorCertificate(first);
        awaitServed(firstSerial, 2);

        String chain = Files.readString(first.chain());
        String end = "-----END CERTIFICATE-----\n";
        Path leafOnly = Files.writeString(tmp.resolve("cache-1").resolve("leaf-only.pem"), chain.substring(0, chain.indexOf(end) + end.length()));
        installOperatorCertificate(new TestCertificates.OperatorPki(first.caCert(), leafOnly, first.key()));
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        OpenSslClient.Handshake shorter;
        do {
            shorter = OpenSslClient.handshake(edge.httpsPort(), "op.localhost", "-showcerts");
        } while (certificatesIn(shorter) != 1 && System.nanoTime() < deadline);
        assertEquals(1, certificatesIn(shorter), "the chain of the edited file (the leaf alone) was not served within 15 s:\n"
                + shorter.run().describe());
        assertTrue(OpenSslClient.leafFields(shorter).contains(firstSerial), shorter.run().describe());
    }

    /** Handshakes until the certificate with {@code serial} is served {@code times} in a row (15 s at most). */
    private void awaitServed(String serial, int times) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        int inRow = 0;
        String last = "";
        while (inRow < times && System.nanoTime() < deadline) {
            last = OpenSslClient.leafFields(OpenSslClient.handshake(edge.httpsPort(), "op.localhost"));
            inRow = last.contains(serial) ? inRow + 1 : 0;
        }
        assertEquals(times, inRow, "not served " + serial + " within 15 s; last: " + last);
    }

    /** {@code serial=…} of the first certificate of a PEM file, as {@code openssl x509 -serial} prints it. */
    private static String serialOf(Path pem) {
        ClientRun run = ClientRun.run(List.of("openssl", "x509", "-noout", "-serial", "-in", pem.toString()), Duration.ofSeconds(15));
        assertEquals(0, run.exitCode(), run.describe());
        return run.stdout().trim();
    }

    private static long certificatesIn(OpenSslClient.Handshake handshake) {
        String out = handshake.run().stdout() == null ? "" : handshake.run().stdout();
        return out.lines().filter(line -> line.equals("-----BEGIN CERTIFICATE-----")).count();
    }

    /**
     * A client that leaves Nagle on (python's ssl, as most HTTP libraries) sends its request right after its Finished
     * and holds it until that Finished is acknowledged. Unless the edge acknowledges at once, the kernel's delayed ACK
     * (40 ms at least) lands on every new connection: before the fix all 20 connections waited 40-55 ms here.
     */
    @Test
    void aNewConnectionOfAClientWithNagleOnIsNotHeldByADelayedAck() {
        Tools.assumeInstalled("python3");
        String script = String.join("\n",
                "import socket, ssl, sys, time",
                "port, ca = int(sys.argv[1]), sys.argv[2]",
                "ctx = ssl.create_default_context(cafile=ca)",
                "for i in range(20):",
                "    raw = socket.create_connection(('127.0.0.1', port), timeout=10)",
                "    tls = ctx.wrap_socket(raw, server_hostname='web.localhost')",
                "    sent = time.monotonic()",
                "    tls.sendall(b'GET /echo?nagle HTTP/1.1\\r\\nHost: web.localhost\\r\\nConnection: close\\r\\n\\r\\n')",
                "    first = tls.recv(64)",
                "    print(round((time.monotonic() - sent) * 1000, 1), first.split(b'\\r\\n')[0].decode())",
                "    tls.close()");
        ClientRun run = ClientRun.run(List.of("python3", "-c", script, String.valueOf(edge.httpsPort()), edge.caPath().toString()),
                Duration.ofSeconds(60));
        assertEquals(0, run.exitCode(), run.describe());
        List<String> lines = run.stdout().lines().toList();
        assertEquals(20, lines.size(), run.describe());
        assertTrue(lines.stream().allMatch(line -> line.endsWith(" HTTP/1.1 200 OK")), run.describe());
        long held = lines.stream().mapToDouble(line -> Double.parseDouble(line.split(" ")[0])).filter(ms -> ms >= 40).count();
        assertTrue(held < 10, held + " of 20 requests waited 40 ms or more for their first byte (delayed ACK):\n" + run.stdout());
    }

    private void installOperatorCertificate(Path pkiDir) {
        installOperatorCertificate(TestCertificates.writeOperatorPki(pkiDir, List.of("op.localhost")));
    }

    private void installOperatorCertificate(TestCertificates.OperatorPki pki) {
        try {
            // Key first, then the certificate, each by an atomic move: a reload never sees a chain without its key.
            Files.copy(pki.key(), certDir.resolve("op.key.tmp"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(certDir.resolve("op.key.tmp"), certDir.resolve("op.key"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(pki.chain(), certDir.resolve("op.crt.tmp"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(certDir.resolve("op.crt.tmp"), certDir.resolve("op.crt"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ClientRun curlHttps(String name, String path, String... extra) {
        return Curl.https(edge.httpsPort(), edge.caPath(), name, path, extra);
    }

    private static ClientRun curl(String... args) {
        return Curl.run(args);
    }

    private static String statusLine(ClientRun run) {
        return Curl.statusLine(run);
    }
}
