package dev.burrow.policy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The actions that change what passes, answer instead of the upstream, or write down what happened. */
class TransformActionsTest {
    private final PolicyHarness harness = new PolicyHarness();

    @Test
    void addAndRemoveHeadersEditTheRequestAndTheResponse() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions:
                      - type: remove-headers
                        config: {headers: [Cookie]}
                      - type: add-headers
                        config: {headers: {x-client-ip: "${conn.client_ip}", x-evil: "a${'\\\\r\\\\n'}b"}}
                on_http_response:
                  - actions:
                      - type: remove-headers
                        config: {headers: [server, X-Powered-By]}
                      - type: add-headers
                        config: {headers: {strict-transport-security: max-age=31536000}}
                """);
        PolicyRequest request = PolicyHarness.request("GET", "/", "cookie: a=1", "Accept: */*");
        PolicyExchange exchange = policy.newExchange(PolicyHarness.client("192.0.2.8"), request);
        assertEquals(Verdict.PROCEED, PolicyHarness.decide(exchange));
        assertNull(request.header("cookie"));
        assertEquals("192.0.2.8", request.header("x-client-ip"));
        assertEquals("a  b", request.header("x-evil"));
        PolicyResponse response = new PolicyResponse(200, List.of(Map.entry("Server", "nginx"),
                Map.entry("x-powered-by", "php"), Map.entry("Content-Type", "text/plain")));
        assertEquals(Verdict.PROCEED, exchange.onResponse(response));
        assertEquals(List.of(Map.entry("Content-Type", "text/plain"),
                Map.entry("strict-transport-security", "max-age=31536000")), response.headers());
    }

    @Test
    void addHeadersWithHostRewritesTheHostTheUpstreamSees() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions: [{type: add-headers, config: {headers: {host: "localhost:5173"}}}]
                """);
        PolicyRequest request = PolicyHarness.request("GET", "/");
        harness.decide(policy, "192.0.2.1", request);
        assertEquals("localhost:5173", request.host());
        assertEquals("localhost:5173", request.header("host"));
        assertEquals(1, request.headers().stream().filter(h -> h.getKey().equalsIgnoreCase("host")).count());
    }

    @Test
    void redirectBuildsTheLocationFromCaptures() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions:
                      - type: redirect
                        config:
                          from: "^http://([^/]+)/(.*)$"
                          to: "https://$1/$2"
                          status_code: 301
                          headers: {x-why: "${req.method}"}
                  - expressions: ["req.url.path == '/old'"]
                    actions: [{type: redirect, config: {to: /new}}]
                """);
        PolicyRequest plain = new PolicyRequest("GET", "http", "demo.localhost", "/a/b", "q=1",
                List.of(Map.entry("Host", "demo.localhost")), -1);
        Verdict upgrade = harness.decide(policy, "192.0.2.1", plain);
        assertEquals(301, PolicyHarness.status(upgrade));
        assertEquals("https://demo.localhost/a/b?q=1", PolicyHarness.header(upgrade, "Location"));
        assertEquals("GET", PolicyHarness.header(upgrade, "x-why"));
        Verdict moved = harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/old"));
        assertEquals(302, PolicyHarness.status(moved));
        assertEquals("/new", PolicyHarness.header(moved, "Location"));
    }

    @Test
    void urlRewriteChangesPathAndQueryOnlyWhereFromMatches() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions:
                      - type: url-rewrite
                        config: {from: "/products/([0-9]+)(\\\\?.*)?$", to: "/items?id=$1"}
                """);
        PolicyRequest request = PolicyHarness.request("GET", "/products/42?utm=x");
        PolicyExchange exchange = policy.newExchange(PolicyHarness.client("192.0.2.1"), request);
        assertEquals(Verdict.PROCEED, PolicyHarness.decide(exchange));
        assertEquals("/items", request.path());
        assertEquals("id=42", request.query());
        assertEquals(List.of("url-rewrite: /products/42?utm=x -> /items?id=42"), exchange.trail().get(0).actions());
        PolicyRequest other = PolicyHarness.request("GET", "/about");
        harness.decide(policy, "192.0.2.1", other);
        assertEquals("/about", other.target());
    }

    @Test
    void aBacktrackingRegexCannotStallOnAHostileUrl() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions: [{type: url-rewrite, config: {from: "/(a+)+$", to: "/x"}}]
                """);
        PolicyRequest hostile = PolicyHarness.request("GET", "/" + "a".repeat(5000) + "!");
        long start = System.nanoTime();
        harness.decide(policy, "192.0.2.1", hostile);
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(true, millis < 2000, "took " + millis + " ms (a backtracking engine needs years here)");
        assertEquals("/" + "a".repeat(5000) + "!", hostile.path());
    }

    @Test
    void customResponseAnswersWithStatusHeadersAndBody() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - expressions: ["req.url.path == '/health'"]
                    actions:
                      - type: custom-response
                        config:
                          status_code: 200
                          headers: {content-type: application/json}
                          body: '{"ok": true, "from": "${conn.client_ip}"}'
                """);
        Verdict verdict = harness.decide(policy, "192.0.2.3", PolicyHarness.request("GET", "/health"));
        assertEquals(200, PolicyHarness.status(verdict));
        assertEquals("application/json", PolicyHarness.header(verdict, "content-type"));
        assertEquals("{\"ok\": true, \"from\": \"192.0.2.3\"}", PolicyHarness.body(verdict));
    }

    @Test
    void logWritesFieldsToTheAccessLog() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions:
                      - type: log
                        config: {metadata: {agent: "${req.user_agent}", note: fixed}}
                """);
        harness.decide(policy, "192.0.2.4", PolicyHarness.request("GET", "/x?y=1", "User-Agent: curl/8"));
        assertEquals(1, harness.logged.size());
        Map<String, Object> fields = harness.logged.get(0);
        assertEquals("on_http_request", fields.get("phase"));
        assertEquals("ep_test", fields.get("endpoint"));
        assertEquals("192.0.2.4", fields.get("client_ip"));
        assertEquals("GET", fields.get("method"));
        assertEquals("/x?y=1", fields.get("target"));
        assertEquals("curl/8", fields.get("agent"));
        assertEquals("fixed", fields.get("note"));
    }

    @Test
    void theTrailNamesRulesMatchedAndActionsRun() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - name: office only
                    expressions: ["req.url.path.startsWith('/admin')"]
                    actions: [{type: restrict-ips, config: {allow: [10.0.0.0/8]}}]
                  - actions: [{type: add-headers, config: {headers: {x-a: b}}}]
                """);
        PolicyExchange exchange = policy.newExchange(PolicyHarness.client("203.0.113.9"), PolicyHarness.request("GET", "/admin"));
        assertEquals(403, PolicyHarness.status(PolicyHarness.decide(exchange)));
        assertEquals(List.of(new TrailEntry("on_http_request", "office only", true,
                List.of("restrict-ips: refused 203.0.113.9 -> 403"))), exchange.trail());
    }
}
