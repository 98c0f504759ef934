package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.PublicHttpClient;
import dev.burrow.testsupport.TestCertificates;
import dev.burrow.testsupport.Upstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --tls-cert}/{@code --tls-key}: an edge presents the operator's certificate (issued by a test CA) on the agent
 * link instead of its dev certificate; an agent that trusts only that CA connects and serves; a client that trusts
 * only the dev CA is refused at the handshake; a key that does not match the certificate stops the edge at start with
 * exit code 2 and one line.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OperatorCertificateE2ETest {
    private Upstream upstream;
    private EdgeProcess edge;
    private AgentProcess agent;

    @AfterEach
    void stopAll() {
        Closeables.closeAll(agent, edge, upstream);
    }

    @Test
    void theAgentLinkPresentsTheOperatorCertificate(@TempDir Path tmp) throws Exception {
        TestCertificates.OperatorPki pki = TestCertificates.writeOperatorPki(tmp.resolve("pki"), List.of("localhost", "127.0.0.1"));
        upstream = Upstream.start();
        edge = EdgeProcess.builder().name("edge-operator-cert")
                .arg("--tls-cert", pki.chain().toString(), "--tls-key", pki.key().toString()).start();
        assertTrue(edge.process().stdoutLines().contains("Agent link certificate: " + pki.chain().toAbsolutePath() + " (--tls-cert)"),
                "startup lines: " + edge.process().stdoutLines());

        X509Certificate presented = handshake(edge, pki.caCert());
        assertEquals("CN=burrow edge (operator)", presented.getSubjectX500Principal().getName());
        assertThrows(SSLHandshakeException.class, () -> handshake(edge, edge.caPath()),
                "a client trusting only the dev CA must not accept the operator certificate");

        agent = AgentProcess.http(edge, upstream.httpAddress()).name("agent-operator-ca").edgeCa(pki.caCert())
                .subdomain("operator").start();
        try (PublicHttpClient client = new PublicHttpClient(upstream.vertx(), edge.httpPort(), 1)) {
            PublicHttpClient.Response response = client.get("operator." + edge.domain(), "/echo");
            assertEquals(200, response.status(), response.bodyText());
            assertEquals(Upstream.UPSTREAM_HEADER_VALUE, response.header(Upstream.UPSTREAM_HEADER));
        }
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateStopsTheEdgeWithExitCode2(@TempDir Path tmp) {
        TestCertificates.OperatorPki pki = TestCertificates.writeOperatorPki(tmp.resolve("pki"), List.of("127.0.0.1"));
        TestCertificates.OperatorPki other = TestCertificates.writeOperatorPki(tmp.resolve("other"), List.of("127.0.0.1"));
        edge = EdgeProcess.builder().name("edge-bad-pair")
                .arg("--tls-cert", pki.chain().toString(), "--tls-key", other.key().toString())
                .launchExpectingExit(Duration.ofSeconds(30));
        assertEquals(2, edge.process().exitCode().orElseThrow(), edge.process().tail(20));
        List<String> stderr = edge.process().stderrLines();
        assertEquals(1, stderr.size(), "one line on stderr: " + stderr);
        assertEquals("burrow-edge: --tls-key " + other.key().toAbsolutePath() + " does not match the certificate in --tls-cert "
                + pki.chain().toAbsolutePath() + " (CN=burrow edge (operator)); give the key the certificate was issued for", stderr.get(0));
    }

    /** A TLS 1.3 handshake with the edge's agent-link port trusting only {@code caPem}; returns the certificate it presented. */
    private static X509Certificate handshake(EdgeProcess edge, Path caPem) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caPem)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", edge.tunnelPort())) {
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }
}
