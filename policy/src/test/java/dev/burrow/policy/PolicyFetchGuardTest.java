package dev.burrow.policy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.burrow.policy.engine.CidrRange;
import dev.burrow.policy.fetch.FetchAddressGuard;
import dev.burrow.policy.fetch.PolicyFetchProxy;
import dev.burrow.policy.fetch.PolicyFetches;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tenant's policy cannot make the edge connect to loopback, link-local (cloud metadata), private or other non-public
 * addresses unless the operator allowed them: the visitor gets a 503, the trail (what the agent and the operator read)
 * names the address and the flag, and the listening sockets the URLs point at never see a connection (their backlog
 * is empty: they never accept, so any connection made would wait there).
 */
class PolicyFetchGuardTest {
    private static final String ISSUER = "https://issuer.example/";
    private static Vertx vertx;
    private static RSAKey rsa;
    private static ServerSocket loopback;
    private static ServerSocket loopbackSix;
    private static ServerSocket secondLoopback;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        loopback = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        loopbackSix = new ServerSocket(0, 50, InetAddress.getByName("::1"));
        secondLoopback = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.2"));
    }

    @AfterAll
    static void stop() throws Exception {
        loopback.close();
        loopbackSix.close();
        secondLoopback.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static TrafficPolicy jwtPolicy(String jwksUrl) throws PolicyException {
        return new PolicyCompiler(PolicyEnvironment.local(vertx)).compile("""
                on_http_request:
                  - actions:
                      - type: jwt-validation
                        config:
                          issuer: {allow_list: [{value: "%s"}]}
                          http:
                            tokens: [{type: access_token, method: header, name: Authorization, prefix: "Bearer "}]
                          jws:
                            allowed_algorithms: [RS256]
                            keys: {sources: {additional_jkus: ["%s"]}}
                """.formatted(ISSUER, jwksUrl), "policy.yml");
    }

    private static String token() throws Exception {
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(),
                new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice")
                        .expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
        token.sign(new RSASSASigner(rsa));
        return token.serialize();
    }

    /** One request through a policy: its verdict, and the trail's action lines joined. */
    private record Ran(Verdict verdict, String trail) {
        int status() {
            return PolicyHarness.status(verdict);
        }

        String body() {
            return PolicyHarness.body(verdict);
        }
    }

    private static Ran run(TrafficPolicy policy, PolicyRequest request) throws Exception {
        PolicyExchange exchange = policy.newExchange(PolicyHarness.client("192.0.2.7"), request);
        Verdict verdict = exchange.onRequest().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        return new Ran(verdict, String.join(" | ", exchange.trail().stream().flatMap(entry -> entry.actions().stream()).toList()));
    }

    /** Nothing connected to {@code socket}: its backlog is empty. */
    private static void assertNeverConnected(ServerSocket socket, String what) throws Exception {
        socket.setSoTimeout(300);
        assertThrows(SocketTimeoutException.class, socket::accept, what + ": something connected to " + socket);
    }

    @Test
    void aJwksOnLoopbackMetadataOrAnyOtherNonPublicAddressIsNotFetchedAndTheVisitorGets503() throws Exception {
        int port = loopback.getLocalPort();
        List<List<String>> cases = List.of(
                List.of("http://127.0.0.1:" + port + "/jwks.json", "127.0.0.1 is a loopback address"),
                List.of("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local"),
                List.of("http://[::1]:" + loopbackSix.getLocalPort() + "/jwks.json", "0:0:0:0:0:0:0:1 is the loopback address"),
                List.of("http://[::ffff:127.0.0.1]:" + port + "/jwks.json", "127.0.0.1 is a loopback address"),
                List.of("http://localhost:" + port + "/jwks.json", "is the loopback address|is a loopback address"));
        for (List<String> refused : cases) {
            Ran ran = run(jwtPolicy(refused.get(0)), PolicyHarness.request("GET", "/api", "Authorization: Bearer " + token()));
            assertEquals(503, ran.status(), refused.get(0));
            assertEquals("503 Service Unavailable: the keys that verify tokens for this endpoint cannot be fetched",
                    ran.body().strip());
            assertEquals("30", PolicyHarness.header(ran.verdict(), "Retry-After"));
            String trail = ran.trail();
            assertTrue(trail.contains("the edge does not fetch " + refused.get(0)) && trail.contains("--policy-fetch-allow")
                    && java.util.regex.Pattern.compile(refused.get(1)).matcher(trail).find(), refused.get(0) + ": " + trail);
            assertTrue(trail.endsWith("-> 503"), trail);
        }
        assertNeverConnected(loopback, "127.0.0.1");
        assertNeverConnected(loopbackSix, "::1");
    }

    @Test
    void theProxyItselfRefusesToConnectToNonPublicAddressesForARequestNobodyChecked() throws Exception {
        PolicyFetches fetches = PolicyFetches.of(vertx, FetchAddressGuard.PUBLIC_ONLY);
        HttpClient client = fetches.client().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        PolicyFetchProxy proxy = fetches.proxy().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        long before = proxy.refusals();
        for (String url : List.of("http://127.0.0.1:" + loopback.getLocalPort() + "/", "http://localhost:" + loopback.getLocalPort() + "/",
                "http://[::1]:" + loopbackSix.getLocalPort() + "/")) {
            assertThrows(ExecutionException.class, () -> client
                    .request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setConnectTimeout(5_000))
                    .compose(request -> request.send())
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS), url);
        }
        assertEquals(3, proxy.refusals() - before);
        assertNeverConnected(loopback, "127.0.0.1");
        assertNeverConnected(loopbackSix, "::1");
    }

    @Test
    void anOpenIdIssuerOnLoopbackIsRefusedAndSoIsAnEndpointItsDiscoveryNames() throws Exception {
        Ran refusedIssuer = run(oidcPolicy(PolicyEnvironment.local(vertx), "http://127.0.0.1:" + loopback.getLocalPort()),
                PolicyHarness.request("GET", "/"));
        assertEquals(503, refusedIssuer.status(), refusedIssuer.trail());
        assertTrue(refusedIssuer.body().contains("identity provider cannot be reached"), refusedIssuer.body());
        assertTrue(refusedIssuer.trail().contains("127.0.0.1 is a loopback address"), refusedIssuer.trail());
        assertNeverConnected(loopback, "the issuer");

        // The operator allows 127.0.0.1 only; the issuer there names a JWKS on 127.0.0.2, which stays refused.
        String jwksUri = "http://127.0.0.2:" + secondLoopback.getLocalPort() + "/jwks";
        HttpServer issuer = vertx.createHttpServer().requestHandler(request -> {
            String site = "http://127.0.0.1:" + request.localAddress().port();
            request.response().putHeader("Content-Type", "application/json").end(new io.vertx.core.json.JsonObject()
                    .put("issuer", site).put("authorization_endpoint", site + "/auth").put("token_endpoint", site + "/token")
                    .put("userinfo_endpoint", site + "/me").put("jwks_uri", jwksUri).encode());
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        try {
            PolicyEnvironment onlyFirstLoopback = PolicyEnvironment.local(vertx)
                    .withFetchGuard(FetchAddressGuard.allowing(List.of(CidrRange.parse("127.0.0.1/32"))));
            Ran refusedJwks = run(oidcPolicy(onlyFirstLoopback, "http://127.0.0.1:" + issuer.actualPort()),
                    PolicyHarness.request("GET", "/"));
            assertEquals(503, refusedJwks.status(), refusedJwks.trail());
            assertNeverConnected(secondLoopback, "the JWKS discovery named");
            PolicyFetchProxy proxy = PolicyFetches.of(vertx, onlyFirstLoopback.fetchGuard()).proxy()
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(1, proxy.refusals(), "the proxy refused the JWKS connection");
        } finally {
            issuer.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private static TrafficPolicy oidcPolicy(PolicyEnvironment environment, String issuerUrl) throws PolicyException {
        return new PolicyCompiler(environment).compile("""
                on_http_request:
                  - actions:
                      - type: openid-connect
                        config: {issuer_url: "%s", client_id: c, client_secret: s}
                """.formatted(issuerUrl), "policy.yml");
    }
}
