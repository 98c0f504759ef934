package dev.burrow.e2e;

import dev.burrow.testsupport.AgentApi;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ManagedProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.tools.ClientCertificatePki;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.Curl;
import dev.burrow.testsupport.tools.OpenSslClient;
import dev.burrow.testsupport.tools.PythonHttpServer;
import dev.burrow.testsupport.tools.Tools;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Certificate revocation lists for mutual TLS, with software none of us wrote: openssl makes the CA, the client
 * certificates and the CRLs ({@code openssl ca -revoke}, {@code -gencrl}), curl and {@code openssl s_client} are the
 * visitors, and {@code python3 -m http.server} is the upstream whose log shows what reached it. bob's certificate is
 * revoked, alice's is not. The CRLs come from the agent's {@code --mutual-tls-crls} (DER), a config file's
 * {@code mutual_tls_crls} (PEM), and a policy's {@code mutual_tls_crls} added by an update through the agent API.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MutualTlsRevocationE2ETest {
    private static final String TRUSTED = "CN=Burrow e2e trusted client CA";

    private Path pki;
    private ClientCertificatePki certificates;
    private PythonHttpServer python;
    private EdgeProcess edge;
    private AgentProcess flagged;
    private AgentProcess configured;

    @BeforeAll
    void start() throws IOException {
        Tools.assumeInstalled("curl", "openssl", "python3");
        pki = Files.createTempDirectory("burrow-crl-");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        certificates = new ClientCertificatePki(pki).ca("trusted").ca("other").client("alice", "trusted").client("bob", "trusted")
                .revoke("bob", "trusted").crl("trusted.crl", "trusted", now.minus(1, ChronoUnit.HOURS), now.plus(2, ChronoUnit.DAYS))
                .der("trusted.crl", "trusted.der")
                .crl("expired.crl", "trusted", Instant.parse("2020-01-01T00:00:00Z"), Instant.parse("2020-01-02T00:00:00Z"))
                .crl("other.crl", "other", now.minus(1, ChronoUnit.HOURS), now.plus(2, ChronoUnit.DAYS));
        Path site = Files.createDirectories(pki.resolve("site"));
        Files.writeString(site.resolve("hello.txt"), "hello from python\n");
        python = PythonHttpServer.serve(site);
        edge = EdgeProcess.builder().name("edge-crl").start();
        flagged = AgentProcess.http(edge, python.address()).name("agent-crl-flag").url("https://revoking.localhost")
                .arg("--mutual-tls-cas", file("trusted.crt"), "--mutual-tls-crls", file("trusted.der")).start();
        Path config = Files.writeString(pki.resolve("burrow.yml"), config());
        configured = AgentProcess.startAll(edge).name("agent-crl-config").startTimeout(Duration.ofMinutes(2))
                .arg("--config", config.toString()).start();
        Await.until(() -> configured.process().stdoutLines().stream()
                        .filter(l -> AgentProcess.FORWARDING_LINE.matcher(l).find()).distinct().count() >= 5,
                Duration.ofSeconds(60), Duration.ofMillis(50), () -> "the agent did not forward:\n" + configured.process().tail(30));
    }

    /**
     * Three endpoints whose policy has the CAs and no CRL yet, one with the config file's CAs and CRLs, and one that
     * trusts the other CA only.
     */
    private String config() {
        String policy = terminateTls().indent(6);
        return """
                version: 1
                agent:
                  inspect: false
                endpoints:
                  - name: updated
                    url: https://updated.localhost
                    upstream: %1$s
                    traffic_policy:
                %2$s  - name: expiring
                    url: https://expiring.localhost
                    upstream: %1$s
                    traffic_policy:
                %2$s  - name: resumed
                    url: https://resumed.localhost
                    upstream: %1$s
                    traffic_policy:
                %2$s  - name: filecrls
                    url: https://filecrls.localhost
                    upstream: %1$s
                    mutual_tls_cas: trusted.crt
                    mutual_tls_crls: trusted.crl
                  - name: othercas
                    url: https://othercas.localhost
                    upstream: %1$s
                    mutual_tls_cas: other.crt
                """.formatted(python.address(), policy);
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(flagged, configured, edge, python);
    }

    @Test
    void aRevokedCertificateGetsTheCertificateRevokedAlertAndTheUpstreamSeesNothing() {
        for (String name : new String[] {"revoking.localhost", "filecrls.localhost"}) {
            ClientRun alice = curl(name, "/hello.txt?who=alice-" + name, "alice");
            assertServed(alice);
            ClientRun bob = curl(name, "/hello.txt?who=bob-" + name, "bob");
            assertNotEquals(0, bob.exitCode(), bob.describe());
            assertTrue(bob.stdout().isEmpty(), "no HTTP response at all: " + bob.describe());
            assertTrue(bob.stderr().contains("alert certificate revoked"), bob.describe());
        }
        OpenSslClient.Handshake tls12 = OpenSslClient.handshake(edge.httpsPort(), "revoking.localhost", "-tls1_2",
                "-cert", file("bob.crt"), "-key", file("bob.key"));
        String said = tls12.run().stdout() + tls12.run().stderr();
        assertTrue(said.contains("alert certificate revoked") && said.contains("SSL alert number 44"), tls12.run().describe());
        awaitUpstreamLogged("who=alice-filecrls.localhost");
        assertUpstreamNeverSaw("who=bob");
    }

    @Test
    void aPolicyUpdateThatAddsTheCrlTakesEffectForNewConnections() {
        assertServed(curl("updated.localhost", "/hello.txt?before=bob", "bob"));
        HttpResponse<String> put = putPolicy("updated", terminateTls("trusted.crl"));
        assertEquals(200, put.statusCode(), put.body());
        ClientRun bob = curl("updated.localhost", "/hello.txt?after=bob", "bob");
        assertTrue(bob.stderr().contains("alert certificate revoked"), bob.describe());
        assertServed(curl("updated.localhost", "/hello.txt?after=alice", "alice"));
        awaitUpstreamLogged("after=alice");
        assertUpstreamNeverSaw("after=bob");
    }

    @Test
    void expiredUnsignedAndGarbageCrlsAreRefusedWithOneSentence() throws IOException {
        assertPolicyRefused(terminateTls("expired.crl"), "terminate-tls: mutual_tls_crls: the CRL of " + TRUSTED
                + " expired at 2020-01-02T00:00:00Z (its nextUpdate); give a fresh one");
        assertPolicyRefused(terminateTls("other.crl"), "terminate-tls: mutual_tls_crls: the CRL of CN=Burrow e2e other "
                + "client CA is not from any of the mutual TLS CAs; give the CRLs of those CAs only");
        Files.writeString(pki.resolve("garbage.crl"), "-----BEGIN X509 CRL-----\nbm90IGEgQ1JM\n-----END X509 CRL-----\n");
        assertPolicyRefused(terminateTls("garbage.crl"), "terminate-tls: mutual_tls_crls: not a readable CRL");

        assertAgentRefused("expired.crl", "--mutual-tls-crls " + file("expired.crl") + ": the CRL of " + TRUSTED
                + " expired at 2020-01-02T00:00:00Z (its nextUpdate); give a fresh one");
        assertAgentRefused("garbage.crl", "--mutual-tls-crls " + file("garbage.crl") + ": not a readable CRL");
    }

    /**
     * Neither failing open (the revoked certificate back in) nor failing closed (every visitor out): a CRL that passes its
     * nextUpdate while bound is still applied, and the edge says so once.
     */
    @Test
    void aCrlThatExpiresWhileBoundIsStillAppliedAndLoggedOnce() {
        Instant nextUpdate = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(8);
        certificates.crl("soon.crl", "trusted", nextUpdate.minus(1, ChronoUnit.HOURS), nextUpdate);
        HttpResponse<String> put = putPolicy("expiring", terminateTls("soon.crl"));
        assertEquals(200, put.statusCode(), "taken before its nextUpdate " + nextUpdate + ": " + put.body());
        Await.until(() -> Instant.now().isAfter(nextUpdate.plusMillis(500)), Duration.ofSeconds(15), Duration.ofMillis(100),
                () -> "the clock did not pass " + nextUpdate);
        for (int i = 0; i < 2; i++) {
            ClientRun bob = curl("expiring.localhost", "/hello.txt?expired=bob-" + i, "bob");
            assertTrue(bob.stderr().contains("alert certificate revoked"), bob.describe());
        }
        assertServed(curl("expiring.localhost", "/hello.txt?expired=alice", "alice"));
        String warning = "mutual TLS of expiring.localhost: the CRL of " + TRUSTED + " expired at " + nextUpdate;
        edge.process().awaitLine(line -> line.text().contains(warning), Duration.ofSeconds(10), "the expiry warning");
        awaitUpstreamLogged("expired=alice");
        assertEquals(1, edge.process().output().stream().filter(line -> line.text().contains(warning)).count(),
                "logged once: " + edge.process().tail(20));
        assertUpstreamNeverSaw("expired=bob");
    }

    /** A 200 with python's file (the edge answers in its own HTTP version, python in 1.0). */
    private static void assertServed(ClientRun run) {
        assertTrue(Curl.statusLine(run).matches("HTTP/1\\.[01] 200 OK"), run.describe());
        assertTrue(run.stdout().endsWith("hello from python\n"), run.describe());
    }

    /**
     * A TLS 1.2 session of bob's made before the CRL was added, resumed after (openssl s_client -sess_out, -sess_in): a
     * resumed handshake checks no certificate, so each new connection's certificate is looked up in the CRLs again.
     */
    @Test
    void aSessionOfARevokedCertificateResumedAfterTheUpdateIsNotServed() {
        Path session = pki.resolve("bob-session.pem");
        String before = sessionGet("resumed.localhost", "/hello.txt?session=bob-before", "bob", "-tls1_2", "-sess_out", session.toString());
        assertTrue(before.contains(" 200 OK"), before);
        assertEquals(200, putPolicy("resumed", terminateTls("trusted.crl")).statusCode());
        String after = sessionGet("resumed.localhost", "/hello.txt?session=bob-after", "bob", "-tls1_2", "-sess_in", session.toString());
        assertTrue(after.contains("Reused, TLSv1.2"), "the session was resumed: " + after);
        assertFalse(after.contains("HTTP/1.1 "), "closed without an answer: " + after);
        assertUpstreamNeverSaw("session=bob-after");
    }

    /** A session alice made for a name of her CA, resumed naming one that trusts another CA only: not served. */
    @Test
    void aSessionResumedForAnotherNameMeetsThatNamesCas() {
        for (String version : new String[] {"-tls1_2", "-tls1_3"}) {
            Path session = pki.resolve("alice-session" + version + ".pem");
            String made = sessionGet("filecrls.localhost", "/hello.txt?cross=made" + version, "alice", version, "-sess_out", session.toString());
            assertTrue(made.contains(" 200 OK"), made);
            String resumed = sessionGet("othercas.localhost", "/hello.txt?cross=resumed" + version, "alice", version,
                    "-sess_in", session.toString());
            assertTrue(resumed.contains("Reused, " + (version.equals("-tls1_2") ? "TLSv1.2" : "TLSv1.3")), "resumed: " + resumed);
            assertFalse(resumed.contains("HTTP/1.1 "), "closed without an answer: " + resumed);
        }
        awaitUpstreamLogged("cross=made-tls1_3");
        assertUpstreamNeverSaw("cross=resumed");
    }

    /** One request through {@code openssl s_client} as {@code client} naming {@code name}; what it printed. */
    private String sessionGet(String name, String path, String client, String version, String... sessionArgs) {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(Tools.require("openssl").toString(),
                "s_client", "-connect", "127.0.0.1:" + edge.httpsPort(), "-servername", name, version,
                "-cert", file(client + ".crt"), "-key", file(client + ".key"), "-ign_eof"));
        command.addAll(java.util.List.of(sessionArgs));
        String request = "GET " + path + " HTTP/1.1\\r\\nHost: " + name + "\\r\\nConnection: close\\r\\n\\r\\n";
        ClientRun run = ClientRun.run(java.util.List.of("bash", "-c", "printf '" + request + "' | " + String.join(" ", command)),
                Duration.ofSeconds(15));
        return run.stdout() + run.stderr();
    }

    private void assertPolicyRefused(String policy, String sentence) {
        HttpResponse<String> put = putPolicy("updated", policy);
        assertEquals(400, put.statusCode(), put.body());
        String message = new JsonObject(put.body()).getString("msg");
        assertTrue(message.contains(sentence), message);
    }

    private void assertAgentRefused(String crl, String sentence) {
        try (AgentProcess refused = AgentProcess.http(edge, python.address()).name("agent-crl-refused")
                .url("https://refused.localhost").arg("--mutual-tls-cas", file("trusted.crt"), "--mutual-tls-crls", file(crl))
                .shortLived().launch()) {
            assertEquals(2, refused.awaitExit(Duration.ofSeconds(30)), "a usage error: " + refused.process().tail(20));
            assertTrue(String.join("\n", refused.errorLines()).contains(sentence), refused.process().tail(20));
        }
    }

    /** A terminate-tls with the trusted CA and the CRL files {@code crls}, as policy YAML. */
    private String terminateTls(String... crls) {
        StringBuilder config = new StringBuilder("{mutual_tls_certificate_authorities: [" + quoted("trusted.crt") + "]");
        if (crls.length > 0) {
            config.append(", mutual_tls_crls: [");
            for (int i = 0; i < crls.length; i++) {
                config.append(i == 0 ? "" : ", ").append(quoted(crls[i]));
            }
            config.append(']');
        }
        return "on_tcp_connect:\n  - actions: [{type: terminate-tls, config: " + config + "}}]\n";
    }

    /** A file of the PKI as one double-quoted YAML string. */
    private String quoted(String name) {
        try {
            return "\"" + Files.readString(pki.resolve(name)).strip().replace("\n", "\\n") + "\"";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> putPolicy(String endpoint, String policy) {
        return AgentApi.call(configured, "PUT", "/api/endpoints/" + endpoint, new JsonObject().put("traffic_policy", policy).encode());
    }

    private ClientRun curl(String name, String path, String client) {
        return Curl.https(edge.httpsPort(), edge.caPath(), name, path, "--cert", file(client + ".crt"), "--key", file(client + ".key"));
    }

    /** http.server logs each request line on stderr once it has answered it. */
    private void awaitUpstreamLogged(String query) {
        python.process().awaitLine(line -> line.text().contains(query), Duration.ofSeconds(10), "the upstream's log of " + query);
    }

    private void assertUpstreamNeverSaw(String query) {
        assertTrue(python.process().output().stream().map(ManagedProcess.OutputLine::text).noneMatch(text -> text.contains(query)),
                "the upstream saw a revoked visitor: " + python.process().tail(20));
    }

    private String file(String name) {
        return certificates.file(name);
    }
}
