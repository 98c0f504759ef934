package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.tools.ClientCertificatePki;
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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code burrow http --mutual-tls-cas CA.pem}: the edge asks HTTPS visitors of that name (and only that name) for a
 * client certificate, checks it against that CA, fails the handshake of a visitor without one, with one from another
 * CA or an expired one, and a policy forwards the certificate's common name to the upstream in a header the client
 * cannot forge. Certificates are made by the openssl command line.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MutualTlsE2ETest {
    private static final String POLICY = """
            on_http_request:
              - actions:
                  - type: remove-headers
                    config:
                      headers: [X-Client-CN]
                  - type: add-headers
                    config:
                      headers:
                        X-Client-CN: "${conn.tls.client.subject.common_name}"
                        X-Client-Serial: "${conn.tls.client.serial_number}"
            """;

    private Path pki;
    private ClientCertificatePki certificates;
    private Upstream upstream;
    private EdgeProcess edge;
    private AgentProcess mutual;
    private AgentProcess open;

    @BeforeAll
    void start() throws IOException {
        Tools.assumeInstalled("curl", "openssl");
        pki = Files.createTempDirectory("burrow-mtls-");
        certificates = new ClientCertificatePki(pki).ca("trusted").ca("other").client("alice", "trusted")
                .client("mallory", "other").expiredClient("old", "trusted");
        Files.writeString(pki.resolve("policy.yml"), POLICY);
        upstream = Upstream.start();
        edge = EdgeProcess.builder().name("edge-mtls").start();
        mutual = AgentProcess.http(edge, upstream.httpAddress()).name("agent-mtls").url("https://secure.localhost")
                .arg("--mutual-tls-cas", pki.resolve("trusted.crt").toString(),
                        "--traffic-policy-file", pki.resolve("policy.yml").toString()).start();
        open = AgentProcess.http(edge, upstream.httpAddress()).name("agent-open").url("https://open.localhost").start();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(mutual, open, edge, upstream);
    }

    @Test
    void aClientCertificateFromTheTrustedCaIsServedAndItsCommonNameReachesTheUpstream() {
        ClientRun run = curlHttps("secure.localhost", "/echo?who=alice", "--cert", file("alice.crt"), "--key", file("alice.key"),
                "-H", "X-Client-CN: admin");
        assertEquals("HTTP/1.1 200 OK", statusLine(run), run.describe());
        Upstream.RecordedRequest seen = upstream.awaitRequest(r -> r.uri().equals("/echo?who=alice"), Duration.ofSeconds(10));
        assertEquals(List.of("alice"), seen.headerValues("X-Client-CN"), "the client's own X-Client-CN is removed");
        assertTrue(seen.header("X-Client-Serial").matches("[0-9a-f]+"), String.valueOf(seen.header("X-Client-Serial")));
    }

    @Test
    void overHttp2TheClientCertificateIsForwardedToo() {
        ClientRun run = Curl.run("-sS", "-i", "--http2", "--max-time", "10", "--cacert", edge.caPath().toString(),
                "--resolve", "secure.localhost:" + edge.httpsPort() + ":127.0.0.1", "--cert", file("alice.crt"), "--key", file("alice.key"),
                "https://secure.localhost:" + edge.httpsPort() + "/echo?who=alice-h2");
        assertEquals("HTTP/2 200", statusLine(run).trim(), run.describe());
        Upstream.RecordedRequest seen = upstream.awaitRequest(r -> r.uri().equals("/echo?who=alice-h2"), Duration.ofSeconds(10));
        assertEquals(List.of("alice"), seen.headerValues("X-Client-CN"));
    }

    @Test
    void noCertificateACertificateFromAnotherCaAndAnExpiredOneFailTheHandshake() {
        ClientRun none = curlHttps("secure.localhost", "/echo?who=nobody");
        ClientRun other = curlHttps("secure.localhost", "/echo?who=mallory", "--cert", file("mallory.crt"), "--key", file("mallory.key"));
        ClientRun expired = curlHttps("secure.localhost", "/echo?who=old", "--cert", file("old.crt"), "--key", file("old.key"));
        for (ClientRun run : List.of(none, other, expired)) {
            assertNotEquals(0, run.exitCode(), run.describe());
            assertTrue(run.stdout().isEmpty(), "no HTTP response at all: " + run.describe());
            assertTrue(run.stderr().contains("alert"), "a TLS alert: " + run.describe());
        }
        assertTrue(upstream.requests().stream().noneMatch(r -> r.uri().startsWith("/echo?who=") && !r.uri().contains("alice")),
                "the upstream saw none of them");
    }

    /** As OpenSSL servers do: {@code openssl s_server -verify} answers such a certificate with the same alert. */
    @Test
    void aCertificateFromAnotherCaIsRefusedWithTheUnknownCaAlert() {
        OpenSslClient.Handshake tls12 = OpenSslClient.handshake(edge.httpsPort(), "secure.localhost", "-tls1_2",
                "-cert", file("mallory.crt"), "-key", file("mallory.key"));
        String said = tls12.run().stdout() + tls12.run().stderr();
        assertTrue(said.contains("alert unknown ca") && said.contains("SSL alert number 48"), tls12.run().describe());
        ClientRun tls13 = curlHttps("secure.localhost", "/echo?who=mallory-13", "--cert", file("mallory.crt"), "--key", file("mallory.key"));
        assertTrue(tls13.stderr().contains("alert unknown ca"), tls13.describe());
        ClientRun none = curlHttps("secure.localhost", "/echo?who=nobody-13");
        assertTrue(none.stderr().contains("alert certificate required"), none.describe());
        ClientRun expired = curlHttps("secure.localhost", "/echo?who=old-13", "--cert", file("old.crt"), "--key", file("old.key"));
        assertTrue(expired.stderr().contains("alert certificate expired"), expired.describe());
    }

    /** The CAs are held under the SNI name, which is the endpoint's only because a wildcard name cannot be bound. */
    @Test
    void aWildcardNameWithMutualTlsIsRefusedAtBind() {
        try (AgentProcess wildcard = AgentProcess.http(edge, upstream.httpAddress()).name("agent-mtls-wildcard")
                .url("https://*.localhost").arg("--mutual-tls-cas", pki.resolve("trusted.crt").toString()).shortLived().launch()) {
            assertEquals(1, wildcard.awaitExit(Duration.ofSeconds(30)), wildcard.process().tail(20));
            assertTrue(String.join("\n", wildcard.errorLines()).contains("is not a valid DNS name"), wildcard.process().tail(20));
        }
    }

    @Test
    void anotherNameOnTheSamePortNeedsNoCertificate() {
        ClientRun run = curlHttps("open.localhost", "/echo?open");
        assertEquals("HTTP/1.1 200 OK", statusLine(run), run.describe());
        assertNull(upstream.awaitRequest(r -> r.uri().equals("/echo?open"), Duration.ofSeconds(10)).header("X-Client-CN"));
    }

    @Test
    void theMutualTlsNameCannotBeReachedAroundItsHandshake() {
        ClientRun viaOtherSni = curlHttps("open.localhost", "/echo?who=host-only", "-H", "Host: secure.localhost");
        assertEquals("HTTP/1.1 421 Misdirected Request", statusLine(viaOtherSni), viaOtherSni.describe());
        ClientRun noSni = curl("-sS", "-i", "--http1.1", "--max-time", "10", "-k", "-H", "Host: secure.localhost",
                "https://127.0.0.1:" + edge.httpsPort() + "/echo?who=no-sni");
        assertTrue(statusLine(noSni).startsWith("HTTP/1.1 403 "), noSni.describe());
        ClientRun plain = curl("-sS", "-i", "--max-time", "10", "-H", "Host: secure.localhost",
                "http://127.0.0.1:" + edge.httpPort() + "/echo?who=plain");
        assertTrue(statusLine(plain).startsWith("HTTP/1.1 308 "), plain.describe());
        assertTrue(upstream.requests().stream().noneMatch(r -> r.uri().startsWith("/echo?who=") && !r.uri().contains("alice")),
                "the upstream saw none of them");
    }

    private String file(String name) {
        return certificates.file(name);
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
