package dev.burrow.e2e;

import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.Forwarder;
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

import io.vertx.core.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a user sees when something is wrong: a bad authtoken, a taken hostname, an untrusted edge certificate (each
 * one {@code ERROR:} line, exit code 1, no stack trace), an upstream that is down (502 naming it), an agent that
 * vanished (502 "offline" while the edge's offline grace lasts), and, by contrast, an agent stopped cleanly or whose
 * token was revoked (its name free at once: 404, and another tenant may bind it). One edge for the class; an agent
 * per case.
 */
class AgentFailuresE2ETest extends OneEdgeE2ETest {

    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(25);
    /**
     * A stopped or revoked agent's name is bound by another session within this: measured 1.5 s from SIGTERM on a
     * 2-core machine at load 20 (0.8 s until the name answered 404, 0.7 s for the new bind); the offline grace it
     * replaces is 60 s here.
     */
    private static final Duration FREE_BOUND = Duration.ofSeconds(3);

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

    /**
     * SIGTERM with an exchange in flight: the agent says goodbye, so the name is free at once (visitors get 404, and a
     * session of another tenant binds it), while the exchange in flight still completes intact; then the agent exits.
     */
    @Test
    void aCleanStopFreesTheNameAtOnceAndFinishesTheExchangeInFlight() throws Exception {
        String name = "e2e-clean-stop";
        String host = name + "." + edge.domain();
        edge.admin().createTenant("stop-other", 0, 0, 0);
        BurrowSession other = otherSession(edge.admin().issueToken("stop-other").getString("token"));
        try (AgentProcess agent = AgentProcess.http(edge, upstream.httpAddress()).name("agent-clean-stop").subdomain(name).start()) {
            assertEquals(200, client.get(host, "/echo").status());
            int size = 200_000;
            Future<PublicHttpClient.Download> inFlight = client.download(host, "/slow?hold=1&n=" + size);
            Await.until(() -> upstream.requests().stream().anyMatch(r -> r.uri().startsWith("/slow?hold=1")),
                    Duration.ofSeconds(10), Duration.ofMillis(20), () -> "the slow exchange never reached the upstream");

            long stopped = System.nanoTime();
            agent.process().terminate();
            List<Integer> seen = statusesUntilNot200(host);
            long freed = System.nanoTime();
            assertEquals(404, seen.get(seen.size() - 1), "visitors of a stopped agent's name get 404, not " + seen);
            Forwarder taken = bindWithin(other, name, Duration.ofSeconds(10));
            long bound = System.nanoTime();
            assertEquals(edge.publicHttpUrl(name), taken.publicUrl());
            assertEquals(200, client.get(host, "/echo").status(), "the other tenant's agent serves the name");
            assertTrue(agent.isAlive(), "the stopping agent still finishes its exchange in flight");

            upstream.releaseHeld();
            PublicHttpClient.Download download = Await.result(inFlight, Duration.ofSeconds(20), "the exchange in flight");
            assertEquals(200, download.status());
            assertEquals(size, download.verifier().count(), "the exchange in flight completed with every byte");
            assertEquals(-1, download.verifier().firstMismatch());
            agent.awaitExit(Duration.ofSeconds(20));
            long exited = System.nanoTime();
            System.out.printf("clean stop: after SIGTERM the name answered 404 after %d ms, another tenant bound it %d ms "
                            + "after SIGTERM; the exchange in flight then completed and the agent exited %d ms after SIGTERM%n",
                    (freed - stopped) / 1_000_000, (bound - stopped) / 1_000_000, (exited - stopped) / 1_000_000);
            assertTrue((bound - stopped) / 1_000_000 < FREE_BOUND.toMillis(), "the name was free only after "
                    + (bound - stopped) / 1_000_000 + " ms");
        } finally {
            Await.result(other.close(), Duration.ofSeconds(15), "close the other session");
        }
    }

    /** A revoked token ends its session for good: the name is free at once, for anyone, without the offline grace. */
    @Test
    void aRevokedTokensNameIsFreeAtOnce() throws Exception {
        String name = "e2e-revoked";
        String host = name + "." + edge.domain();
        edge.admin().createTenant("revoked-t", 0, 0, 0);
        io.vertx.core.json.JsonObject token = edge.admin().issueToken("revoked-t");
        BurrowSession other = otherSession(edge.authtoken());
        try (AgentProcess agent = AgentProcess.http(edge, upstream.httpAddress()).name("agent-revoked")
                .authtoken(token.getString("token")).subdomain(name).start()) {
            assertEquals(200, client.get(host, "/echo").status());
            long revoked = System.nanoTime();
            assertEquals(200, edge.admin().delete("/tenants/revoked-t/tokens/" + token.getString("id")).status());
            List<Integer> seen = statusesUntilNot200(host);
            assertEquals(404, seen.get(seen.size() - 1), "visitors of a revoked agent's name get 404, not " + seen);
            bindWithin(other, name, Duration.ofSeconds(10));
            long bound = System.nanoTime();
            assertEquals(1, agent.awaitExit(EXIT_TIMEOUT), agent.process().tail(20));
            System.out.printf("revoked token: its name was bound by another tenant %d ms after the revocation%n",
                    (bound - revoked) / 1_000_000);
            assertTrue((bound - revoked) / 1_000_000 < FREE_BOUND.toMillis(), "the name was free only after "
                    + (bound - revoked) / 1_000_000 + " ms");
        } finally {
            Await.result(other.close(), Duration.ofSeconds(15), "close the other session");
        }
    }

    private static BurrowSession otherSession(String authtoken) {
        return Await.result(BurrowSession.builder(vertx).serverAddress(edge.serverAddress()).authtoken(authtoken)
                .edgeCa(edge.caPath()).links(1).connect(), Duration.ofSeconds(20), "connect another agent session");
    }

    /** GETs {@code host} until it stops answering 200 (at most 10 s); every status seen, the last one not 200. */
    private static List<Integer> statusesUntilNot200(String host) {
        List<Integer> seen = new java.util.ArrayList<>();
        Await.until(() -> {
            int status = client.get(host, "/echo").status();
            seen.add(status);
            return status != 200;
        }, Duration.ofSeconds(10), Duration.ofMillis(10), () -> "still served: " + seen);
        return seen;
    }

    /** Binds {@code name} on {@code session}, retrying a refusal every 20 ms until {@code bound}. */
    private static Forwarder bindWithin(BurrowSession session, String name, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            try {
                return Await.result(session.httpEndpoint().subdomain(name).forward("http://" + upstream.httpAddress()),
                        Duration.ofSeconds(10), "bind " + name);
            } catch (RuntimeException | AssertionError refused) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(name + " was not free " + bound + " after the agent stopped", refused);
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
            }
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
