package dev.burrow.tenancy;

import dev.burrow.testsupport.AdminClient;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.cluster.EdgeCluster;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tenancy across a two-node cluster (separate JVMs): a reservation made through node 0's admin API binds on node 1;
 * node 0 lists a session whose only link is on node 1; revoking its token through node 0 closes it on node 1 and the
 * agent exits.
 */
@ExtendWith(ProcessLogsOnFailure.class)
class TenancyClusterE2ETest {
    private static Upstream upstream;
    private static EdgeCluster cluster;

    @BeforeAll
    static void startAll() {
        upstream = Upstream.start();
        cluster = EdgeCluster.start(2, "1s");
    }

    @AfterAll
    static void stopAll() {
        Closeables.closeAll(cluster, upstream);
    }

    @Test
    void namesSessionsAndRevocationsAreClusterWide() throws Exception {
        AdminClient node0 = cluster.node(0).admin();
        node0.createTenant("owner", 0, 0, 0);
        node0.createTenant("other", 0, 0, 0);
        node0.reserve("owner", "kept." + cluster.node(0).domain());
        JsonObject ownerToken = node0.issueToken("owner");
        String otherToken = node0.issueToken("other").getString("token");

        try (AgentProcess intruder = AgentProcess.http(cluster.node(1), upstream.httpAddress()).name("agent-other-on-1")
                .authtoken(otherToken).subdomain("kept").arg("--links", "1").shortLived().launch()) {
            assertEquals(1, intruder.awaitExit(Duration.ofSeconds(30)), intruder.process().tail(20));
            assertTrue(intruder.errorLines().toString().contains("reserved by another account"), intruder.errorLines().toString());
        }

        try (AgentProcess owner = AgentProcess.http(cluster.node(1), upstream.httpAddress()).name("agent-owner-on-1")
                .authtoken(ownerToken.getString("token")).subdomain("kept").arg("--links", "1").start()) {
            JsonArray sessions = node0.get("/tenants/owner/sessions").json().getJsonArray("sessions");
            assertEquals(1, sessions.size(), sessions.encode());
            assertEquals("node1", sessions.getJsonObject(0).getString("node"), "the session's link is on node 1");
            assertEquals(1, cluster.node(1).admin().get("/tenants/owner/endpoints").json().getJsonArray("endpoints").size());

            long started = System.nanoTime();
            assertEquals(200, node0.delete("/tenants/owner/tokens/" + ownerToken.getString("id")).status());
            assertEquals(1, owner.awaitExit(Duration.ofSeconds(15)), owner.process().tail(20));
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            System.out.printf("revoked on node 0; the agent linked to node 1 exited after %d ms%n", tookMs);
            List<String> errors = owner.errorLines();
            assertTrue(errors.toString().contains("revoked"), errors.toString());
        }
    }
}
