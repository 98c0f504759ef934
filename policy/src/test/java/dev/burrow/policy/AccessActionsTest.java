package dev.burrow.policy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The actions that let traffic in or keep it out. */
class AccessActionsTest {
    private final PolicyHarness harness = new PolicyHarness();

    private static String basic(String pair) {
        return "Authorization: Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void restrictIpsClosesATcpConnectionAndAnswers403ToARequest() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_tcp_connect:
                  - actions: [{type: restrict-ips, config: {allow: [192.0.2.0/24, "2001:db8::/32"], deny: [192.0.2.66/32]}}]
                on_http_request:
                  - actions: [{type: restrict-ips, config: {deny: [198.51.100.0/24]}}]
                """);
        assertEquals(Verdict.PROCEED, policy.onTcpConnect(PolicyHarness.client("192.0.2.10")).result());
        assertEquals(Verdict.PROCEED, policy.onTcpConnect(PolicyHarness.client("2001:db8::1")).result());
        Verdict denied = policy.onTcpConnect(PolicyHarness.client("192.0.2.66")).result();
        assertEquals("restrict-ips", assertInstanceOf(Verdict.Close.class, denied).action());
        assertInstanceOf(Verdict.Close.class, policy.onTcpConnect(PolicyHarness.client("203.0.113.1")).result());
        assertInstanceOf(Verdict.Close.class, policy.onTcpConnect(PolicyHarness.client("not-an-ip")).result());
        Verdict refused = harness.decide(policy, "198.51.100.9", PolicyHarness.request("GET", "/"));
        assertEquals(403, PolicyHarness.status(refused));
        assertEquals("restrict-ips", ((Verdict.Respond) refused).action());
    }

    @Test
    void restrictIpsWithoutEnforceOnlyRecords() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions: [{type: restrict-ips, config: {enforce: false, allow: [192.0.2.0/24]}}]
                """);
        PolicyExchange exchange = policy.newExchange(PolicyHarness.client("203.0.113.1"), PolicyHarness.request("GET", "/"));
        assertEquals(Verdict.PROCEED, PolicyHarness.decide(exchange));
        assertEquals(List.of("restrict-ips: refused 203.0.113.1"), exchange.trail().get(0).actions());
    }

    @Test
    void denyAndCloseConnection() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_tcp_connect:
                  - expressions: ["conn.client_ip == '203.0.113.5'"]
                    actions: [{type: deny}]
                on_http_request:
                  - expressions: ["req.method == 'DELETE'"]
                    actions: [{type: deny, config: {status_code: 405}}]
                  - expressions: ["req.url.path == '/drop'"]
                    actions: [{type: close-connection}]
                """);
        assertInstanceOf(Verdict.Close.class, policy.onTcpConnect(PolicyHarness.client("203.0.113.5")).result());
        Verdict denied = harness.decide(policy, "192.0.2.1", PolicyHarness.request("DELETE", "/x"));
        assertEquals(405, PolicyHarness.status(denied));
        assertEquals("405 Method Not Allowed\n", PolicyHarness.body(denied));
        assertEquals("close-connection", assertInstanceOf(Verdict.Close.class,
                harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/drop"))).action());
    }

    @Test
    void basicAuthChallengesWithoutValidCredentialsAndLetsValidOnesThrough() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions:
                      - type: basic-auth
                        config: {realm: office, credentials: ["alice:correct horse", "bob:s3cret:with:colons"]}
                """);
        for (String[] headers : new String[][] {{}, {basic("alice:wrong")}, {basic("mallory:correct horse")},
                {"Authorization: Basic !!notbase64"}, {"Authorization: Bearer x"}, {basic("alice")}}) {
            Verdict verdict = harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/", headers));
            assertEquals(401, PolicyHarness.status(verdict), String.join(",", headers));
            assertEquals("Basic realm=\"office\", charset=\"UTF-8\"", PolicyHarness.header(verdict, "WWW-Authenticate"));
        }
        assertEquals(0, PolicyHarness.status(harness.decide(policy, "192.0.2.1",
                PolicyHarness.request("GET", "/", basic("alice:correct horse")))));
        assertEquals(0, PolicyHarness.status(harness.decide(policy, "192.0.2.1",
                PolicyHarness.request("GET", "/", "authorization: basic " + basic("bob:s3cret:with:colons").substring(21)))));
    }

    @Test
    void basicAuthRefusesACredentialWithoutPassword() {
        PolicyException e = PolicyHarness.refusal("""
                on_http_request:
                  - actions: [{type: basic-auth, config: {credentials: ["alice:"]}}]
                """);
        assertTrue(e.problem().contains("user:password"), e.getMessage());
    }

    @Test
    void rateLimitAnswers429WithRetryAfterPerBucket() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions:
                      - type: rate-limit
                        config: {name: per ip, algorithm: sliding_window, capacity: 3, rate: 60s, bucket_key: [conn.client_ip]}
                """);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, PolicyHarness.status(harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/"))));
        }
        Verdict limited = harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/"));
        assertEquals(429, PolicyHarness.status(limited));
        long retryAfter = Long.parseLong(PolicyHarness.header(limited, "Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertEquals(0, PolicyHarness.status(harness.decide(policy, "192.0.2.2", PolicyHarness.request("GET", "/"))),
                "another client has its own bucket");
    }

    @Test
    void rateLimitAsksTheEnvironmentsCountersAndWaitsForThem() throws PolicyException {
        io.vertx.core.Promise<RateLimitCounters.Decision> answer = io.vertx.core.Promise.promise();
        List<String> keys = new java.util.ArrayList<>();
        RateLimitCounters remote = (key, capacity, window) -> {
            keys.add(key + "|" + capacity + "|" + window.toSeconds());
            return answer.future();
        };
        TrafficPolicy policy = new PolicyCompiler(PolicyEnvironment.of(null, remote, fields -> { }))
                .compile("""
                        on_http_request:
                          - actions:
                              - type: rate-limit
                                config: {name: keys, capacity: 10, rate: 10m, bucket_key: ["req.headers['x-key'][0]"]}
                              - type: add-headers
                                config: {headers: {x-checked: "yes"}}
                        """, "p.yml");
        PolicyRequest request = PolicyHarness.request("GET", "/", "X-Key: k1");
        io.vertx.core.Future<Verdict> verdict = policy.newExchange(PolicyHarness.client("192.0.2.1"), request).onRequest();
        assertEquals(false, verdict.isComplete());
        assertEquals(1, keys.size());
        assertTrue(keys.get(0).startsWith("ep_test|") && keys.get(0).endsWith("|k1|10|600"), keys.get(0));
        answer.complete(new RateLimitCounters.Decision(false, 0, java.time.Duration.ofSeconds(7)));
        assertEquals(429, PolicyHarness.status(verdict.result()));
        assertEquals("7", PolicyHarness.header(verdict.result(), "Retry-After"));
        assertEquals(null, request.header("x-checked"), "actions after a refusal do not run");
    }

    @Test
    void aFailingCounterStoreAnswers503NotAPass() throws PolicyException {
        RateLimitCounters broken = (key, capacity, window) -> io.vertx.core.Future.failedFuture("store down");
        TrafficPolicy policy = new PolicyCompiler(PolicyEnvironment.of(null, broken, fields -> { }))
                .compile("on_http_request:\n  - actions: [{type: rate-limit, config: {name: x, capacity: 1, rate: 60s}}]\n", "p");
        assertEquals(503, PolicyHarness.status(harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/"))));
    }

    @Test
    void circuitBreakerTripsOnUpstreamErrorsAndAnswers503() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions:
                      - type: circuit-breaker
                        config: {error_threshold: 0.5, volume_threshold: 4, window_duration: 60s, tripped_duration: 60s}
                """);
        int[] statuses = {200, 500, 502, 503};
        for (int status : statuses) {
            PolicyExchange exchange = policy.newExchange(PolicyHarness.client("192.0.2.1"), PolicyHarness.request("GET", "/"));
            assertEquals(Verdict.PROCEED, PolicyHarness.decide(exchange));
            exchange.onResponse(new PolicyResponse(status, List.of(Map.entry("Content-Length", "0"))));
        }
        Verdict open = harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/"));
        assertEquals(503, PolicyHarness.status(open));
        assertEquals("circuit-breaker", ((Verdict.Respond) open).action());
    }
}
