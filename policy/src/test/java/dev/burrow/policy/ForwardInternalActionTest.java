package dev.burrow.policy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** forward-internal: what it compiles from, the target it renders by path, and the urls it refuses. */
class ForwardInternalActionTest {
    private final PolicyHarness harness = new PolicyHarness();

    @Test
    void theUrlIsInterpolatedPerRequestAndTheActionEndsThePhase() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions:
                      - type: add-headers
                        config: {headers: {x-routed: "yes"}}
                      - type: forward-internal
                        config: {url: "https://${req.url.path.startsWith('/api') ? 'api' : 'web'}.internal"}
                      - type: deny
                """);
        assertEquals(new Verdict.ForwardInternal("https://api.internal", "forward-internal"),
                harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/api/users")));
        assertEquals(new Verdict.ForwardInternal("https://web.internal", "forward-internal"),
                harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/index.html")));
    }

    @Test
    void aLiteralUrlThatIsNoInternalEndpointIsRefusedAtCompileTime() {
        for (String url : java.util.List.of("https://api.example.com", "https://api.internal/path", "ftp://api.internal",
                "https://.internal", "https://user@api.internal")) {
            PolicyException e = PolicyHarness.refusal("""
                    on_http_request:
                      - actions:
                          - type: forward-internal
                            config: {url: "%s"}
                    """.formatted(url));
            assertTrue(e.problem().contains("an internal endpoint's url is https://NAME.internal"), url + ": " + e.getMessage());
        }
        PolicyException noUrl = PolicyHarness.refusal("""
                on_http_request:
                  - actions: [{type: forward-internal, config: {}}]
                """);
        assertTrue(noUrl.problem().contains("url: is required"), noUrl.getMessage());
        assertTrue(PolicyHarness.refusal("""
                on_http_request:
                  - actions: [{type: forward-internal, config: {url: "https://a.internal", on_error: ignore}}]
                """).problem().contains("on_error is halt or continue"));
        assertTrue(PolicyHarness.refusal("""
                on_http_response:
                  - actions: [{type: forward-internal, config: {url: "https://a.internal"}}]
                """).getMessage().contains("forward-internal"));
    }

    /**
     * {@code on_error: continue}: the action asks whether the account's endpoint is there (for this endpoint's id); when
     * it is, it forwards as with halt; when it is not, or the url renders to no internal endpoint, the phase goes on with
     * the next action and the next rule, and the trail says why.
     */
    @Test
    void withOnErrorContinueAMissingEndpointLetsThePhaseGoOn() throws PolicyException {
        java.util.List<String> asked = new java.util.ArrayList<>();
        PolicyEnvironment environment = harness.environment.withInternalEndpoints((from, url) -> {
            asked.add(from + " " + url);
            return io.vertx.core.Future.succeededFuture(url.equals("https://api.internal"));
        });
        TrafficPolicy policy = new PolicyCompiler(environment).compile("""
                on_http_request:
                  - name: fan out
                    actions:
                      - type: forward-internal
                        config: {url: "https://${req.url.query}.internal", on_error: continue}
                      - type: add-headers
                        config: {headers: {x-fell-through: "yes"}}
                  - name: admin stays closed
                    expressions: ["req.url.path == '/admin'"]
                    actions: [{type: deny, config: {status_code: 403}}]
                """, "policy.yml");

        assertEquals(new Verdict.ForwardInternal("https://api.internal", "forward-internal"),
                harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/x?api")));
        PolicyRequest missing = PolicyHarness.request("GET", "/x?gone");
        PolicyExchange exchange = policy.newExchange(PolicyHarness.client("192.0.2.1"), missing);
        assertEquals(Verdict.PROCEED, PolicyHarness.decide(exchange), "on to this endpoint's own agent");
        assertEquals("yes", missing.header("x-fell-through"), "the next action ran");
        assertTrue(exchange.trail().get(0).actions().get(0).contains("https://gone.internal: no internal endpoint of this "
                + "account serves it; continuing (on_error: continue)"), exchange.trail().toString());
        assertEquals(403, PolicyHarness.status(harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/admin?gone"))),
                "the next rules run too");
        assertEquals(Verdict.PROCEED, harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/x?evil.example.com/")),
                "a url that renders to no internal endpoint goes on too, with continue");
        assertEquals(java.util.List.of("ep_test https://api.internal", "ep_test https://gone.internal",
                "ep_test https://gone.internal"), asked);
    }

    @Test
    void withOnErrorHaltNothingIsAskedAndAMissingEndpointIsTheEdgesToAnswer() throws PolicyException {
        PolicyEnvironment environment = harness.environment.withInternalEndpoints((from, url) -> {
            throw new AssertionError("halt asks nothing");
        });
        TrafficPolicy policy = new PolicyCompiler(environment).compile("""
                on_http_request:
                  - actions:
                      - type: forward-internal
                        config: {url: "https://gone.internal", on_error: halt}
                      - type: deny
                """, "policy.yml");
        assertEquals(new Verdict.ForwardInternal("https://gone.internal", "forward-internal"),
                harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/")));
    }

    @Test
    void anInterpolatedUrlThatRendersToNoInternalEndpointFailsTheActionWith503() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions:
                      - type: forward-internal
                        config: {url: "https://${req.url.query}"}
                """);
        Verdict verdict = harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/?evil.example.com"));
        assertEquals(503, PolicyHarness.status(verdict), "a rendered public name is never forwarded to: " + verdict);
    }
}
