package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.FreePorts;
import dev.burrow.testsupport.PublicHttpClient;
import dev.burrow.testsupport.TestCertificates;
import dev.burrow.testsupport.Upstream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user sees when something is wrong: a bad authtoken, a taken hostname, an untrusted edge certificate (each
 * one {@code ERROR:} line, exit code 1, no stack trace), an upstream that is down (502 naming it), an agent that
 * vanished (502 "offline" while the edge's offline grace lasts). One edge for the class; an agent per case.
 */
class AgentFailuresE2ETest extends OneEdgeE2ETest {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(25);

    @BeforeAll
    static void startAll() {
        startEdge(EdgeProcess.builder().name("edge-failures").offlineGrace("60s"), 8);
    }

    /** Exit code 1, exactly one ERROR: line that satisfies {@code check}, no stack trace anywhere. */
    private static String assertFailsWithOneErrorLine(AgentProcess agent) {
        int code = agent.awaitExit(EXIT_TIMEOUT);
        assertEquals(1, code, "exit code\n" + agent.process().tail(30));
        List<String> errors = agent.errorLines();
        assertEquals(1, errors.size(), "expected exactly one 'ERROR: ' line, got " + errors + "\n" + agent.process().tail(30));
        assertTrue(agent.process().stderrLines().contains(errors.get(0)), "the ERROR: line belongs on stderr");
        assertEquals(List.of(), agent.stackTraceLines(), "no stack trace for a user error");
        assertEquals(List.of(), agent.libraryLogLines(), "no library log lines for a user error");
        return errors.get(0);
    }

    @Test
    void wrongAuthtokenExitsWithOneLineAboutTheAuthtoken() {
        try (AgentProcess agent = AgentProcess.http(edge, upstream.httpAddress()).name("agent-wrong-token").shortLived()
                .authtoken("not-the-right-token-" + System.nanoTime()).launch()) {
            String error = assertFailsWithOneErrorLine(agent);
            assertTrue(error.toLowerCase(Locale.ROOT).contains("authtoken"), error);
            assertTrue(error.endsWith("the authtoken came from --authtoken: check it there"), "names where the token came from: " + error);
        }
    }

    @Test
    void secondAgentForTheSameSubdomainIsRefusedAndTheFirstKeepsServing() {
        String name = "e2e-taken";
        try (AgentProcess first = AgentProcess.http(edge, upstream.httpAddress()).subdomain(name).start();
             AgentProcess second = AgentProcess.http(edge, upstream.httpAddress()).subdomain(name)
                     .name("agent-collision").shortLived().launch()) {
            String error = assertFailsWithOneErrorLine(second);
            assertTrue(error.contains(name), "the line should name the hostname: " + error);
            String lower = error.toLowerCase(Locale.ROOT);
            assertTrue(lower.contains("in use") || lower.contains("already") || lower.contains("taken"),
                    "the line should say the hostname is taken: " + error);

            assertTrue(first.isAlive());
            PublicHttpClient.Response resp = client.get(name + "." + edge.domain(), "/echo");
            assertEquals(200, resp.status(), resp.bodyText());
            assertEquals(Upstream.UPSTREAM_HEADER_VALUE, resp.header(Upstream.UPSTREAM_HEADER));
        }
    }

    @Test
    void withoutEdgeCaTheEdgeCertificateIsNotTrusted() {
        try (AgentProcess agent = AgentProcess.http(edge, upstream.httpAddress()).name("agent-no-ca").shortLived()
                .withoutEdgeCa().launch()) {
            String error = assertFailsWithOneErrorLine(agent);
            assertTrue(error.contains("--edge-ca"), "the line should point to --edge-ca: " + error);
        }
    }

    @Test
    void withAnUnrelatedCaTheEdgeCertificateIsNotTrusted(@TempDir Path tmp) {
        Path wrongCa = TestCertificates.writeUnrelatedCa(tmp.resolve("other-ca.pem"));
        try (AgentProcess agent = AgentProcess.http(edge, upstream.httpAddress()).name("agent-wrong-ca").shortLived()
                .edgeCa(wrongCa).launch()) {
            String error = assertFailsWithOneErrorLine(agent);
            assertTrue(error.contains("--edge-ca"), "the line should point to --edge-ca: " + error);
        }
    }

    @Test
    void upstreamDownIs502NamingTheUpstreamAddress() {
        int closed = FreePorts.closedPort();
        String address = "127.0.0.1:" + closed;
        String name = "e2e-down";
        try (AgentProcess agent = AgentProcess.http(edge, address).subdomain(name).start()) {
            PublicHttpClient.Response resp = client.get(name + "." + edge.domain(), "/anything");
            assertEquals(502, resp.status(), resp.bodyText());
            assertTrue(resp.bodyText().contains(address), "502 body should name the upstream " + address + ": "
                    + resp.bodyText());
            assertTrue(agent.isAlive(), "a refused upstream must not take the agent down");
            assertEquals(List.of(), agent.libraryLogLines(), "a closed upstream is no library's news");
        }
    }

    @Test
    void agentGoneIs502OfflineWithinTheGrace() {
        String name = "e2e-gone";
        String host = name + "." + edge.domain();
        try (AgentProcess agent = AgentProcess.http(edge, upstream.httpAddress()).subdomain(name).start()) {
            assertEquals(200, client.get(host, "/echo").status());
            agent.kill(); // kill -9: the link drops, no unbind
        }
        // the edge notices the dropped link (the kernel closes the socket) and keeps the name as offline
        PublicHttpClient.Response resp = Await.eventually(() -> {
            PublicHttpClient.Response r = client.get(host, "/echo");
            assertNotEquals(200, r.status(), "still served after the agent died");
            return r;
        }, Duration.ofSeconds(10), Duration.ofMillis(100));
        assertEquals(502, resp.status(), resp.bodyText());
        assertTrue(resp.bodyText().toLowerCase(Locale.ROOT).contains("offline"),
                "502 should say the agent is offline: " + resp.bodyText());
        assertEquals(null, resp.header(Upstream.UPSTREAM_HEADER));
    }
}
