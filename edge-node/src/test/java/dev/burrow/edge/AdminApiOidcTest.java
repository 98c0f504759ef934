package dev.burrow.edge;

import dev.burrow.edge.config.EdgeConfig;
import dev.burrow.edge.config.PortRange;
import dev.burrow.edge.config.TenancySettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The admin API behind a real OpenID provider (npm oidc-provider on loopback, client_credentials grant, JWT access
 * tokens): discovery and JWKS, audience and expiry, the scope that makes an administrator or a tenant's operator.
 * A tenant's operator cannot see or kick another tenant's sessions. Skipped with the reason when node or the package
 * is missing ({@code .ci/setup.d/10-oidc.sh} installs both in CI).
 */
class AdminApiOidcTest {
    @TempDir
    static Path dataDir;

    private static OpenIdProvider oidc;
    private static Vertx vertx;
    private static EdgeNode edge;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @BeforeAll
    static void start() throws Exception {
        String unavailable = OpenIdProvider.unavailableReason();
        assumeTrue(unavailable == null, () -> "skipping the OpenID admin API test: " + unavailable);
        oidc = OpenIdProvider.start();
        vertx = Vertx.vertx();
        EdgeConfig config = EdgeConfig.defaults().withHttpPort(0).withHttpsPort(0).withTunnelPort(0).withOpsPort(0).withBindAddress("127.0.0.1")
                .withDataDir(dataDir).withDomain("example.com").withTcpPorts(new PortRange(45000, 45099));
        edge = await(EdgeNode.start(vertx, config, TenancySettings.defaults().withOidc(oidc.issuer(), OpenIdProvider.AUDIENCE)));
    }

    @AfterAll
    static void stop() throws Exception {
        if (edge != null) {
            await(edge.close());
        }
        if (vertx != null) {
            await(vertx.close());
        }
        if (oidc != null) {
            oidc.close();
        }
    }

    private static HttpResponse<String> call(String method, String path, String bearer, JsonObject body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.opsPort() + "/api/v1" + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String code(HttpResponse<String> response) {
        return new JsonObject(response.body()).getJsonObject("error").getString("code");
    }

    @Test
    void scopesMapToAdministratorsAndTenantOperators() throws Exception {
        String admin = oidc.token("burrow-admin", "burrow:admin", OpenIdProvider.AUDIENCE);
        assertEquals(201, call("POST", "/tenants", admin, new JsonObject().put("id", "acme")).statusCode());
        assertEquals(201, call("POST", "/tenants", admin, new JsonObject().put("id", "bee")).statusCode());
        String beeToken = new JsonObject(call("POST", "/tenants/bee/tokens", admin, new JsonObject()).body()).getString("token");
        FakeAgent bee = await(FakeAgent.connect(vertx, edge.tunnelPort(), edge.caCertPath(), beeToken, null));
        String beeSession = await(bee.authResult()).sessionId();

        String acme = oidc.token("acme-operator", "burrow:tenant:acme", OpenIdProvider.AUDIENCE);
        assertEquals(200, call("GET", "/tenants/acme", acme, null).statusCode());
        HttpResponse<String> listed = call("GET", "/tenants", acme, null);
        assertEquals(1, new JsonObject(listed.body()).getJsonArray("tenants").size(), listed.body());
        assertEquals(201, call("POST", "/tenants/acme/tokens", acme, new JsonObject()).statusCode());
        // A tenant's operator on admin-only routes, or on another tenant's: 403.
        HttpResponse<String> create = call("POST", "/tenants", acme, new JsonObject().put("id", "mine"));
        assertEquals(403, create.statusCode());
        assertEquals("FORBIDDEN", code(create));
        assertEquals(403, call("POST", "/tenants/acme/reservations", acme, new JsonObject().put("name", "x.example.com")).statusCode());
        assertEquals(403, call("GET", "/sessions", acme, null).statusCode());
        assertEquals(403, call("GET", "/tenants/bee/sessions", acme, null).statusCode());
        assertEquals(403, call("DELETE", "/tenants/bee/sessions/" + beeSession, acme, null).statusCode());
        assertEquals(403, call("GET", "/tenants/bee/tokens", acme, null).statusCode());
        assertTrue(bee.mux().isClosed() == false, "the other tenant's session is untouched");
        // The administrator sees it and may kick it.
        HttpResponse<String> sessions = call("GET", "/tenants/bee/sessions", admin, null);
        assertTrue(sessions.body().contains(beeSession), sessions.body());
        assertEquals(200, call("DELETE", "/tenants/bee/sessions/" + beeSession, admin, null).statusCode());
        assertEquals(dev.burrow.protocol.ErrorCode.SESSION_KICKED, await(bee.closed()).code());
    }

    @Test
    void wrongEmptyMalformedForeignAndExpiredBearerTokensGet401() throws Exception {
        String admin = oidc.token("burrow-admin", "burrow:admin", OpenIdProvider.AUDIENCE);
        assertEquals(200, call("GET", "/tenants", admin, null).statusCode());
        assertEquals(401, call("GET", "/tenants", null, null).statusCode());
        assertEquals(401, call("GET", "/tenants", "", null).statusCode());
        assertEquals(401, call("GET", "/tenants", "not-a-jwt", null).statusCode());
        assertEquals(401, call("GET", "/tenants", "eyJhbGciOiJub25lIn0.eyJzY29wZSI6ImJ1cnJvdzphZG1pbiJ9.", null).statusCode());
        String tampered = admin.substring(0, admin.length() - 4) + (admin.endsWith("AAAA") ? "BBBB" : "AAAA");
        HttpResponse<String> forged = call("GET", "/tenants", tampered, null);
        assertEquals(401, forged.statusCode());
        assertEquals("UNAUTHORIZED", code(forged));
        String otherAudience = oidc.token("burrow-admin", "burrow:admin", "https://other.test/api");
        assertEquals(401, call("GET", "/tenants", otherAudience, null).statusCode());
        String noRole = oidc.token("no-role", "profile", OpenIdProvider.AUDIENCE);
        assertEquals(403, call("GET", "/tenants", noRole, null).statusCode());
        String shortLived = oidc.token("short-lived", "burrow:admin", OpenIdProvider.AUDIENCE);
        Thread.sleep(2_200);
        assertEquals(401, call("GET", "/tenants", shortLived, null).statusCode());
    }
}
