package dev.burrow.policy.actions.login;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import dev.burrow.policy.AccessLogSink;
import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.InProcessRateLimitCounters;
import dev.burrow.policy.PolicyCompiler;
import dev.burrow.policy.PolicyEnvironment;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.TrafficPolicy;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.fetch.PolicyFetchProxy;
import dev.burrow.policy.fetch.PolicyFetches;
import dev.burrow.policy.fetch.TestGuards;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The vertx-auth-oauth2 client a login action makes (at its first login) lives as long as its policy: replacing the
 * policy again and again leaves no client, and no connection to the provider, behind.
 */
class LoginClientLifecycleTest {
    private static final ConnectionFacts CLIENT = new ConnectionFacts("203.0.113.9", 40000, 443, null,
            new ConnectionFacts.EndpointFacts("ep_1", "https://app.localhost", "https"));
    private static final int REPLACEMENTS = 20;
    private static Vertx vertx;
    private static HttpServer issuer;
    private static final AtomicInteger discoveries = new AtomicInteger();

    @BeforeAll
    static void startIssuer() throws Exception {
        vertx = Vertx.vertx();
        String keys = new JWKSet(new RSAKeyGenerator(2048).keyID("k1").algorithm(JWSAlgorithm.RS256)
                .keyUse(KeyUse.SIGNATURE).generate().toPublicJWK()).toString();
        issuer = vertx.createHttpServer().requestHandler(request -> {
            String site = "http://127.0.0.1:" + request.localAddress().port();
            if (request.path().equals("/.well-known/openid-configuration")) {
                discoveries.incrementAndGet();
                request.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("issuer", site)
                        .put("authorization_endpoint", site + "/auth").put("token_endpoint", site + "/token")
                        .put("userinfo_endpoint", site + "/me").put("jwks_uri", site + "/jwks").encode());
            } else {
                // max-age makes the client refresh the keys on a timer: one more thing close() must stop.
                request.response().putHeader("Content-Type", "application/json")
                        .putHeader("Cache-Control", "public, max-age=300").end(keys);
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static TrafficPolicy compile() throws Exception {
        PolicyEnvironment environment = PolicyEnvironment.of(vertx, new InProcessRateLimitCounters(System::nanoTime),
                AccessLogSink.logger()).withFetchGuard(TestGuards.LOOPBACK_ALLOWED);
        return new PolicyCompiler(environment).compile("""
                on_http_request:
                  - actions:
                      - type: openid-connect
                        config: {issuer_url: "http://127.0.0.1:%d", client_id: c, client_secret: s}
                """.formatted(issuer.actualPort()), "policy.yml");
    }

    private static Verdict login(TrafficPolicy policy) {
        PolicyRequest request = new PolicyRequest("GET", "https", "app.localhost", "/", null,
                List.of(Map.entry("Host", "app.localhost")), -1);
        return await(policy.newExchange(CLIENT, request).onRequest());
    }

    private static int status(Verdict verdict) {
        return ((Verdict.Respond) verdict).status();
    }

    @Test
    void replacingThePolicyTwentyTimesLeavesNoClientAndNoConnectionBehind() throws Exception {
        int baseline = VertxLoginProvider.liveClients();
        int discovered = discoveries.get();
        for (int i = 0; i < REPLACEMENTS; i++) {
            TrafficPolicy policy = compile();
            assertEquals(baseline, VertxLoginProvider.liveClients(), "compiling contacts nobody");
            assertEquals(302, status(login(policy)));
            assertEquals(302, status(login(policy)));
            assertEquals(baseline + 1, VertxLoginProvider.liveClients(), "one client per policy, made at its first login");
            policy.close();
            assertEquals(baseline, VertxLoginProvider.liveClients(), "closed with its policy");
        }
        assertEquals(REPLACEMENTS, discoveries.get() - discovered, "each policy discovered its provider once");
        PolicyFetchProxy proxy = await(PolicyFetches.of(vertx, TestGuards.LOOPBACK_ALLOWED).proxy());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (proxy.openConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10); // the gauge has no event to wait on; bounded by the deadline
        }
        assertEquals(0, proxy.openConnections(), "no connection to the provider stays open");
    }

    @Test
    void policiesKeptOpenEachHoldAClientAndAClosedOneMakesNoNewOne() throws Exception {
        int baseline = VertxLoginProvider.liveClients();
        List<TrafficPolicy> kept = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            kept.add(compile());
            assertEquals(302, status(login(kept.get(i))));
        }
        assertEquals(baseline + 3, VertxLoginProvider.liveClients(), "the gauge counts every client not closed");
        kept.forEach(TrafficPolicy::close);
        assertEquals(baseline, VertxLoginProvider.liveClients());
        TrafficPolicy closed = compile();
        closed.close();
        Verdict afterClose = login(closed);
        assertEquals(503, status(afterClose), "a replaced policy still running an exchange answers 503, makes nothing");
        assertTrue(new String(((Verdict.Respond) afterClose).body()).contains("identity provider"));
        assertEquals(baseline, VertxLoginProvider.liveClients());
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
