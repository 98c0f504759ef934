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
                  - actions: [{type: forward-internal, config: {url: "https://a.internal", on_error: continue}}]
                """).problem().contains("on_error continue is not supported"));
        assertTrue(PolicyHarness.refusal("""
                on_http_response:
                  - actions: [{type: forward-internal, config: {url: "https://a.internal"}}]
                """).getMessage().contains("forward-internal"));
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
