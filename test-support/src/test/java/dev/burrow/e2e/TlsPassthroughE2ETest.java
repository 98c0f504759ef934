package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TcpEchoServer;
import dev.burrow.testsupport.TestCertificates;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.OpenSslClient;
import dev.burrow.testsupport.tools.OpenSslServer;
import dev.burrow.testsupport.tools.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * TLS endpoints ({@code burrow tls PORT --url tls://NAME.DOMAIN}) on the edge's HTTPS port: the edge reads the SNI of
 * the ClientHello and passes the bytes through untouched, so the visitor's TLS session ends at the upstream
 * ({@code openssl s_server}, holding a certificate of its own CA) — curl and s_client see that certificate, not the
 * edge's. A ClientHello split into 7-byte TCP segments is routed all the same; an oversized one is closed at once; one
 * never finished is closed at the head timeout (2 s here).
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsPassthroughE2ETest {
    private static final Duration HELLO_TIMEOUT = Duration.ofSeconds(2);

    private TestCertificates.OperatorPki upstreamPki;
    private OpenSslServer upstream;
    private EdgeProcess edge;
    private AgentProcess agent;
    private TestCertificates.OperatorPki agentPki;
    private TcpEchoServer plainUpstream;
    private AgentProcess terminating;

    @BeforeAll
    void start() throws IOException {
        Tools.assumeInstalled("curl", "openssl");
        Path tmp = Files.createTempDirectory("burrow-tls-");
        upstreamPki = TestCertificates.writeOperatorPki(tmp.resolve("upstream"), List.of("db.localhost"));
        upstream = OpenSslServer.start(upstreamPki.chain(), upstreamPki.key());
        edge = EdgeProcess.builder().name("edge-tls").arg("--http-head-timeout", HELLO_TIMEOUT.toSeconds() + "s").start();
        agent = AgentProcess.tls(edge, Integer.toString(upstream.port())).name("agent-tls").url("tls://db.localhost").start();
        agentPki = TestCertificates.writeOperatorPki(tmp.resolve("agent"), List.of("term.localhost"));
        plainUpstream = TcpEchoServer.start();
        terminating = AgentProcess.tls(edge, Integer.toString(plainUpstream.port())).name("agent-tls-terminating")
                .url("tls://term.localhost").arg("--crt", agentPki.chain().toString(), "--key", agentPki.key().toString()).start();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(terminating, agent, edge, upstream, plainUpstream);
    }

    @Test
    void theVisitorsTlsSessionEndsAtTheUpstream() {
        assertEquals("tls://db.localhost:" + edge.httpsPort(), agent.publicUrl());
        OpenSslClient.Handshake handshake = OpenSslClient.verifying(edge.httpsPort(), "db.localhost", upstreamPki.caCert());
        assertTrue(handshake.verified(), handshake.run().describe());
        assertEquals("CN = Burrow e2e operator CA", handshake.issuer(), handshake.run().describe());

        ClientRun curl = ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "--http1.1", "--max-time", "10",
                "--cacert", upstreamPki.caCert().toString(), "--resolve", "db.localhost:" + edge.httpsPort() + ":127.0.0.1",
                "https://db.localhost:" + edge.httpsPort() + "/"), Duration.ofSeconds(20));
        assertEquals(0, curl.exitCode(), curl.describe());
        assertTrue(curl.stdout().contains("s_server"), "the upstream's status page: " + curl.describe());

        ClientRun plainHttp = ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "-i", "--max-time", "10",
                "-H", "Host: db.localhost", "http://127.0.0.1:" + edge.httpPort() + "/"), Duration.ofSeconds(20));
        assertTrue(plainHttp.stdout().startsWith("HTTP/1.1 404 "), plainHttp.describe());
        assertTrue(plainHttp.stdout().contains("is a TLS endpoint"), plainHttp.describe());
    }

    @Test
    void withCrtAndKeyTheAgentTerminatesTlsAndThePlainUpstreamGetsTheBytes() throws Exception {
        OpenSslClient.Handshake handshake = OpenSslClient.verifying(edge.httpsPort(), "term.localhost", agentPki.caCert());
        assertTrue(handshake.verified(), handshake.run().describe());

        ClientRun fingerprint = ClientRun.run(List.of(Tools.require("openssl").toString(), "x509", "-in", agentPki.chain().toString(),
                "-noout", "-fingerprint", "-sha256"), Duration.ofSeconds(10));
        String expected = fingerprint.stdout().trim().replaceFirst("(?i)^sha256 fingerprint=", "").replace(":", "").toLowerCase();
        try (javax.net.ssl.SSLSocket socket = visitorOfTheTerminatingAgent()) {
            byte[] seen = socket.getSession().getPeerCertificates()[0].getEncoded();
            assertEquals(expected, java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(seen)),
                    "the certificate the visitor sees is the agent's --crt");
            byte[] message = "hello through the agent's TLS\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            socket.getOutputStream().write(message);
            socket.getOutputStream().flush();
            assertEquals(new String(message, java.nio.charset.StandardCharsets.US_ASCII),
                    new String(socket.getInputStream().readNBytes(message.length), java.nio.charset.StandardCharsets.US_ASCII),
                    "the plain echo upstream got the decrypted bytes and its answer came back encrypted");
        }
    }

    @Test
    void aVisitorThatHalfClosesAfterItsRequestStillGetsTheWholeAnswerThroughTheAgentsTls() throws Exception {
        byte[] request = "a request read to its end before the answer\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        try (javax.net.ssl.SSLSocket socket = visitorOfTheTerminatingAgent()) {
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            socket.shutdownOutput();
            byte[] answer = socket.getInputStream().readAllBytes();
            java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
            expected.write(request);
            expected.write(TcpEchoServer.byeLine(request.length));
            assertEquals(expected.toString(java.nio.charset.StandardCharsets.US_ASCII),
                    new String(answer, java.nio.charset.StandardCharsets.US_ASCII),
                    "the upstream saw the visitor's end of input and its last line, written after it, came back");
        }
        // socat ends its side with close_notify at its stdin's end, and fails (OpenSSL 3) on an answer ended without one
        ClientRun socat = ClientRun.run(List.of("sh", "-c", "printf 'ping\\n' | timeout -s KILL 8 " + Tools.require("socat") + " -t 3 - OPENSSL:127.0.0.1:"
                + edge.httpsPort() + ",snihost=term.localhost,cafile=" + agentPki.caCert() + ",commonname=term.localhost"),
                Duration.ofSeconds(20));
        assertEquals(0, socat.exitCode(), socat.describe());
        assertEquals("ping\nBYE 5\n", socat.stdout(), socat.describe());
    }

    /** A handshaken TLS client of {@code term.localhost} that trusts only the agent's CA. */
    private javax.net.ssl.SSLSocket visitorOfTheTerminatingAgent() throws Exception {
        SSLContext trustAgentCa = SSLContext.getInstance("TLS");
        java.security.KeyStore store = java.security.KeyStore.getInstance(java.security.KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(agentPki.caCert())) {
            store.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        trust.init(store);
        trustAgentCa.init(null, trust.getTrustManagers(), null);
        javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) trustAgentCa.getSocketFactory()
                .createSocket("127.0.0.1", edge.httpsPort());
        socket.setSoTimeout(10_000);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName("term.localhost")));
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    @Test
    void aVisitorThatNeverFinishesItsHandshakeWithTheAgentIsClosedAtTheAgentsHandshakeTimeout() throws Exception {
        long bound = dev.burrow.agent.forward.TlsTerminatingForwarder.HANDSHAKE_TIMEOUT.toMillis();
        try (Socket socket = new Socket("127.0.0.1", edge.httpsPort())) {
            socket.setSoTimeout((int) bound + 10_000);
            socket.getOutputStream().write(clientHello("term.localhost"));
            socket.getOutputStream().flush();
            long started = System.nanoTime();
            InputStream in = socket.getInputStream();
            byte[] first = in.readNBytes(1);
            assertEquals(1, first.length, "the agent's ServerHello comes back");
            assertEquals(0x16, first[0] & 0xff);
            long discarded = 0;
            try {
                while (in.read() >= 0 && discarded++ < 1_000_000) {
                    // the rest of the server's first flight; then the client says nothing more
                }
            } catch (IOException reset) {
                // a reset is a close too
            }
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMillis >= bound - 500 && tookMillis < bound + 5_000,
                    "closed after " + tookMillis + " ms; the agent's handshake timeout is " + bound + " ms");
            System.out.printf("unfinished handshake with the agent closed after %d ms%n", tookMillis);
        }
    }

    @Test
    void aClientHelloSplitIntoSmallSegmentsIsRoutedByItsSni() throws Exception {
        byte[] hello = clientHello("db.localhost");
        try (Socket socket = new Socket("127.0.0.1", edge.httpsPort())) {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            for (int at = 0; at < hello.length; at += 7) {
                out.write(hello, at, Math.min(7, hello.length - at));
                out.flush();
                Thread.sleep(5);
            }
            byte[] answer = socket.getInputStream().readNBytes(5);
            assertEquals(0x16, answer[0] & 0xff, "a TLS handshake record (ServerHello) from the upstream: " + Arrays.toString(answer));
            assertEquals(0x03, answer[1] & 0xff);
        }
    }

    @Test
    void anOversizedClientHelloIsClosedAtOnce() throws Exception {
        // A whole 16 KiB handshake record that starts a 40 000-byte ClientHello (the edge reads at most 16 KiB).
        byte[] record = new byte[5 + 16_384];
        byte[] head = {0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x00, (byte) 0x9c, 0x40};
        System.arraycopy(head, 0, record, 0, head.length);
        long started = System.nanoTime();
        int read = sendAndAwaitClose(record, Duration.ofSeconds(5));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(-1, read, "the edge closes the connection without answering");
        assertTrue(tookMillis < 1_500, "closed in " + tookMillis + " ms");
    }

    @Test
    void aClientHelloNeverFinishedIsClosedAtTheHeadTimeout() throws Exception {
        byte[] hello = clientHello("db.localhost");
        long started = System.nanoTime();
        int read = sendAndAwaitClose(Arrays.copyOf(hello, 20), Duration.ofSeconds(10));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(-1, read, "the edge closes the connection without answering");
        assertTrue(tookMillis >= HELLO_TIMEOUT.toMillis() - 100 && tookMillis < HELLO_TIMEOUT.toMillis() + 3_000,
                "closed after " + tookMillis + " ms; the bound is " + HELLO_TIMEOUT.toMillis() + " ms");
        System.out.printf("unfinished ClientHello closed after %d ms%n", tookMillis);
    }

    /** Sends {@code bytes} and reads until the edge closes; returns the last read (-1 at a clean close, -2 at a reset). */
    private int sendAndAwaitClose(byte[] bytes, Duration limit) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", edge.httpsPort())) {
            socket.setSoTimeout((int) limit.toMillis());
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            try {
                return in.read();
            } catch (SocketTimeoutException e) {
                return 0;
            } catch (IOException reset) {
                return -1;
            }
        }
    }

    /** The first flight of a real TLS client (the JDK's) naming {@code serverName} in its SNI. */
    private static byte[] clientHello(String serverName) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        SSLEngine engine = context.createSSLEngine(serverName, 443);
        engine.setUseClientMode(true);
        SSLParameters parameters = engine.getSSLParameters();
        parameters.setServerNames(List.of(new SNIHostName(serverName)));
        engine.setSSLParameters(parameters);
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.beginHandshake();
        engine.wrap(ByteBuffer.allocate(0), out);
        out.flip();
        byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }
}
