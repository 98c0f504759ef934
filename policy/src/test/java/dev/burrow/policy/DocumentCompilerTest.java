package dev.burrow.policy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DocumentCompilerTest {
    private final PolicyHarness harness = new PolicyHarness();

    @Test
    void anEmptyDocumentIsThePolicyThatCostsNothing() throws PolicyException {
        assertSame(TrafficPolicy.none(), harness.compile(""));
        assertSame(TrafficPolicy.none(), harness.compile("on_http_request: []\n"));
    }

    @Test
    void yamlAndJsonOfTheSamePolicyDecideAlike() throws PolicyException {
        TrafficPolicy yaml = harness.compile("""
                on_http_request:
                  - expressions: ["req.url.path.startsWith('/admin')"]
                    actions: [{type: deny, config: {status_code: 404}}]
                """);
        TrafficPolicy json = harness.compile("""
                {"on_http_request": [{"expressions": ["req.url.path.startsWith('/admin')"],
                  "actions": [{"type": "deny", "config": {"status_code": 404}}]}]}
                """);
        for (TrafficPolicy policy : new TrafficPolicy[] {yaml, json}) {
            assertFalse(policy.isEmpty());
            assertEquals(404, PolicyHarness.status(harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/admin/x"))));
            assertEquals(0, PolicyHarness.status(harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/home"))));
        }
    }

    @Test
    void anUnknownPhaseIsRefusedAtItsKeyAndNgroksOldNamesGetAHint() {
        PolicyException e = PolicyHarness.refusal("on_http_request: []\non_http_requests: []\n");
        assertEquals("policy.yml:2:1: unknown phase 'on_http_requests'; phases: on_tcp_connect, on_http_request, on_http_response",
                e.getMessage());
        assertTrue(PolicyHarness.refusal("inbound: []\n").getMessage().contains("write on_http_request"));
    }

    @Test
    void anUnknownRuleKeyIsRefusedAtItsKey() {
        PolicyException e = PolicyHarness.refusal("""
                on_http_request:
                  - name: x
                    expression: ["true"]
                    actions: [{type: deny}]
                """);
        assertEquals(3, e.line());
        assertEquals(5, e.column());
        assertTrue(e.problem().startsWith("unknown key 'expression' in rule"), e.getMessage());
    }

    @Test
    void anActionBurrowLacksIsRefusedByName() {
        PolicyException e = PolicyHarness.refusal("""
                on_http_request:
                  - actions:
                      - type: saml
                        config: {idp_metadata_url: "https://idp.example/metadata"}
                """);
        assertEquals(3, e.line());
        assertEquals(15, e.column());
        assertTrue(e.problem().startsWith("action 'saml' is not supported by Burrow; supported: add-headers, "),
                e.getMessage());
    }

    @Test
    void anActionInAPhaseItCannotRunInIsRefused() {
        PolicyException e = PolicyHarness.refusal("""
                on_tcp_connect:
                  - actions: [{type: add-headers, config: {headers: {a: b}}}]
                """);
        assertTrue(e.problem().contains("cannot run in on_tcp_connect"), e.getMessage());
    }

    @Test
    void badYamlIsRefusedWithItsPlace() {
        PolicyException e = PolicyHarness.refusal("on_http_request:\n  - actions: [\n      {type: deny\n");
        assertEquals("policy.yml", e.source());
        assertTrue(e.line() >= 3, e.getMessage());
        assertTrue(e.problem().startsWith("not valid YAML"), e.getMessage());
    }

    @Test
    void badJsonIsRefusedWithItsPlace() {
        PolicyException e = PolicyHarness.refusal("{\"on_http_request\": [\n  {\"actions\": [}]\n}");
        assertEquals(2, e.line());
        assertTrue(e.problem().startsWith("not valid JSON"), e.getMessage());
    }

    @Test
    void aKeyWrittenTwiceIsRefused() {
        PolicyException e = PolicyHarness.refusal("""
                on_http_request:
                  - actions: [{type: deny}]
                    actions: [{type: deny}]
                """);
        assertEquals(3, e.line());
        assertTrue(e.problem().contains("'actions' is written twice"), e.getMessage());
    }

    @Test
    void aCelErrorPointsAtTheColumnInsideTheExpression() {
        PolicyException unquoted = PolicyHarness.refusal("""
                on_http_request:
                  - expressions:
                      - req.url.path.startsWith('/a') && req.nope == 1
                    actions: [{type: deny}]
                """);
        assertEquals(3, unquoted.line());
        assertEquals(42, unquoted.column(), unquoted.getMessage());
        assertTrue(unquoted.problem().contains("undeclared reference"), unquoted.getMessage());
        PolicyException quoted = PolicyHarness.refusal("""
                on_http_request:
                  - expressions: ["1 + 'a' == 2"]
                    actions: [{type: deny}]
                """);
        assertEquals(2, quoted.line());
        assertEquals(22, quoted.column(), quoted.getMessage());
    }

    @Test
    void anExpressionThatIsNotABooleanIsRefused() {
        PolicyException e = PolicyHarness.refusal("""
                on_http_request:
                  - expressions: ["req.url.path"]
                    actions: [{type: deny}]
                """);
        assertEquals(2, e.line());
        assertTrue(e.problem().contains("req.url.path"), e.getMessage());
    }

    @Test
    void aResponseVariableInARequestRuleIsRefused() {
        PolicyException e = PolicyHarness.refusal("""
                on_http_request:
                  - expressions: ["res.status_code == 500"]
                    actions: [{type: deny}]
                """);
        assertTrue(e.problem().contains("undeclared reference"), e.getMessage());
        assertTrue(e.problem().contains("variables in on_http_request"), e.getMessage());
    }

    @Test
    void aBadActionConfigIsRefusedAtTheValue() {
        PolicyException range = PolicyHarness.refusal("""
                on_http_request:
                  - actions:
                      - type: restrict-ips
                        config:
                          allow: [10.0.0.0/8, 300.1.1.1/32]
                """);
        assertEquals(5, range.line());
        assertTrue(range.problem().contains("'300.1.1.1/32' is not an address range"), range.getMessage());
        PolicyException unknownKey = PolicyHarness.refusal("""
                on_http_request:
                  - actions:
                      - type: deny
                        config:
                          status: 404
                """);
        assertEquals(5, unknownKey.line());
        assertEquals("deny: unknown config key 'status' (known: status_code)", unknownKey.problem());
        PolicyException rate = PolicyHarness.refusal("""
                on_http_request:
                  - actions:
                      - type: rate-limit
                        config: {name: x, algorithm: sliding_window, capacity: 10, rate: 60 seconds, bucket_key: []}
                """);
        assertTrue(rate.problem().contains("'60 seconds' is not a duration"), rate.getMessage());
        PolicyException header = PolicyHarness.refusal("""
                on_http_request:
                  - actions: [{type: custom-response, config: {headers: {"bad name": x}}}]
                """);
        assertTrue(header.problem().contains("'bad name' is not a valid header name"), header.getMessage());
    }

    @Test
    void aPolicyFromNgroksDocsCompilesUnchanged() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - expressions:
                      - "!inCidrRanges(conn.client_ip, ['192.0.2.0/24'])"
                    actions:
                      - type: custom-response
                        config:
                          status_code: 403
                          body: "Access denied for ${conn.client_ip}"
                  - expressions:
                      - "req.url.path.startsWith('/api')"
                    actions:
                      - type: rate-limit
                        config:
                          name: Only allow 30 requests per minute
                          algorithm: sliding_window
                          capacity: 30
                          rate: 60s
                          bucket_key:
                            - conn.client_ip
                      - type: add-headers
                        config:
                          headers:
                            x-client-ip: "${conn.client_ip}"
                  - actions:
                      - type: basic-auth
                        config:
                          realm: admin
                          credentials:
                            - user:password1
                on_http_response:
                  - expressions:
                      - "res.status_code >= 500"
                    actions:
                      - type: custom-response
                        config:
                          status_code: 503
                          headers:
                            content-type: text/plain
                          body: Sorry, try again later
                  - actions:
                      - type: compress-response
                        config:
                          algorithms: [gzip, br, deflate]
                      - type: remove-headers
                        config:
                          headers: [server]
                """);
        Verdict refused = harness.decide(policy, "198.51.100.7", PolicyHarness.request("GET", "/"));
        assertEquals(403, PolicyHarness.status(refused));
        assertEquals("Access denied for 198.51.100.7", PolicyHarness.body(refused));
    }
}
