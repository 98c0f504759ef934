package dev.burrow.e2e;

import dev.burrow.testsupport.AgentApi;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.PublicHttpClient;
import dev.burrow.testsupport.Upstream;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The edge dies under a running agent (kill -9, so no go-away) and comes back on the same ports and data directory:
 * the agent notices, says so, reconnects, re-binds, and the same public URL serves again.
 */
@ExtendWith(ProcessLogsOnFailure.class)
class ReconnectE2ETest {

    private static final String NAME = "e2e-reconnect";
    private static final Duration BACK_WITHIN = Duration.ofSeconds(15);

    private Vertx vertx;
    private Upstream upstream;
    private EdgeProcess edge;
    private AgentProcess agent;
    private PublicHttpClient client;

    @BeforeEach
    void startAll() {
        vertx = Vertx.vertx();
        upstream = Upstream.start(vertx);
        edge = EdgeProcess.builder().name("edge-reconnect").heartbeatInterval("1s").start();
        agent = AgentProcess.http(edge, upstream.httpAddress()).subdomain(NAME).heartbeatInterval("1s").start();
        client = new PublicHttpClient(vertx, edge.httpPort(), 4);
    }

    @AfterEach
    void stopAll() {
        Closeables.closeAll(client, agent, edge, upstream, Closeables.of(vertx));
    }

    @Test
    void agentComesBackAtTheSameUrlAfterTheEdgeIsKilledAndRestarted() {
        String host = NAME + "." + edge.domain();
        String url = agent.publicUrl();
        assertEquals(200, client.get(host, "/echo").status());

        int mark = agent.process().outputSize();
        edge.kill();
        agent.process().awaitMatch(AgentProcess.LINK_LOST_LINE, mark, Duration.ofSeconds(10));
        assertTrue(agent.isAlive(), "the agent must keep retrying, not exit");

        edge.startAgain();
        long restartedAt = System.nanoTime(); // the edge is ready: from here on, coming back is the agent's job
        agent.process().awaitMatch(AgentProcess.RECONNECTED_LINE, mark, BACK_WITHIN);
        PublicHttpClient.Response resp = Await.eventually(() -> {
            PublicHttpClient.Response r = client.get(host, "/echo");
            assertEquals(200, r.status(), r.bodyText());
            return r;
        }, BACK_WITHIN, Duration.ofMillis(100));
        System.out.printf("served again %.1f s after the restarted edge was ready%n", (System.nanoTime() - restartedAt) / 1e9);
        assertEquals(Upstream.UPSTREAM_HEADER_VALUE, resp.header(Upstream.UPSTREAM_HEADER));

        assertEquals(url, AgentApi.tunnels(agent).getJsonObject(0).getString("public_url"),
                "the agent's API still shows the same public URL");
        assertEquals(edge.publicHttpUrl(NAME), url);
    }
}
