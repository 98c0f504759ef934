package dev.burrow.cluster;

import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.AdminClient;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.PublicHttpClient;
import dev.burrow.testsupport.SharedDatabase;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.cluster.EdgeCluster;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tenancy is one across regions: two regions on loopback ({@code eu} on 127.0.0.41, {@code us} on 127.0.0.1, where the public HTTP client connects), each its
 * own cluster, share ONE database (an H2 server on loopback, as regions share PostgreSQL in production) and learn each
 * other's tenancy writes from its change log. A token issued in {@code eu} works for an agent in {@code us}; revoking
 * it in {@code eu} closes that agent's session in {@code us}; a tenant deleted in {@code eu} loses its sessions in
 * {@code us}; a name released in {@code eu} can be bound by another tenant in {@code us}.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RegionTenancyE2ETest {
    /** A poll every 2 s; generous for a loaded 2-core machine. */
    private static final Duration SYNC_BOUND = Duration.ofSeconds(20);

    private Path ca;
    private SharedDatabase database;
    private Upstream upstream;
    private EdgeCluster eu;
    private EdgeCluster us;
    private AdminClient euAdmin;
    private AdminClient usAdmin;
    private Vertx vertx;

    @BeforeAll
    void startRegions() {
        upstream = Upstream.start();
        database = SharedDatabase.start();
        ca = EdgeCluster.makeSharedCa();
        // One after the other: the first creates the schema (Flyway) in the shared database.
        eu = EdgeCluster.startRegion(ca, 1, 41, "1s", "--region", "eu", "--db-url", database.jdbcUrl());
        us = EdgeCluster.startRegion(ca, 1, 1, "1s", "--region", "us", "--db-url", database.jdbcUrl());
        euAdmin = eu.node(0).admin();
        usAdmin = us.node(0).admin();
        vertx = Vertx.vertx();
    }

    @AfterAll
    void stopAll() throws IOException {
        Closeables.closeAll(us, eu, upstream, database);
        if (vertx != null) {
            vertx.close();
        }
        TempDirs.deleteRecursively(ca);
    }

    @Test
    @Order(1)
    void aTokenIssuedInOneRegionWorksInTheOtherAndItsRevocationClosesTheSessionThere() throws Exception {
        euAdmin.createTenant("acme", 0, 0, 0);
        JsonObject token = euAdmin.issueToken("acme");
        long issued = System.nanoTime();
        Await.until(() -> listed(usAdmin, "/tenants/acme/tokens", "tokens") == 1, SYNC_BOUND, Duration.ofMillis(100),
                () -> "region us never learned the token issued in eu");
        long knownMillis = millisSince(issued);
        Await.until(() -> ClusterTestSupport.metric(us.node(0), "burrow_region_tenancy_changes_applied_total") >= 2,
                Duration.ofSeconds(5), Duration.ofMillis(100), () -> "us does not count the changes it applied (the tenant and its token)");
        try (AgentProcess agent = AgentProcess.http(us.node(0), upstream.httpAddress()).name("acme-in-us")
                .authtoken(token.getString("token")).subdomain("acme-app").arg("--links", "1").start();
             PublicHttpClient client = new PublicHttpClient(vertx, us.node(0).httpPort(), 2)) {
            PublicHttpClient.Response reply = client.post("acme-app.localhost", "/echo", null, Buffer.buffer("issued in eu"));
            assertEquals(200, reply.status());
            assertEquals("issued in eu", reply.bodyText());

            assertEquals(200, euAdmin.delete("/tenants/acme/tokens/" + token.getString("id")).status());
            long revoked = System.nanoTime();
            assertEquals(1, agent.awaitExit(SYNC_BOUND), "the agent in us outlived the revocation in eu: " + agent.process().tail(20));
            long kickedMillis = millisSince(revoked);
            assertTrue(agent.errorLines().toString().contains("revoked"), agent.errorLines().toString());
            System.out.printf("tenancy across regions: a token issued in eu was known in us after %d ms; revoked in eu, "
                    + "its agent in us exited after %d ms%n", knownMillis, kickedMillis);
        }
        try (AgentProcess again = AgentProcess.http(us.node(0), upstream.httpAddress()).name("acme-again-in-us")
                .authtoken(token.getString("token")).subdomain("acme-app").shortLived().launch()) {
            assertEquals(1, again.awaitExit(Duration.ofSeconds(30)), again.process().tail(20));
            assertTrue(again.errorLines().toString().contains("revoked"), again.errorLines().toString());
        }
    }

    @Test
    @Order(2)
    void aTenantDeletedInOneRegionLosesItsSessionsInTheOther() throws Exception {
        euAdmin.createTenant("gone", 0, 0, 0);
        String token = euAdmin.issueToken("gone").getString("token");
        Await.until(() -> listed(usAdmin, "/tenants/gone/tokens", "tokens") == 1, SYNC_BOUND, Duration.ofMillis(100),
                () -> "region us never learned the token issued in eu");
        try (AgentProcess agent = AgentProcess.http(us.node(0), upstream.httpAddress()).name("gone-in-us")
                .authtoken(token).subdomain("gone-app").arg("--links", "1").start()) {
            assertEquals(200, euAdmin.delete("/tenants/gone").status());
            long deleted = System.nanoTime();
            assertEquals(1, agent.awaitExit(SYNC_BOUND), "the agent in us outlived its tenant: " + agent.process().tail(20));
            System.out.printf("tenancy across regions: tenant deleted in eu, its agent in us exited after %d ms%n",
                    millisSince(deleted));
        }
        Await.until(() -> status(usAdmin, "/tenants/gone") == 404, SYNC_BOUND, Duration.ofMillis(100),
                () -> "region us still lists the tenant deleted in eu");
    }

    @Test
    @Order(3)
    void aNameReleasedInOneRegionCanBeBoundByAnotherTenantInTheOther() throws Exception {
        euAdmin.createTenant("holder", 0, 0, 0);
        euAdmin.reserve("holder", "moving.localhost");
        usAdmin.createTenant("taker", 0, 0, 0);
        String takerToken = usAdmin.issueToken("taker").getString("token");
        // First us must know the name is held (else binding it later proves nothing).
        Await.until(() -> listed(usAdmin, "/tenants/holder/reservations", "reservations") == 1, SYNC_BOUND,
                Duration.ofMillis(100), () -> "region us never learned the reservation made in eu");
        try (AgentProcess refused = AgentProcess.http(us.node(0), upstream.httpAddress()).name("taker-refused")
                .authtoken(takerToken).subdomain("moving").shortLived().launch()) {
            assertEquals(1, refused.awaitExit(Duration.ofSeconds(30)), refused.process().tail(20));
            assertTrue(refused.errorLines().toString().contains("reserved by another account"), refused.errorLines().toString());
        }

        assertEquals(200, euAdmin.delete("/tenants/holder/reservations/moving.localhost").status());
        long released = System.nanoTime();
        Await.until(() -> listed(usAdmin, "/tenants/holder/reservations", "reservations") == 0, SYNC_BOUND,
                Duration.ofMillis(100), () -> "region us still holds the name released in eu");
        long releasedMillis = millisSince(released);
        try (AgentProcess taker = AgentProcess.http(us.node(0), upstream.httpAddress()).name("taker-binds")
                .authtoken(takerToken).subdomain("moving").start();
             PublicHttpClient client = new PublicHttpClient(vertx, us.node(0).httpPort(), 2)) {
            PublicHttpClient.Response reply = client.post("moving.localhost", "/echo", null, Buffer.buffer("moved"));
            assertEquals(200, reply.status());
            assertEquals("moved", reply.bodyText());
        }
        System.out.printf("tenancy across regions: a name released in eu was free in us after %d ms%n", releasedMillis);
        assertTrue(tenantChangesBy("eu") >= 4, "eu logged its writes of tenants acme, gone and holder");
        assertEquals(0, tenantChangesBy("us"), "region us wrote back the tenants it learned from eu");
    }

    @Test
    @Order(4)
    void aTenantsRequestRateHoldsForRequestsThatReachItsEndpointThroughTheOtherRegion() throws Exception {
        int limit = 5;
        AdminClient.Reply created = euAdmin.post("/tenants", new JsonObject().put("id", "limited").put("name", "Limited")
                .put("quotas", new JsonObject().put("maxRequestsPerSecond", limit)));
        assertEquals(201, created.status(), created.toString());
        String token = euAdmin.issueToken("limited").getString("token");
        Await.until(() -> listed(usAdmin, "/tenants/limited/tokens", "tokens") == 1, SYNC_BOUND, Duration.ofMillis(100),
                () -> "region us never learned the tenant made in eu");
        try (AgentProcess agent = AgentProcess.http(eu.node(0), upstream.httpAddress()).name("limited-in-eu")
                .authtoken(token).subdomain("limited-app").arg("--links", "1").start();
             PublicHttpClient client = new PublicHttpClient(vertx, us.node(0).httpPort(), 8)) {
            Await.until(() -> client.get("limited-app.localhost", "/echo").status() != 404, SYNC_BOUND,
                    Duration.ofMillis(200), () -> "region us never found the endpoint served in eu");
            ClusterTestSupport.sleep(1_500); // the warm-up requests' tokens come back: a full burst is available
            int sent = 40;
            long start = System.nanoTime();
            java.util.List<io.vertx.core.Future<PublicHttpClient.Response>> burst = new java.util.ArrayList<>();
            for (int i = 0; i < sent; i++) {
                burst.add(client.send(io.vertx.core.http.HttpMethod.GET, "limited-app.localhost", "/echo?n=" + i, null, null));
            }
            io.vertx.core.Future.join(burst).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            int ok = 0;
            int refused = 0;
            for (io.vertx.core.Future<PublicHttpClient.Response> reply : burst) {
                int status = reply.succeeded() ? reply.result().status() : -1;
                ok += status == 200 ? 1 : 0;
                refused += status == 429 ? 1 : 0;
            }
            System.out.printf("rate limit across regions: %d requests to us in %.2f s for an endpoint in eu limited to %d/s: "
                    + "%d answered, %d refused with 429%n", sent, seconds, limit, ok, refused);
            assertEquals(sent, ok + refused, "every request is either answered or refused with 429");
            // A burst of one second's worth, then the refill: what the limit allows in the time the requests took.
            assertTrue(ok <= limit + Math.ceil(seconds * limit) + 1, ok + " requests passed a limit of " + limit + "/s in "
                    + seconds + " s");
            assertTrue(refused > 0, "no request was refused: the other region did not apply the tenant's limit");
        }
    }

    /** Changes {@code region} logged to the tenants that only eu wrote. */
    private int tenantChangesBy(String region) throws Exception {
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(database.jdbcUrl());
             java.sql.PreparedStatement select = connection.prepareStatement("SELECT COUNT(*) FROM tenancy_changes WHERE region = ? "
                     + "AND map_name = 'burrow.tenants' AND row_id IN ('acme', 'gone', 'holder')")) {
            select.setString(1, region);
            try (java.sql.ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    private static int listed(AdminClient admin, String path, String field) {
        try {
            AdminClient.Reply reply = admin.get(path);
            JsonArray items = reply.status() == 200 ? reply.json().getJsonArray(field) : null;
            return items == null ? -1 : items.size();
        } catch (Exception e) {
            return -1;
        }
    }

    private static int status(AdminClient admin, String path) {
        try {
            return admin.get(path).status();
        } catch (Exception e) {
            return -1;
        }
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
