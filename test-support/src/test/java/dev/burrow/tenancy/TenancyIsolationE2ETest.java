package dev.burrow.tenancy;

import dev.burrow.testsupport.AdminClient;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.PublicHttpClient;
import dev.burrow.testsupport.Upstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tenants that can never reach each other, seen from real agents against a real edge process (base domain
 * example.com): another tenant's reserved hostname in any spelling, its wildcard's sub-labels and its TCP port are
 * refused with one ERROR line; a revoked token's agent is disconnected and cannot come back; a quota refuses the
 * endpoint past the limit; a restart of the node keeps tenants, tokens and reservations.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TenancyIsolationE2ETest {
    private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

    private static Vertx vertx;
    private static Upstream upstream;
    private static EdgeProcess edge;
    private static PublicHttpClient client;
    private static AdminClient admin;
    private static String acmeToken;
    private static String beeToken;
    private static int beePort;

    @BeforeAll
    static void startAll() throws Exception {
        vertx = Vertx.vertx();
        upstream = Upstream.start(vertx);
        edge = EdgeProcess.builder().name("edge-tenancy").domain("example.com").offlineGrace("2s").start();
        client = new PublicHttpClient(vertx, edge.httpPort(), 4);
        admin = edge.admin();
        admin.createTenant("acme", 1, 0, 0);
        admin.createTenant("bee", 0, 0, 0);
        acmeToken = admin.issueToken("acme").getString("token");
        beeToken = admin.issueToken("bee").getString("token");
        beePort = edge.tcpPorts().low() + 1;
        for (String name : List.of("b.example.com", "*.bee.example.com", "tcp:" + beePort)) {
            admin.reserve("bee", name);
        }
    }

    @AfterAll
    static void stopAll() {
        Closeables.closeAll(client, edge, upstream, Closeables.of(vertx));
    }

    private static String failsWithOneErrorLine(AgentProcess agent) {
        int code = agent.awaitExit(EXIT_TIMEOUT);
        assertEquals(1, code, "exit code\n" + agent.process().tail(30));
        List<String> errors = agent.errorLines();
        assertEquals(1, errors.size(), "one ERROR: line, got " + errors + "\n" + agent.process().tail(30));
        assertEquals(List.of(), agent.stackTraceLines(), "no stack trace for a user error");
        assertEquals(List.of(), agent.libraryLogLines(), "no library log lines for an ordinary refusal");
        return errors.get(0);
    }

    @Test
    @Order(1)
    void anotherTenantsReservedNamesAreRefusedInEverySpelling() {
        for (String spelling : List.of("B.EXAMPLE.COM.", "b.example.com:8080", "\uff42.example.com", "x.bee.example.com")) {
            try (AgentProcess agent = AgentProcess.http(edge, upstream.httpAddress()).name("agent-acme-spelling")
                    .authtoken(acmeToken).url(spelling).shortLived().launch()) {
                String error = failsWithOneErrorLine(agent);
                assertTrue(error.toLowerCase(Locale.ROOT).contains("reserved by another account"), spelling + ": " + error);
            }
        }
        try (AgentProcess bee = AgentProcess.http(edge, upstream.httpAddress()).name("agent-bee").authtoken(beeToken)
                .url("b.example.com").start()) {
            PublicHttpClient.Response response = client.get("b.example.com", "/echo");
            assertEquals(200, response.status(), response.bodyText());
            assertEquals(Upstream.UPSTREAM_HEADER_VALUE, response.header(Upstream.UPSTREAM_HEADER));
        }
    }

    @Test
    @Order(2)
    void anotherTenantsReservedTcpPortIsRefused() {
        try (AgentProcess agent = AgentProcess.tcp(edge, upstream.httpAddress()).name("agent-acme-port")
                .authtoken(acmeToken).arg("--remote-port", Integer.toString(beePort)).shortLived().launch()) {
            String error = failsWithOneErrorLine(agent);
            assertTrue(error.contains(Integer.toString(beePort)) && error.contains("reserved"), error);
        }
    }

    @Test
    @Order(3)
    void theEndpointPastTheQuotaIsRefused() {
        try (AgentProcess first = AgentProcess.http(edge, upstream.httpAddress()).name("agent-acme-one")
                .authtoken(acmeToken).subdomain("acme-one").start();
             AgentProcess second = AgentProcess.http(edge, upstream.httpAddress()).name("agent-acme-two")
                     .authtoken(acmeToken).subdomain("acme-two").shortLived().launch()) {
            String error = failsWithOneErrorLine(second);
            assertTrue(error.contains("limit"), error);
            assertTrue(first.isAlive());
            assertEquals(200, client.get("acme-one.example.com", "/echo").status());
        }
    }

    @Test
    @Order(4)
    void aRevokedTokensAgentIsDisconnectedAndCannotComeBack() throws Exception {
        admin.createTenant("cee", 0, 0, 0);
        JsonObject issued = admin.issueToken("cee");
        try (AgentProcess agent = AgentProcess.http(edge, upstream.httpAddress()).name("agent-cee")
                .authtoken(issued.getString("token")).subdomain("cee-app").start()) {
            assertEquals(200, client.get("cee-app.example.com", "/echo").status());
            long started = System.nanoTime();
            assertEquals(200, admin.delete("/tenants/cee/tokens/" + issued.getString("id")).status());
            String error = failsWithOneErrorLine(agent);
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(error.contains("revoked"), error);
            assertTrue(tookMs < 15_000, "the agent was out within " + tookMs + " ms");
            int status = client.get("cee-app.example.com", "/echo").status();
            assertTrue(status == 502 || status == 404, "no more traffic to a revoked tenant's agent: " + status);
        }
    }

    @Test
    @Order(5)
    void aRestartOfTheNodeKeepsTenantsTokensAndReservations() {
        edge.restart();
        try (AgentProcess bee = AgentProcess.http(edge, upstream.httpAddress()).name("agent-bee-after-restart")
                .authtoken(beeToken).url("app.bee.example.com").start();
             AgentProcess acme = AgentProcess.http(edge, upstream.httpAddress()).name("agent-acme-after-restart")
                     .authtoken(acmeToken).url("b.example.com").shortLived().launch()) {
            assertEquals(200, client.get("app.bee.example.com", "/echo").status());
            assertTrue(failsWithOneErrorLine(acme).contains("reserved"));
        }
    }

    @Test
    @Order(6)
    void aSessionQuotaRefusalSaysSoAndDoesNotBlameTheAuthtoken() throws Exception {
        AdminClient restarted = edge.admin();
        restarted.createTenant("solo", 0, 1, 0);
        String token = restarted.issueToken("solo").getString("token");
        try (AgentProcess first = AgentProcess.http(edge, upstream.httpAddress()).name("agent-solo-one")
                .authtoken(token).subdomain("solo-one").start();
             AgentProcess second = AgentProcess.http(edge, upstream.httpAddress()).name("agent-solo-two")
                     .authtoken(token).subdomain("solo-two").shortLived().launch()) {
            String error = failsWithOneErrorLine(second);
            assertTrue(error.contains("limit") && error.contains("session"), error);
            assertTrue(!error.contains("--authtoken") && !error.contains("BURROW_AUTHTOKEN"), "a quota is not the token's fault: " + error);
            assertTrue(first.isAlive());
        }
    }
}
