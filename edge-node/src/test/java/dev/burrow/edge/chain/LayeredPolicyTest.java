package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointState;
import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.PolicyCompiler;
import dev.burrow.policy.PolicyEnvironment;
import dev.burrow.policy.PolicyExchange;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.PolicyResponse;
import dev.burrow.policy.TrafficPolicy;
import dev.burrow.policy.TrailEntry;
import dev.burrow.policy.Verdict;
import dev.burrow.protocol.EndpointSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster's, the tenant's and the endpoint's policies run as one, in that order, in every phase; the first
 * terminating verdict ends the phase; a later layer sees what an earlier one edited; decisions are counted by action
 * and outcome and named by layer and rule.
 */
class LayeredPolicyTest {
    private static Vertx vertx;
    private static PolicyCompiler compiler;
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private final List<String> refusals = new ArrayList<>();
    private final Endpoint endpoint = new Endpoint("ep_1", EndpointProtocol.HTTP, "app.localhost", 0, "s_1", "t:acme",
            EndpointState.ONLINE, EndpointSettings.DEFAULTS);

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        compiler = new PolicyCompiler(PolicyEnvironment.local(vertx));
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    @Test
    void anOperatorsTerminatingActionEndsThePhaseBeforeTheLaterLayersRun() throws Exception {
        PolicyExchange exchange = layers("""
                on_http_request:
                  - name: blocked
                    expressions: ["hasReqHeader('x-blocked')"]
                    actions: [{type: deny, config: {status_code: 451}}]
                """, """
                on_http_request:
                  - name: office only
                    actions: [{type: restrict-ips, config: {allow: [127.0.0.1/32]}}]
                """, """
                on_http_request:
                  - name: own
                    actions: [{type: add-headers, config: {headers: {x-own: "1"}}}]
                """).newExchange(facts("203.0.113.9"), request("x-blocked", "1"));
        Verdict verdict = exchange.onRequest().result();
        assertEquals(451, assertInstanceOf(Verdict.Respond.class, verdict).status());
        assertEquals(List.of("cluster policy: blocked"), exchange.trail().stream().map(TrailEntry::rule).toList());
        assertEquals(1.0, metrics.counter("burrow_policy_actions", "action", "deny", "outcome", "terminated").count());
        assertEquals(List.of("cluster policy: blocked (deny)"), refusals);
    }

    @Test
    void theTenantsAllowListCannotBeLiftedByTheEndpointsOwnPolicy() throws Exception {
        PolicyExchange exchange = layers(null, """
                on_http_request:
                  - name: office only
                    actions: [{type: restrict-ips, config: {allow: [127.0.0.1/32]}}]
                """, """
                on_http_request:
                  - name: let everybody in
                    actions: [{type: restrict-ips, config: {allow: [0.0.0.0/0]}}]
                """).newExchange(facts("203.0.113.9"), request());
        assertEquals(403, assertInstanceOf(Verdict.Respond.class, exchange.onRequest().result()).status());
        assertEquals(List.of("tenant policy: office only (restrict-ips)"), refusals);
        assertEquals(0.0, metrics.counter("burrow_policy_rule_matches", "layer", "endpoint policy", "phase", "on_http_request").count());
    }

    @Test
    void laterLayersSeeEarlierEditsAndTheResponsePhaseRunsInTheSameOrder() throws Exception {
        PolicyRequest request = request();
        PolicyExchange exchange = layers("""
                on_http_response:
                  - actions: [{type: add-headers, config: {headers: {x-order: cluster}}}]
                """, """
                on_http_request:
                  - actions: [{type: add-headers, config: {headers: {x-tenant: acme}}}]
                on_http_response:
                  - actions: [{type: add-headers, config: {headers: {x-order: tenant}}}]
                """, """
                on_http_request:
                  - name: sees the tenant's header
                    expressions: ["getReqHeader('x-tenant')[0] == 'acme'"]
                    actions: [{type: add-headers, config: {headers: {x-seen: "yes"}}}]
                on_http_response:
                  - actions: [{type: add-headers, config: {headers: {x-order: endpoint}}}]
                """).newExchange(facts("127.0.0.1"), request);
        assertSame(Verdict.PROCEED, exchange.onRequest().result());
        assertEquals("yes", request.header("x-seen"));
        PolicyResponse response = new PolicyResponse(200, new ArrayList<>());
        assertSame(Verdict.PROCEED, exchange.onResponse(response));
        assertEquals(List.of("cluster", "tenant", "endpoint"), response.headers().stream()
                .filter(h -> h.getKey().equalsIgnoreCase("x-order")).map(Map.Entry::getValue).toList());
        assertEquals(5.0, metrics.counter("burrow_policy_actions", "action", "add-headers", "outcome", "continued").count(),
                "two request-phase and three response-phase add-headers ran");
        assertTrue(refusals.isEmpty());
    }

    @Test
    void aConnectionRefusedByTheTenantIsClosedAndNamedByItsRule() throws Exception {
        TrafficPolicy policy = layers(null, """
                on_tcp_connect:
                  - name: office only
                    actions: [{type: restrict-ips, config: {allow: [127.0.0.1/32]}}]
                """, "on_tcp_connect: [{name: never runs, actions: [{type: deny}]}]");
        Verdict verdict = ((LayeredPolicy) policy).onTcpConnect(facts("203.0.113.9")).result();
        assertInstanceOf(Verdict.Close.class, verdict);
        assertEquals(1.0, metrics.counter("burrow_policy_actions", "action", "restrict-ips", "outcome", "terminated").count());
        assertEquals(0.0, metrics.counter("burrow_policy_actions", "action", "deny", "outcome", "terminated").count());
    }

    @Test
    void anEndpointWithoutAnyPolicyCostsNothing() {
        PolicyLayers layers = new PolicyLayers(OperatorPolicies.NONE, new EndpointPolicies(compiler::compile),
                new PolicyDecisions(metrics, RefusalNotices.NONE));
        assertSame(TrafficPolicy.none(), layers.of(endpoint));
    }

    @Test
    void anEndpointKeepsOneLayeredPolicyWhileItsLayersStayTheSame() throws Exception {
        EndpointPolicies endpoints = new EndpointPolicies(compiler::compile);
        Endpoint policed = new Endpoint("ep_2", EndpointProtocol.HTTP, "b.localhost", 0, "s_1", "t:acme", EndpointState.ONLINE,
                EndpointSettings.DEFAULTS.withTrafficPolicy("on_http_request: [{actions: [{type: deny}]}]"));
        PolicyLayers layers = new PolicyLayers(OperatorPolicies.NONE, endpoints, new PolicyDecisions(metrics, RefusalNotices.NONE));
        TrafficPolicy first = layers.of(policed);
        assertSame(first, layers.of(policed), "a connection tells the policy whose connect phase ran by identity");
        Endpoint reconnected = new Endpoint("ep_2", EndpointProtocol.HTTP, "b.localhost", 0, "s_2", "t:acme", EndpointState.ONLINE,
                policed.settings());
        assertTrue(first != layers.of(reconnected), "another session serves it: refusals go to that one");
        layers.forget("ep_2");
        assertTrue(first != layers.of(policed));
    }

    @Test
    void theIdentityOfTheFirstLayerThatLoggedTheVisitorInIsTheExchanges() throws Exception {
        dev.burrow.policy.VisitorIdentity operators = new dev.burrow.policy.VisitorIdentity("oidc", "alice", "alice@example.test",
                "Alice", "https://id.example");
        dev.burrow.policy.VisitorIdentity endpoints = new dev.burrow.policy.VisitorIdentity("github", "583231", "", "", "https://github.com");
        TrafficPolicy[] policies = {TrafficPolicy.none(), loggedIn(operators), loggedIn(endpoints)};
        PolicyExchange exchange = new LayeredPolicy(policies, endpoint, new PolicyDecisions(metrics, (e, c, r, s, d, t) -> { }))
                .newExchange(facts("127.0.0.1"), request());
        assertEquals(Verdict.PROCEED, exchange.onRequest().result());
        assertEquals(operators, exchange.visitorIdentity(), "an endpoint's login cannot replace the operator's");
        PolicyExchange anonymous = layers(null, null, "on_http_request:\n  - actions: [{type: add-headers, config: {headers: {x: y}}}]\n")
                .newExchange(facts("127.0.0.1"), request());
        anonymous.onRequest().result();
        assertEquals(null, anonymous.visitorIdentity());
    }

    /** A policy whose every exchange goes on with {@code identity} logged in. */
    private static TrafficPolicy loggedIn(dev.burrow.policy.VisitorIdentity identity) {
        return new TrafficPolicy() {
            @Override
            public boolean isEmpty() {
                return false;
            }

            @Override
            public io.vertx.core.Future<Verdict> onTcpConnect(ConnectionFacts connection) {
                return io.vertx.core.Future.succeededFuture(Verdict.PROCEED);
            }

            @Override
            public PolicyExchange newExchange(ConnectionFacts connection, PolicyRequest request) {
                return new PolicyExchange() {
                    @Override
                    public io.vertx.core.Future<Verdict> onRequest() {
                        return io.vertx.core.Future.succeededFuture(Verdict.PROCEED);
                    }

                    @Override
                    public dev.burrow.policy.VisitorIdentity visitorIdentity() {
                        return identity;
                    }
                };
            }
        };
    }

    private TrafficPolicy layers(String cluster, String tenant, String own) throws Exception {
        TrafficPolicy[] policies = {compile(cluster), compile(tenant), compile(own)};
        RefusalNotices notices = (e, c, r, status, decision, trail) -> refusals.add(decision);
        return new LayeredPolicy(policies, endpoint, new PolicyDecisions(metrics, notices));
    }

    private static TrafficPolicy compile(String document) throws Exception {
        return document == null ? TrafficPolicy.none() : compiler.compile(document, "test");
    }

    private ConnectionFacts facts(String clientIp) {
        return new ConnectionFacts(clientIp, 40000, 80, null, new ConnectionFacts.EndpointFacts(endpoint.id(), "http://app.localhost", "http"));
    }

    private static PolicyRequest request(String... header) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("Host", "app.localhost"));
        if (header.length == 2) {
            headers.add(Map.entry(header[0], header[1]));
        }
        return new PolicyRequest("GET", "http", "app.localhost", "/", null, headers, -1);
    }
}
