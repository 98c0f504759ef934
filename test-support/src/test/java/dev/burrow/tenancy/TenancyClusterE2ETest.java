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
 * agent exits; an operator's traffic policy set through node 0 is enforced by node 1, and by node 0 on what it relays;
 * a forward-internal on node 0 reaches an internal endpoint of the same tenant whose agent is linked to node 1 only; an
 * exchange node 0 relays to node 1 carries its policy trail to the agent's inspector.
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

    @Test
    void anOperatorPolicySetThroughOneNodeIsEnforcedByEveryNode() throws Exception {
        dev.burrow.testsupport.tools.Tools.assumeInstalled("curl");
        AdminClient node0 = cluster.node(0).admin();
        String policy = "on_http_request:\n  - name: blocked clients\n    expressions: [\"hasReqHeader('x-blocked')\"]\n"
                + "    actions: [{type: deny, config: {status_code: 451}}]\n";
        try (AgentProcess agent = AgentProcess.http(cluster.node(1), upstream.httpAddress()).name("agent-policed-on-1")
                .subdomain("policed").arg("--links", "1").start()) {
            assertEquals(200, status(1, "policed"), "no policy yet");
            long started = System.nanoTime();
            assertEquals(200, node0.send("PUT", "/policy", policy, "Bearer " + cluster.node(0).adminToken()).status());
            long stored = System.nanoTime();
            dev.burrow.testsupport.Await.until(() -> status(1, "policed") == 451, Duration.ofSeconds(10), Duration.ofMillis(20),
                    () -> "node 1 does not enforce the cluster policy set through node 0");
            System.out.printf("cluster policy: PUT on node 0 answered after %d ms; node 1 enforced it %d ms later%n",
                    (stored - started) / 1_000_000, (System.nanoTime() - stored) / 1_000_000);
            assertEquals(451, status(0, "policed"), "node 0 relays to node 1's agent, under the same policy");
            assertEquals(200, node0.delete("/policy").status());
            dev.burrow.testsupport.Await.until(() -> status(1, "policed") == 200, Duration.ofSeconds(10), Duration.ofMillis(20),
                    () -> "node 1 still enforces the deleted cluster policy");
        } finally {
            node0.delete("/policy");
        }
    }

    @Test
    void aForwardInternalOnOneNodeReachesAnInternalEndpointWhoseAgentIsLinkedToTheOther() throws Exception {
        AdminClient node0 = cluster.node(0).admin();
        node0.createTenant("fanout", 0, 0, 0);
        String token = node0.issueToken("fanout").getString("token");
        java.nio.file.Path policy = java.nio.file.Files.createTempFile("forward-internal-", ".yml");
        java.nio.file.Files.writeString(policy, "on_http_request:\n  - actions:\n      - type: forward-internal\n"
                + "        config: {url: \"https://api-fanout.internal\"}\n");
        // The public endpoint's own upstream is a closed port: a 200 can only come through the internal endpoint.
        try (AgentProcess internal = AgentProcess.http(cluster.node(1), upstream.httpAddress()).name("agent-internal-on-1")
                .authtoken(token).url("https://api-fanout.internal").arg("--links", "1").start();
             AgentProcess front = AgentProcess.http(cluster.node(0), "127.0.0.1:" + dev.burrow.testsupport.FreePorts.closedPort())
                     .name("agent-front-on-0").authtoken(token).subdomain("fanout")
                     .arg("--traffic-policy-file", policy.toString()).arg("--links", "1").start()) {
            assertEquals("https://api-fanout.internal", internal.publicUrl());
            assertEquals(200, status(0, "fanout"), "node 0 forwards to the internal endpoint linked to node 1");
            upstream.awaitRequest(r -> r.header("x-blocked") != null && r.uri().equals("/echo"), Duration.ofSeconds(5));
        } finally {
            java.nio.file.Files.deleteIfExists(policy);
        }
    }

    /**
     * A request through node 0 for an endpoint whose agent is linked to node 1 only: node 0 runs the policy and relays
     * the exchange; node 1 named the policy trail when it accepted node 0's relay link, so the trail travels in the
     * relayed OPEN, and the agent's inspector shows the matched rule and its action for that exchange.
     */
    @Test
    void aRelayedExchangeCarriesThePolicyTrailToTheAgentsInspector() throws Exception {
        java.nio.file.Path policy = java.nio.file.Files.createTempFile("relayed-trail-", ".yml");
        java.nio.file.Files.writeString(policy, """
                on_http_request:
                  - name: tag relayed requests
                    expressions: ["req.url.path.startsWith('/echo')"]
                    actions:
                      - type: add-headers
                        config: {headers: {x-policy: ran}}
                """);
        try (AgentProcess agent = AgentProcess.http(cluster.node(1), upstream.httpAddress()).name("agent-trail-on-1")
                .subdomain("trailed").arg("--traffic-policy-file", policy.toString()).arg("--links", "1").start()) {
            assertEquals(200, status(0, "trailed", "/echo?relayed-trail"), "node 0 relays to node 1's agent");
            upstream.awaitRequest(r -> r.uri().equals("/echo?relayed-trail") && "ran".equals(r.header("x-policy")),
                    Duration.ofSeconds(5));
            JsonObject inspected = awaitInspected(agent, "/echo?relayed-trail");
            JsonArray trail = inspected.getJsonArray("policy_trail");
            assertTrue(trail != null && trail.size() == 1
                    && trail.getString(0).startsWith("on_http_request: tag relayed requests: matched; add-headers"),
                    inspected.encodePrettily());
        } finally {
            java.nio.file.Files.deleteIfExists(policy);
        }
    }

    /** The inspector's record of the exchange with this request target, in full. */
    private static JsonObject awaitInspected(AgentProcess agent, String uri) {
        String[] id = new String[1];
        dev.burrow.testsupport.Await.until(() -> {
            JsonArray all = dev.burrow.testsupport.AgentApi.requests(agent, null);
            for (int i = 0; i < all.size(); i++) {
                if (uri.equals(all.getJsonObject(i).getJsonObject("request").getString("uri"))) {
                    id[0] = all.getJsonObject(i).getString("id");
                    return true;
                }
            }
            return false;
        }, Duration.ofSeconds(10), Duration.ofMillis(50), () -> "the inspector did not list " + uri);
        return new JsonObject(dev.burrow.testsupport.AgentApi.call(agent, "GET", "/api/requests/http/" + id[0], null).body());
    }

    private static int status(int node, String name) {
        return status(node, name, "/echo");
    }

    /** curl through node {@code node} to endpoint {@code name} with an X-Blocked header: the status, 0 without an answer. */
    private static int status(int node, String name, String path) {
        dev.burrow.testsupport.tools.ClientRun run = dev.burrow.testsupport.tools.ClientRun.run(List.of(
                dev.burrow.testsupport.tools.Tools.require("curl").toString(), "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "--max-time", "10", "-H", "Host: " + name + "." + cluster.node(node).domain(), "-H", "X-Blocked: 1",
                "http://" + cluster.node(node).bindAddress() + ":" + cluster.node(node).httpPort() + path), Duration.ofSeconds(20));
        return run.stdout().isBlank() ? 0 : Integer.parseInt(run.stdout().trim());
    }
}
