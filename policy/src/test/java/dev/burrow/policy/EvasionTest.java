package dev.burrow.policy;

import dev.burrow.policy.engine.PathNormaliser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The spellings and spoofs a visitor may try against a rule; each must meet the rule as the plain form would. */
class EvasionTest {
    private static final String ADMIN_GUARD = """
            on_http_request:
              - expressions: ["req.url.path.startsWith('/admin')"]
                actions: [{type: deny}]
            """;
    private final PolicyHarness harness = new PolicyHarness();

    @ParameterizedTest
    @ValueSource(strings = {"/admin", "//admin", "///admin/x", "/x/../admin", "/./admin", "/%2fadmin", "/%2Fadmin",
            "/x/%2e%2e/admin", "/x/%2E%2E%2fadmin", "/%61dmin", "/x/..%2fadmin", "/\\admin", "/a/b/../../admin/",
            "/../admin", "/admin?x=1"})
    void everySpellingOfAdminIsDenied(String target) throws PolicyException {
        TrafficPolicy policy = harness.compile(ADMIN_GUARD);
        assertEquals(403, PolicyHarness.status(harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", target))),
                target);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/administrator/../home", "/adm", "/home/admin", "/%252fadmin"})
    void pathsThatAreNotUnderAdminPass(String target) throws PolicyException {
        TrafficPolicy policy = harness.compile(ADMIN_GUARD);
        assertEquals(0, PolicyHarness.status(harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", target))),
                target);
    }

    @Test
    void theNormalisedPathIsWhatTheDocsSay() {
        assertEquals("/admin", PathNormaliser.normalise("//admin"));
        assertEquals("/admin/", PathNormaliser.normalise("/admin/."));
        assertEquals("/", PathNormaliser.normalise(""));
        assertEquals("/", PathNormaliser.normalise("/.."));
        assertEquals("/a b/é", PathNormaliser.normalise("/a%20b/%C3%A9"));
        assertEquals("/%zz/%2", PathNormaliser.normalise("/%zz/%2"));
        assertEquals("/%2fadmin", PathNormaliser.normalise("/%252fadmin"));
    }

    @Test
    void aSpoofedForwardedForNeverCountsAsTheClientForRestrictIps() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - actions: [{type: restrict-ips, config: {allow: [203.0.113.0/24]}}]
                """);
        Verdict spoofed = harness.decide(policy, "198.51.100.7", PolicyHarness.request("GET", "/",
                "X-Forwarded-For: 203.0.113.9", "X-Real-IP: 203.0.113.9", "Forwarded: for=203.0.113.9",
                "True-Client-IP: 203.0.113.9", "CF-Connecting-IP: 203.0.113.9"));
        assertEquals(403, PolicyHarness.status(spoofed));
        assertEquals(0, PolicyHarness.status(harness.decide(policy, "203.0.113.9", PolicyHarness.request("GET", "/",
                "X-Forwarded-For: 198.51.100.7"))));
    }

    @Test
    void headerNamesMatchInAnyCase() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_http_request:
                  - expressions: ["'x-debug' in req.headers", "hasReqHeader('X-DEBUG')", "getReqHeader('x-Debug') == ['1']"]
                    actions: [{type: deny}]
                  - actions: [{type: remove-headers, config: {headers: [x-secret]}}]
                """);
        for (String spelling : new String[] {"x-debug", "X-Debug", "X-DEBUG", "x-DeBuG"}) {
            assertEquals(403, PolicyHarness.status(harness.decide(policy, "192.0.2.1",
                    PolicyHarness.request("GET", "/", spelling + ": 1"))), spelling);
        }
        PolicyRequest request = PolicyHarness.request("GET", "/", "X-SECRET: a", "x-Secret: b", "Other: c");
        assertEquals(0, PolicyHarness.status(harness.decide(policy, "192.0.2.1", request)));
        assertEquals(null, request.header("x-secret"));
        assertEquals("c", request.header("other"));
    }

    @Test
    void anIpv4MappedIpv6ClientIsTheSameClient() throws PolicyException {
        TrafficPolicy policy = harness.compile("""
                on_tcp_connect:
                  - actions: [{type: restrict-ips, config: {deny: [203.0.113.0/24]}}]
                """);
        assertEquals(Verdict.Close.class, policy.onTcpConnect(PolicyHarness.client("::ffff:203.0.113.9")).result().getClass());
        assertEquals(Verdict.PROCEED, policy.onTcpConnect(PolicyHarness.client("::ffff:198.51.100.1")).result());
    }
}
