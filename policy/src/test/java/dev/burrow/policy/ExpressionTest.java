package dev.burrow.policy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Variables, helpers and ${CEL} interpolation, each seen through a custom-response that shows what it read. */
class ExpressionTest {
    private final PolicyHarness harness = new PolicyHarness();

    private String show(String template, String ip, PolicyRequest request) throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions:
                      - type: custom-response
                        config: {status_code: 200, body: "%s"}
                """.formatted(template.replace("\"", "\\\"")));
        return PolicyHarness.body(harness.decide(policy, ip, request));
    }

    private boolean holds(String expression, String ip, PolicyRequest request) throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - expressions: ["%s"]
                    actions: [{type: deny, config: {status_code: 418}}]
                """.formatted(expression.replace("\"", "\\\"")));
        return PolicyHarness.status(harness.decide(policy, ip, request)) == 418;
    }

    @Test
    void requestVariablesReadTheHead() throws PolicyException {
        PolicyRequest request = PolicyHarness.request("POST", "/a//b/../c?x=1&y=two+words&x=3",
                "User-Agent: curl/8.5", "Cookie: session=abc; theme=\"dark\"", "Content-Type: application/json");
        assertEquals("POST|/a/c|/a//b/../c|x=1&y=two+words&x=3|demo.localhost|https|curl/8.5|application/json",
                show("${req.method}|${req.url.path}|${req.url.raw_path}|${req.url.query}|${req.url.host}"
                        + "|${req.url.scheme}|${req.user_agent}|${req.content_type}", "192.0.2.1", request));
        assertEquals("https://demo.localhost/a//b/../c?x=1&y=two+words&x=3", show("${req.url}", "192.0.2.1", request));
        assertEquals("[1,3]|[two words]|true|false|abc|dark|-1",
                show("${getQueryParam('x')}|${getQueryParam('y')}|${hasQueryParam('x')}|${hasQueryParam('z')}"
                        + "|${getReqCookie('session')}|${req.cookies['theme'][0].value}|${req.content_length}",
                        "192.0.2.1", request));
    }

    @Test
    void connectionAndEndpointVariablesReadTheFacts() throws PolicyException {
        assertEquals("198.51.100.4|40000|443|ep_test|https://demo.localhost|https|",
                show("${conn.client_ip}|${conn.client_port}|${conn.server_port}|${endpoint.id}|${endpoint.url}"
                        + "|${endpoint.protocol}|${conn.tls.version}", "198.51.100.4", PolicyHarness.request("GET", "/")));
    }

    @Test
    void theClientCertificateOfAMutualTlsConnectionIsReadAsConnTlsClientVariables() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - expressions: ["'alice.example' in conn.tls.client.san.dns"]
                    actions:
                      - type: custom-response
                        config: {status_code: 200, body: "${conn.tls.client.subject.common_name}|${conn.tls.client.issuer.common_name}|${conn.tls.client.serial_number}|${conn.tls.client.fingerprint.sha256}|${conn.tls.server_name}|${conn.tls.version}"}
                """);
        ConnectionFacts.ClientCertificate alice = new ConnectionFacts.ClientCertificate("CN=alice,O=Example", "alice",
                "CN=Clients CA", "Clients CA", "1f", "ab12", List.of("alice.example"), List.of());
        ConnectionFacts facts = new ConnectionFacts("192.0.2.7", 40000, 443,
                new ConnectionFacts.TlsFacts("TLSv1.3", "TLS_AES_128_GCM_SHA256", "secure.localhost", alice), PolicyHarness.ENDPOINT);
        Verdict verdict = PolicyHarness.decide(policy.newExchange(facts, PolicyHarness.request("GET", "/")));
        assertEquals("alice|Clients CA|1f|ab12|secure.localhost|TLSv1.3", PolicyHarness.body(verdict));
        assertEquals("|||", show("${conn.tls.client.subject.common_name}|${conn.tls.client.serial_number}"
                + "|${conn.tls.client.fingerprint.sha256}|", "192.0.2.7", PolicyHarness.request("GET", "/")), "no TLS: empty strings");
    }

    @Test
    void cidrHelpersCoverIpv4AndIpv6() throws PolicyException {
        PolicyRequest request = PolicyHarness.request("GET", "/");
        assertEquals(true, holds("inCidrRange(conn.client_ip, '10.0.0.0/8')", "10.20.30.40", request));
        assertEquals(false, holds("inCidrRange(conn.client_ip, '10.0.0.0/8')", "11.0.0.1", request));
        assertEquals(true, holds("inCidrRange(conn.client_ip, '2001:db8::/32')", "2001:db8::7", request));
        assertEquals(true, holds("inCidrRanges(conn.client_ip, ['192.0.2.0/24', '10.1.0.0/16'])", "10.1.2.3", request));
        assertEquals(false, holds("inCidrRanges(conn.client_ip, ['192.0.2.0/24', '10.1.0.0/16'])", "10.2.2.3", request));
        assertEquals(true, holds("inCidrRange('172.16.5.4', '172.16.0.0/12')", "192.0.2.1", request));
    }

    @Test
    void anExpressionThatCannotBeEvaluatedDoesNotHoldAndSaysWhyInTheTrail() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - name: needs a header
                    expressions: ["req.headers['x-api-key'][0] == 'k'"]
                    actions: [{type: deny}]
                """);
        PolicyExchange exchange = policy.newExchange(PolicyHarness.client("192.0.2.1"), PolicyHarness.request("GET", "/"));
        assertEquals(Verdict.PROCEED, PolicyHarness.decide(exchange));
        TrailEntry entry = exchange.trail().get(0);
        assertEquals("needs a header", entry.rule());
        assertEquals(false, entry.matched());
        assertEquals(true, entry.actions().get(0).contains("failed"), entry.toString());
    }

    @Test
    void setVarsFeedsLaterRulesAndActionResultsArePublished() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions:
                      - type: set-vars
                        config:
                          vars:
                            - tier: "${req.headers['x-tier'][0]}"
                            - limit: 5
                  - expressions: ["vars.tier == 'gold'"]
                    actions:
                      - type: restrict-ips
                        config: {allow: [0.0.0.0/0]}
                      - type: custom-response
                        config:
                          body: "${vars.tier} ${vars.limit} ${actions.ngrok.restrict_ips.allowed}"
                """);
        Verdict verdict = harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/", "X-Tier: gold"));
        assertEquals("gold 5 true", PolicyHarness.body(verdict));
    }

    @Test
    void interpolationSkipsBracesInsideCel() throws PolicyException {
        assertEquals("v=b!", show("v=${{'a': 'b'}['a']}!", "192.0.2.1", PolicyHarness.request("GET", "/")));
        assertEquals("x}y", show("${'x}y'}", "192.0.2.1", PolicyHarness.request("GET", "/")));
    }

    @Test
    void responseVariablesAndHelpersReadTheResponseHead() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_response:
                  - expressions:
                      - res.status_code == 500
                      - res.content_type.startsWith('text/html')
                      - "'x-trace' in res.headers"
                      - getResHeader('X-Trace') == ['t1']
                      - time.now > timestamp('2020-01-01T00:00:00Z')
                    actions:
                      - type: custom-response
                        config: {status_code: 502, body: "upstream failed ${res.headers['x-trace'][0]}"}
                """);
        PolicyExchange exchange = policy.newExchange(PolicyHarness.client("192.0.2.1"), PolicyHarness.request("GET", "/"));
        assertEquals(Verdict.PROCEED, PolicyHarness.decide(exchange));
        Verdict verdict = exchange.onResponse(new PolicyResponse(500,
                List.of(Map.entry("Content-Type", "text/html; charset=utf-8"), Map.entry("X-Trace", "t1"))));
        assertEquals(502, PolicyHarness.status(verdict));
        assertEquals("upstream failed t1", PolicyHarness.body(verdict));
    }
}
