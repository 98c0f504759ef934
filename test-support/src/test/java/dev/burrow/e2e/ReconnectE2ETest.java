package dev.burrow.e2e;

import dev.burrow.testsupport.AgentApi;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.FaultRelay;
import dev.burrow.testsupport.ManagedProcess;
import dev.burrow.testsupport.PublicHttpClient;
import dev.burrow.testsupport.Upstream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Losing the agent link and getting it back. The edge dies under a running agent (kill -9, so no go-away) and comes
 * back on the same ports and data directory; or the link goes silent without closing (a half-open connection
 * through a {@link FaultRelay}), which only heartbeats can notice. Each time the agent says so, reconnects,
 * re-binds, and the same public URL serves again.
 */
class ReconnectE2ETest extends OneEdgeE2ETest {

    /**
     * How soon after the edge is reachable again the agent must be serving. The agent retries with full-jitter
     * exponential backoff from 200 ms, capped at 30 s: an outage of a few seconds (the edge JVM restarting) already
     * puts the next delay anywhere up to 12.8 or 25.6 s, so the honest bound is the cap plus time to reconnect.
     */
    private static final Duration BACK_WITHIN = Duration.ofSeconds(35);
    /** Once the agent prints "Reconnected; forwarding resumed", the URL must serve within this. */
    private static final Duration SERVES_AFTER_RESUMED = Duration.ofSeconds(5);
    /** Heartbeat interval of edge and agent in these tests. */
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /** A dead link must be noticed within 3 intervals; 3 s of slack for a loaded machine. */
    private static final Duration DEAD_LINK_NOTICED_WITHIN = HEARTBEAT.multipliedBy(3).plusSeconds(3);

    @BeforeAll
    static void startAll() {
        startEdge(EdgeProcess.builder().name("edge-reconnect").heartbeatInterval("1s").offlineGrace("60s"), 4);
    }

    /** A test that failed between kill and restart must not take the next one down with it. */
    @BeforeEach
    void edgeIsUp() {
        if (!edge.isAlive()) {
            edge.startAgain();
        }
    }

    @Test
    void agentComesBackAtTheSameUrlAfterTheEdgeIsKilledAndRestarted() {
        String name = "e2e-reconnect";
        String host = name + "." + edge.domain();
        try (AgentProcess agent = AgentProcess.http(edge, upstream.httpAddress()).subdomain(name)
                .heartbeatInterval("1s").start()) {
            String url = agent.publicUrl();
            assertEquals(200, client.get(host, "/echo").status());

            int mark = agent.process().outputSize();
            edge.kill();
            agent.process().awaitMatch(AgentProcess.LINK_LOST_LINE, mark, Duration.ofSeconds(10));
            assertTrue(agent.isAlive(), "the agent must keep retrying, not exit");

            edge.startAgain();
            long readyAt = System.nanoTime(); // the edge is ready: from here on, coming back is the agent's job
            agent.process().awaitMatch(AgentProcess.RECONNECTED_LINE, mark, BACK_WITHIN);
            PublicHttpClient.Response resp = servesAgain(host);
            System.out.printf("kill -9: served again %.1f s after the restarted edge was ready%n",
                    (System.nanoTime() - readyAt) / 1e9);
            assertEquals(Upstream.UPSTREAM_HEADER_VALUE, resp.header(Upstream.UPSTREAM_HEADER));

            assertEquals(url, AgentApi.tunnels(agent).getJsonObject(0).getString("public_url"),
                    "the agent's API still shows the same public URL");
            assertEquals(edge.publicHttpUrl(name), url);
        }
    }

    @Test
    void aSilentlyDeadLinkIsNoticedByHeartbeatsAndTheAgentComesBack() {
        String name = "e2e-halfopen";
        String host = name + "." + edge.domain();
        try (FaultRelay relay = FaultRelay.to(edge.tunnelPort());
             AgentProcess agent = AgentProcess.http(edge, upstream.httpAddress()).subdomain(name)
                     .server(relay.address()).heartbeatInterval("1s").start()) {
            String url = agent.publicUrl();
            assertEquals(200, client.get(host, "/echo").status());

            int mark = agent.process().outputSize();
            long frozenAt = System.nanoTime();
            relay.freeze(); // no FIN, no RST: only the missing heartbeats tell
            agent.process().awaitMatch(AgentProcess.LINK_LOST_LINE, mark, DEAD_LINK_NOTICED_WITHIN);
            System.out.printf("half-open: the agent noticed after %.1f s%n", (System.nanoTime() - frozenAt) / 1e9);

            // the edge notices too, and keeps the name as offline
            PublicHttpClient.Response offline = Await.eventually(() -> {
                PublicHttpClient.Response r = client.get(host, "/echo");
                assertEquals(502, r.status(), r.bodyText());
                return r;
            }, DEAD_LINK_NOTICED_WITHIN, Duration.ofMillis(200));
            assertTrue(offline.bodyText().toLowerCase(Locale.ROOT).contains("offline"), offline.bodyText());
            System.out.printf("half-open: the edge answered 502 offline after %.1f s%n",
                    (System.nanoTime() - frozenAt) / 1e9);

            relay.heal();
            long healedAt = System.nanoTime();
            agent.process().awaitMatch(AgentProcess.RECONNECTED_LINE, mark, BACK_WITHIN);
            servesAgain(host);
            System.out.printf("half-open: served again %.1f s after the relay healed%n",
                    (System.nanoTime() - healedAt) / 1e9);
            assertEquals(url, AgentApi.tunnels(agent).getJsonObject(0).getString("public_url"));
        }
    }

    private static PublicHttpClient.Response servesAgain(String host) {
        return Await.eventually(() -> {
            PublicHttpClient.Response r = client.get(host, "/echo");
            assertEquals(200, r.status(), r.bodyText());
            return r;
        }, SERVES_AFTER_RESUMED, Duration.ofMillis(100));
    }

    /**
     * An agent started while its edge is down says so and keeps retrying (it does not exit), then serves as soon as
     * the edge is up.
     */
    @Test
    void anAgentStartedWhileTheEdgeIsDownRetriesVisiblyAndServesOnceItIsUp() {
        String name = "e2e-early";
        String host = name + "." + edge.domain();
        edge.kill();
        try (AgentProcess agent = AgentProcess.http(edge, upstream.httpAddress()).subdomain(name)
                .heartbeatInterval("1s").launch()) {
            ManagedProcess.OutputLine retrying = agent.process().awaitLine(
                    l -> l.text().startsWith("Cannot reach the edge at " + edge.serverAddress()) && l.text().contains("retrying in"),
                    Duration.ofSeconds(20), "the agent's \"Cannot reach the edge … retrying in …\" line");
            assertTrue(agent.isAlive(), "the agent must keep retrying, not exit: " + retrying.text());
            edge.startAgain();
            agent.awaitForwarding(BACK_WITHIN);
            assertEquals("http://" + edge.hostHeader(name), agent.publicUrl());
            PublicHttpClient.Response response = client.get(host, "/echo");
            assertEquals(200, response.status());
        }
    }
}
