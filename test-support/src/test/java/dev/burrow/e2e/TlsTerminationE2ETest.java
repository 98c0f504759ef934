package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TcpEchoServer;
import dev.burrow.testsupport.TestCertificates;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.tools.ClientCertificatePki;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.Curl;
import dev.burrow.testsupport.tools.OpenSslClient;
import dev.burrow.testsupport.tools.OpenSslServer;
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
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code terminate-tls} policy action (client certificates checked in the edge's handshake, each verification
 * strategy) and the TLS keys of the agent's config file ({@code mutual_tls_cas}, {@code crt}/{@code key},
 * {@code upstream.tls_verify}/{@code tls_verify_cas}), all through one agent started from one config file, with
 * openssl-made certificates, curl, {@code openssl s_client}, socat and an {@code openssl s_server} upstream.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TlsTerminationE2ETest {
    private static final int ENDPOINTS = 7;

    private ClientCertificatePki clients;
    private TestCertificates.OperatorPki servers;
    private Upstream upstream;
    private OpenSslServer httpsUpstream;
    private TcpEchoServer echo;
    private EdgeProcess edge;
    private AgentProcess agent;

    @BeforeAll
    void start() throws IOException {
        Tools.assumeInstalled("curl", "openssl", "socat");
        Path dir = Files.createTempDirectory("burrow-terminate-tls-");
        clients = new ClientCertificatePki(dir).ca("trusted").ca("other").client("alice", "trusted").client("mallory", "other");
        servers = TestCertificates.writeOperatorPki(dir.resolve("servers"), List.of("localhost", "127.0.0.1", "term.localhost"));
        upstream = Upstream.start();
        httpsUpstream = OpenSslServer.start(servers.chain(), servers.key());
        echo = TcpEchoServer.start();
        edge = EdgeProcess.builder().name("edge-terminate-tls").start();
        Path config = Files.writeString(dir.resolve("burrow.yml"), config(Files.readString(dir.resolve("trusted.crt"))));
        agent = AgentProcess.startAll(edge).name("agent-terminate-tls").startTimeout(Duration.ofMinutes(2))
                .arg("--config", config.toString()).start();
        Await.until(() -> agent.process().stdoutLines().stream()
                        .filter(l -> AgentProcess.FORWARDING_LINE.matcher(l).find()).distinct().count() >= ENDPOINTS,
                Duration.ofSeconds(60), Duration.ofMillis(50), () -> "the agent did not forward:\n" + agent.process().tail(30));
    }

    /** Paths are relative to the file: the CAs, the agent's certificate and the upstream's CA sit beside it. */
    private String config(String trustedCa) {
        String caItem = "[\"" + trustedCa.strip().replace("\n", "\\n") + "\"]";
        return """
                version: 1
                agent:
                  inspect: false
                endpoints:
                %s%s%s  - name: filecas
                    url: https://filecas.localhost
                    upstream: %s
                    mutual_tls_cas: trusted.crt
                  - name: term
                    url: tls://term.localhost
                    upstream: %s
                    crt: servers/%s
                    key: servers/%s
                  - name: privateca
                    url: privateca.localhost
                    upstream:
                      url: https://localhost:%d
                      tls_verify_cas: servers/%s
                  - name: noverify
                    url: noverify.localhost
                    upstream:
                      url: https://localhost:%8$d
                      tls_verify: false
                """.formatted(
                mutualTlsEndpoint("verified", "{mutual_tls_certificate_authorities: " + caItem + "}"),
                mutualTlsEndpoint("requested", "{mutual_tls_verification_strategy: request, mutual_tls_certificate_authorities: " + caItem + "}"),
                mutualTlsEndpoint("anyclient", "{mutual_tls_verification_strategy: require-any}"),
                upstream.httpAddress(), echo.address(), servers.chain().getFileName(), servers.key().getFileName(),
                httpsUpstream.port(), servers.caCert().getFileName());
    }

    /** An https endpoint whose policy terminates TLS with {@code terminateTls} and forwards the client's common name. */
    private String mutualTlsEndpoint(String name, String terminateTls) {
        return """
                  - name: %s
                    url: https://%1$s.localhost
                    upstream: %s
                    traffic_policy:
                      on_tcp_connect:
                        - actions: [{type: terminate-tls, config: %s}]
                      on_http_request:
                        - actions:
                            - type: remove-headers
                              config: {headers: [X-Client-CN]}
                            - type: add-headers
                              config: {headers: {X-Client-CN: "${conn.tls.client.subject.common_name}"}}
                """.formatted(name, upstream.httpAddress(), terminateTls);
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(agent, edge, echo, httpsUpstream, upstream);
    }

    @Test
    void requireAndVerifyServesACertificateOfTheTrustedCaAndForwardsItsCommonName() {
        ClientRun alice = curl("verified", "alice", "--cert", clients.file("alice.crt"), "--key", clients.file("alice.key"),
                "-H", "X-Client-CN: admin");
        assertEquals("HTTP/1.1 200 OK", Curl.statusLine(alice), alice.describe());
        assertEquals(List.of("alice"), seen("verified", "alice").headerValues("X-Client-CN"), "the client's own header is removed");
    }

    @Test
    void requireAndVerifyRefusesNoCertificateAndOneFromAnotherCaInTheHandshake() {
        ClientRun none = curl("verified", "nobody");
        assertRefused(none, "alert certificate required");
        ClientRun other = curl("verified", "mallory", "--cert", clients.file("mallory.crt"), "--key", clients.file("mallory.key"));
        assertRefused(other, "alert unknown ca");
        OpenSslClient.Handshake tls12 = OpenSslClient.handshake(edge.httpsPort(), "verified.localhost", "-tls1_2",
                "-cert", clients.file("mallory.crt"), "-key", clients.file("mallory.key"));
        String said = tls12.run().stdout() + tls12.run().stderr();
        assertTrue(said.contains("alert unknown ca") && said.contains("SSL alert number 48"), tls12.run().describe());
        assertUpstreamNeverSaw("verified", "nobody", "mallory");
    }

    @Test
    void requestServesAVisitorWithoutACertificateButStillRefusesOneFromAnotherCa() {
        ClientRun none = curl("requested", "nobody");
        assertEquals("HTTP/1.1 200 OK", Curl.statusLine(none), none.describe());
        assertTrue(seen("requested", "nobody").headerValues("X-Client-CN").stream().allMatch(String::isEmpty),
                "no certificate, no common name");
        ClientRun alice = curl("requested", "alice", "--cert", clients.file("alice.crt"), "--key", clients.file("alice.key"));
        assertEquals("HTTP/1.1 200 OK", Curl.statusLine(alice), alice.describe());
        assertEquals(List.of("alice"), seen("requested", "alice").headerValues("X-Client-CN"));
        ClientRun other = curl("requested", "mallory", "--cert", clients.file("mallory.crt"), "--key", clients.file("mallory.key"));
        assertRefused(other, "alert unknown ca");
        assertUpstreamNeverSaw("requested", "mallory");
    }

    @Test
    void requireAnyTakesACertificateOfAnyIssuerButNotNone() {
        ClientRun other = curl("anyclient", "mallory", "--cert", clients.file("mallory.crt"), "--key", clients.file("mallory.key"));
        assertEquals("HTTP/1.1 200 OK", Curl.statusLine(other), other.describe());
        assertEquals(List.of("mallory"), seen("anyclient", "mallory").headerValues("X-Client-CN"));
        assertRefused(curl("anyclient", "nobody"), "alert certificate required");
        assertUpstreamNeverSaw("anyclient", "nobody");
    }

    @Test
    void theConfigFilesMutualTlsCasAreEnforcedAsTheFlagIs() {
        ClientRun alice = curl("filecas", "alice", "--cert", clients.file("alice.crt"), "--key", clients.file("alice.key"));
        assertEquals("HTTP/1.1 200 OK", Curl.statusLine(alice), alice.describe());
        seen("filecas", "alice");
        assertRefused(curl("filecas", "mallory", "--cert", clients.file("mallory.crt"), "--key", clients.file("mallory.key")),
                "alert unknown ca");
        assertRefused(curl("filecas", "nobody"), "alert certificate required");
        assertUpstreamNeverSaw("filecas", "nobody", "mallory");
    }

    @Test
    void theConfigFilesCrtAndKeyMakeTheAgentTerminateTheTlsEndpoint() {
        OpenSslClient.Handshake handshake = OpenSslClient.verifying(edge.httpsPort(), "term.localhost", servers.caCert());
        assertTrue(handshake.verified(), handshake.run().describe());
        ClientRun socat = ClientRun.run(List.of("sh", "-c", "printf 'ping\\n' | timeout -s KILL 8 " + Tools.require("socat")
                + " -t 3 - OPENSSL:127.0.0.1:" + edge.httpsPort() + ",snihost=term.localhost,cafile=" + servers.caCert()
                + ",commonname=term.localhost"), Duration.ofSeconds(20));
        assertEquals(0, socat.exitCode(), socat.describe());
        assertEquals("ping\nBYE 5\n", socat.stdout(), "the plain echo upstream got the decrypted bytes: " + socat.describe());
    }

    @Test
    void theConfigFilesUpstreamTlsKeysTrustThePrivateCaOrTurnVerificationOff() {
        for (String name : List.of("privateca", "noverify")) {
            ClientRun run = Curl.run("-sS", "-i", "--max-time", "15", "-H", "Host: " + name + ".localhost",
                    "http://127.0.0.1:" + edge.httpPort() + "/");
            assertTrue(run.stdout().startsWith("HTTP/1.1 200 "), name + ": " + run.describe());
            assertTrue(run.stdout().contains("s_server"), name + ": the upstream's status page: " + run.describe());
        }
    }

    private ClientRun curl(String endpoint, String who, String... extra) {
        return Curl.https(edge.httpsPort(), edge.caPath(), endpoint + ".localhost", "/echo?e=" + endpoint + "&who=" + who, extra);
    }

    private Upstream.RecordedRequest seen(String endpoint, String who) {
        return upstream.awaitRequest(r -> r.uri().equals("/echo?e=" + endpoint + "&who=" + who), Duration.ofSeconds(10));
    }

    private static void assertRefused(ClientRun run, String alert) {
        assertNotEquals(0, run.exitCode(), run.describe());
        assertTrue(run.stdout().isEmpty(), "no HTTP response at all: " + run.describe());
        assertTrue(run.stderr().contains(alert), alert + ": " + run.describe());
    }

    private void assertUpstreamNeverSaw(String endpoint, String... who) {
        for (String name : who) {
            assertFalse(upstream.saw("/echo?e=" + endpoint + "&who=" + name), "the upstream saw " + name);
        }
    }
}
