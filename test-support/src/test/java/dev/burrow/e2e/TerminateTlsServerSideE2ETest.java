package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.OpsMetrics;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TestCertificates;
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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server side of the {@code terminate-tls} policy action, per endpoint on one HTTPS port: {@code min_version: "1.3"}
 * and {@code max_version: "1.2"} as {@code openssl s_client -tls1_2/-tls1_3} and curl's {@code --tlsv1.x}/{@code --tls-max}
 * see them, a name whose policy gives its own {@code server_certificate}/{@code server_private_key}, and the policies
 * the edge refuses at bind (a key that is not the certificate's, a certificate for another name, an expired one,
 * garbage PEM), with nothing served for their names. Certificates are made by BouncyCastle and the openssl command line.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TerminateTlsServerSideE2ETest {
    private static final int ENDPOINTS = 5;
    /**
     * How long the expiring certificate lives: an agent's start (JVM, link, bind) and a handshake must fit in it. An
     * agent forwarded 5 s into it on a 2-core machine shared with other builds; 40 s leaves it eight times that.
     */
    private static final Duration EXPIRING_LIFETIME = Duration.ofSeconds(40);

    private Path dir;
    private TestCertificates.OperatorPki own;
    private TestCertificates.OperatorPki victims;
    private Upstream upstream;
    private EdgeProcess edge;
    private AgentProcess agent;

    @BeforeAll
    void start() throws IOException {
        Tools.assumeInstalled("curl", "openssl");
        dir = Files.createTempDirectory("burrow-terminate-tls-server-");
        own = TestCertificates.writeOperatorPki(dir.resolve("own"), List.of("own.localhost"));
        victims = TestCertificates.writeOperatorPki(dir.resolve("victims"), List.of("victim.localhost"));
        upstream = Upstream.start();
        edge = EdgeProcess.builder().name("edge-terminate-tls-server").start();
        Path config = Files.writeString(dir.resolve("burrow.yml"), """
                version: 1
                agent:
                  inspect: false
                endpoints:
                %s%s%s%s  - name: open
                    url: https://open.localhost
                    upstream: %s
                """.formatted(
                endpoint("tls13", "{min_version: \"1.3\"}"),
                endpoint("tls12", "{max_version: \"1.2\"}"),
                endpoint("anyclient13", "{min_version: \"1.3\", mutual_tls_verification_strategy: require-any}"),
                endpoint("own", "\n" + certificateConfig(own.chain(), own.key(), "                      ")),
                upstream.httpAddress()));
        agent = AgentProcess.startAll(edge).name("agent-terminate-tls-server").startTimeout(Duration.ofMinutes(2))
                .arg("--config", config.toString()).start();
        Await.until(() -> agent.process().stdoutLines().stream()
                        .filter(l -> AgentProcess.FORWARDING_LINE.matcher(l).find()).distinct().count() >= ENDPOINTS,
                Duration.ofSeconds(60), Duration.ofMillis(50), () -> "the agent did not forward:\n" + agent.process().tail(30));
    }

    private String endpoint(String name, String terminateTls) {
        return """
                  - name: %s
                    url: https://%1$s.localhost
                    upstream: %s
                    traffic_policy:
                      on_tcp_connect:
                        - actions:
                            - type: terminate-tls
                              config: %s
                """.formatted(name, upstream.httpAddress(), terminateTls);
    }

    /** {@code server_certificate} and {@code server_private_key} as YAML block scalars, each line after {@code indent}. */
    private static String certificateConfig(Path chain, Path key, String indent) throws IOException {
        return indent + "server_certificate: |\n" + indented(Files.readString(chain), indent + "  ")
                + indent + "server_private_key: |\n" + indented(Files.readString(key), indent + "  ");
    }

    private static String indented(String pem, String indent) {
        StringBuilder out = new StringBuilder();
        pem.strip().lines().forEach(line -> out.append(indent).append(line).append('\n'));
        return out.toString();
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(agent, edge, upstream);
    }

    @Test
    void minVersion13RefusesATls12HandshakeAndServesTls13() {
        OpenSslClient.Handshake tls12 = OpenSslClient.handshake(edge.httpsPort(), "tls13.localhost", "-tls1_2");
        assertFalse(tls12.completed(), tls12.run().describe());
        assertTrue(said(tls12.run()).contains("alert protocol version"), tls12.run().describe());
        OpenSslClient.Handshake tls13 = OpenSslClient.handshake(edge.httpsPort(), "tls13.localhost", "-tls1_3");
        assertTrue(tls13.completed(), tls13.run().describe());
        assertEquals("TLSv1.3", tls13.protocol(), tls13.run().describe());

        ClientRun curl12 = curl("tls13", "curl12", "--tlsv1.2", "--tls-max", "1.2");
        assertNotEquals(0, curl12.exitCode(), curl12.describe());
        assertTrue(curl12.stdout().isEmpty(), "no HTTP response at all: " + curl12.describe());
        assertTrue(curl12.stderr().contains("alert protocol version"), curl12.describe());
        ClientRun curl13 = curl("tls13", "curl13", "-v");
        assertEquals("HTTP/1.1 200 OK", Curl.statusLine(curl13), curl13.describe());
        assertTrue(curl13.stderr().contains("using TLSv1.3"), curl13.describe());
        assertUpstreamSaw("tls13", "curl13");
        assertUpstreamNeverSaw("tls13", "curl12");
    }

    @Test
    void maxVersion12RefusesATls13HandshakeAndNegotiatesTls12WithAClientOfferingBoth() {
        OpenSslClient.Handshake tls13 = OpenSslClient.handshake(edge.httpsPort(), "tls12.localhost", "-tls1_3");
        assertFalse(tls13.completed(), tls13.run().describe());
        assertTrue(said(tls13.run()).contains("alert protocol version"), tls13.run().describe());
        OpenSslClient.Handshake tls12 = OpenSslClient.handshake(edge.httpsPort(), "tls12.localhost", "-tls1_2");
        assertTrue(tls12.completed(), tls12.run().describe());
        assertEquals("TLSv1.2", tls12.protocol(), tls12.run().describe());

        ClientRun both = curl("tls12", "both", "-v");
        assertEquals("HTTP/1.1 200 OK", Curl.statusLine(both), both.describe());
        assertTrue(both.stderr().contains("using TLSv1.2"), "no downgrade alarm, TLS 1.2 chosen: " + both.describe());
        ClientRun only13 = curl("tls12", "only13", "--tlsv1.3");
        assertNotEquals(0, only13.exitCode(), only13.describe());
        assertUpstreamSaw("tls12", "both");
        assertUpstreamNeverSaw("tls12", "only13");
    }

    @Test
    void versionsCombineWithClientCertificatesAndLeaveOtherNamesAlone() throws IOException {
        ClientCertificatePki clients = new ClientCertificatePki(Files.createDirectories(dir.resolve("clients")))
                .ca("any").client("carol", "any");
        // This name's variant (a client certificate required, TLS 1.3 only) is used by no other test: its loopback server
        // starts with this first connection, which the second one does not wait for.
        String[] carol = {"--cert", clients.file("carol.crt"), "--key", clients.file("carol.key"), "-w", "\n%{time_appconnect}"};
        ClientRun tls13 = curl("anyclient13", "carol", carol);
        assertEquals("HTTP/1.1 200 OK", Curl.statusLine(tls13), tls13.describe());
        ClientRun again = curl("anyclient13", "carol-again", carol);
        assertEquals("HTTP/1.1 200 OK", Curl.statusLine(again), again.describe());
        System.out.printf("TLS established in %s s on the first connection of a new variant, %s s on the next%n",
                lastLine(tls13), lastLine(again));
        OpenSslClient.Handshake tls12 = OpenSslClient.handshake(edge.httpsPort(), "anyclient13.localhost", "-tls1_2",
                "-cert", clients.file("carol.crt"), "-key", clients.file("carol.key"));
        assertFalse(tls12.completed(), tls12.run().describe());
        for (String version : List.of("-tls1_2", "-tls1_3")) {
            OpenSslClient.Handshake open = OpenSslClient.handshake(edge.httpsPort(), "open.localhost", version);
            assertTrue(open.completed(), version + ": " + open.run().describe());
        }
    }

    @Test
    void theNarrowedNameCannotBeReachedAroundItsHandshake() {
        ClientRun noSni = Curl.run("-sS", "-i", "--http1.1", "--max-time", "10", "-k", "--tls-max", "1.2",
                "-H", "Host: tls13.localhost", "https://127.0.0.1:" + edge.httpsPort() + "/echo?e=tls13&who=no-sni");
        assertTrue(Curl.statusLine(noSni).startsWith("HTTP/1.1 421 "), noSni.describe());
        ClientRun otherSni = Curl.https(edge.httpsPort(), edge.caPath(), "open.localhost", "/echo?e=tls13&who=other-sni",
                "--tls-max", "1.2", "-H", "Host: tls13.localhost");
        assertTrue(Curl.statusLine(otherSni).startsWith("HTTP/1.1 421 "), otherSni.describe());
        assertUpstreamNeverSaw("tls13", "no-sni", "other-sni");
    }

    @Test
    void thePolicysCertificateServesItsNameAndNoOther() {
        OpenSslClient.Handshake mine = OpenSslClient.verifying(edge.httpsPort(), "own.localhost", own.caCert());
        assertTrue(mine.verified(), mine.run().describe());
        assertTrue(mine.issuer().contains("Burrow e2e operator CA"), mine.issuer());
        ClientRun curl = Curl.https(edge.httpsPort(), own.caCert(), "own.localhost", "/echo?e=own&who=curl");
        assertEquals("HTTP/1.1 200 OK", Curl.statusLine(curl), curl.describe());
        assertUpstreamSaw("own", "curl");

        OpenSslClient.Handshake other = OpenSslClient.handshake(edge.httpsPort(), "open.localhost");
        assertTrue(other.completed(), other.run().describe());
        assertFalse(other.issuer().contains("Burrow e2e operator CA"), "another name keeps the edge's certificate: " + other.issuer());
    }

    /**
     * A policy certificate that expires while bound is served until its notAfter, then the name gets the edge's own
     * certificate (here the dev CA's), with one warning in the edge's log, one line in the agent's, and its expiry in
     * /metrics all along. The certificate lives {@link #EXPIRING_LIFETIME}: the agent's start and the checks before the
     * expiry must fit in it; the wait after is derived from the certificate's own notAfter.
     */
    @Test
    void aPolicyCertificateThatExpiresWhileBoundGivesWayToTheEdgesOwn() throws IOException, InterruptedException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant notAfter = now.plus(EXPIRING_LIFETIME);
        ClientCertificatePki dated = new ClientCertificatePki(Files.createDirectories(dir.resolve("expiring")))
                .ca("expiring").dated("expiring.localhost", "expiring", now.minus(Duration.ofHours(1)), notAfter);
        Path policy = Files.writeString(dir.resolve("expiring-policy.yml"), """
                on_tcp_connect:
                  - actions:
                      - type: terminate-tls
                        config:
                """ + certificateConfig(Path.of(dated.file("expiring.localhost.crt")),
                Path.of(dated.file("expiring.localhost.key")), "          "));
        try (AgentProcess expiring = AgentProcess.http(edge, upstream.httpAddress()).name("agent-expiring")
                .url("https://expiring.localhost").arg("--traffic-policy-file", policy.toString()).start()) {
            Duration left = Duration.between(Instant.now(), notAfter);
            System.out.printf("the agent forwarded with %d ms of the certificate's %d s left%n", left.toMillis(),
                    EXPIRING_LIFETIME.toSeconds());
            assertTrue(left.toSeconds() >= 3, "the agent took too long to bind: " + left.toMillis() + " ms left");
            OpenSslClient.Handshake before = OpenSslClient.handshake(edge.httpsPort(), "expiring.localhost");
            assertTrue(before.completed(), before.run().describe());
            assertTrue(before.issuer().contains("Burrow e2e expiring client CA"), "the policy's own: " + before.issuer());
            assertEquals(notAfter.getEpochSecond(), OpsMetrics.sum(edge,
                    "burrow_certificate_expiry_seconds{name=\"expiring.localhost\",source=\"policy\"}"), 0.001);
            edge.process().awaitLine(l -> l.text().contains("WARN") && l.text().contains("terminate-tls certificate of "
                    + "expiring.localhost expires at"), Duration.ofSeconds(10), "the warning that it expires in less than 7 days");

            long wait = Duration.between(Instant.now(), notAfter.plusSeconds(1)).toMillis();
            Thread.sleep(Math.max(0, wait)); // the clock passing the certificate's notAfter is the event

            OpenSslClient.Handshake after = OpenSslClient.verifying(edge.httpsPort(), "expiring.localhost", edge.caPath());
            assertTrue(after.verified(), "the edge's own certificate, from its dev CA: " + after.run().describe());
            ClientRun curl = curl("expiring", "after-expiry");
            assertEquals("HTTP/1.1 200 OK", Curl.statusLine(curl), curl.describe());
            assertUpstreamSaw("expiring", "after-expiry");
            expiring.process().awaitLine(l -> l.text().contains("server_certificate for expiring.localhost expired at "
                    + notAfter + "; the edge serves its own certificate"), Duration.ofSeconds(10), "the agent's line");
            assertEquals(1, edge.process().output().stream().filter(l -> l.text().contains("WARN")
                    && l.text().contains("terminate-tls certificate of expiring.localhost expired at")).count(),
                    "one warning for two connections after the expiry");
            assertTrue(OpsMetrics.sum(edge, "burrow_certificate_soonest_expiry_days{source=\"policy\"}") < 0);
        }
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedAtBind() throws IOException {
        String refusal = refusedBind("mismatch", certificateConfig(own.chain(), victims.key(), "          "));
        assertTrue(refusal.contains("server_private_key is not the key of server_certificate"), refusal);
        assertNothingServed("mismatch");
    }

    /** A policy cannot serve a certificate of another tenant's name, even with that certificate's own key. */
    @Test
    void aCertificateForAnotherNameIsRefusedAtBind() throws IOException {
        String refusal = refusedBind("thief", certificateConfig(victims.chain(), victims.key(), "          "));
        assertTrue(refusal.contains("server_certificate does not name thief.localhost"), refusal);
        assertNothingServed("thief");
        OpenSslClient.Handshake victim = OpenSslClient.handshake(edge.httpsPort(), "victim.localhost");
        assertFalse(String.valueOf(victim.issuer()).contains("Burrow e2e operator CA"), victim.run().describe());
    }

    @Test
    void anExpiredCertificateIsRefusedAtBind() throws IOException {
        ClientCertificatePki dated = new ClientCertificatePki(Files.createDirectories(dir.resolve("dated")))
                .ca("old").expiredClient("expired.localhost", "old");
        String refusal = refusedBind("expired", certificateConfig(Path.of(dated.file("expired.localhost.crt")),
                Path.of(dated.file("expired.localhost.key")), "          "));
        assertTrue(refusal.contains("expired on 2020-01-02"), refusal);
        assertNothingServed("expired");
    }

    @Test
    void garbagePemIsRefusedWhenThePolicyCompiles() {
        String refusal = refusedBind("garbage", """
                          server_certificate: "-----BEGIN CERTIFICATE-----\\nbm90IGEgY2VydGlmaWNhdGU=\\n-----END CERTIFICATE-----\\n"
                          server_private_key: "-----BEGIN PRIVATE KEY-----\\nbm90IGEga2V5\\n-----END PRIVATE KEY-----\\n"
                """);
        assertTrue(refusal.contains("server_certificate: not a readable PEM certificate chain"), refusal);
        assertNothingServed("garbage");
    }

    /** Starts an agent for https://NAME.localhost whose terminate-tls config is {@code config}; the edge's refusal. */
    private String refusedBind(String name, String config) {
        Path policy;
        try {
            policy = Files.writeString(dir.resolve(name + "-policy.yml"), """
                    on_tcp_connect:
                      - actions:
                          - type: terminate-tls
                            config:
                    """ + config);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (AgentProcess refused = AgentProcess.http(edge, upstream.httpAddress()).name("agent-" + name)
                .url("https://" + name + ".localhost").arg("--traffic-policy-file", policy.toString()).shortLived().launch()) {
            assertEquals(1, refused.awaitExit(Duration.ofSeconds(30)), refused.process().tail(20));
            return String.join("\n", refused.errorLines());
        }
    }

    private void assertNothingServed(String name) {
        ClientRun run = curl(name, "after-refusal", "-k");
        assertTrue(Curl.statusLine(run).startsWith("HTTP/1.1 404 "), "no endpoint holds the name: " + run.describe());
        assertUpstreamNeverSaw(name, "after-refusal");
    }

    private ClientRun curl(String endpoint, String who, String... extra) {
        return Curl.https(edge.httpsPort(), edge.caPath(), endpoint + ".localhost", "/echo?e=" + endpoint + "&who=" + who, extra);
    }

    private static String lastLine(ClientRun run) {
        return run.stdout().substring(run.stdout().lastIndexOf('\n') + 1).strip();
    }

    private static String said(ClientRun run) {
        return run.stdout() + run.stderr();
    }

    private void assertUpstreamSaw(String endpoint, String who) {
        upstream.awaitRequest(r -> r.uri().equals("/echo?e=" + endpoint + "&who=" + who), Duration.ofSeconds(10));
    }

    private void assertUpstreamNeverSaw(String endpoint, String... who) {
        for (String name : who) {
            assertFalse(upstream.saw("/echo?e=" + endpoint + "&who=" + name), "the upstream saw " + name);
        }
    }
}
