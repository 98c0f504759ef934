package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointState;
import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.PolicyExchange;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.TrafficPolicy;
import dev.burrow.policy.Verdict;
import dev.burrow.protocol.EndpointSettings;
import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A compiled policy is closed (its login clients released) once nothing serves it: replaced, forgotten, or only checked. */
class EndpointPoliciesTest {
    private final List<CountedPolicy> compiled = new ArrayList<>();
    private final EndpointPolicies policies = new EndpointPolicies((document, source) -> {
        CountedPolicy policy = new CountedPolicy();
        compiled.add(policy);
        return policy;
    });

    private static Endpoint endpoint(String document) {
        return new Endpoint("ep_1", EndpointProtocol.HTTP, "app.localhost", 0, "s_1", "t:acme", EndpointState.ONLINE,
                EndpointSettings.DEFAULTS.withTrafficPolicy(document));
    }

    private long open() {
        return compiled.stream().filter(policy -> policy.closes == 0).count();
    }

    @Test
    void replacingAnEndpointsPolicyTwentyTimesKeepsOneOpen() throws Exception {
        for (int i = 0; i < 20; i++) {
            TrafficPolicy policy = policies.of(endpoint("version " + i));
            assertSame(policy, policies.of(endpoint("version " + i)), "the same document is compiled once");
            assertEquals(1, open(), "after replacement " + i);
        }
        policies.forget("ep_1");
        assertEquals(0, open(), "the endpoint went");
        policies.check("only checked at bind");
        assertEquals(0, open(), "a document compiled only to check it is closed at once");
        assertEquals(21, compiled.size());
        assertEquals(21, compiled.stream().mapToInt(policy -> policy.closes).sum(), "each closed exactly once");
    }

    private static final class CountedPolicy implements TrafficPolicy {
        int closes;

        @Override
        public boolean isEmpty() {
            return false;
        }

        @Override
        public Future<Verdict> onTcpConnect(ConnectionFacts connection) {
            return Future.succeededFuture(Verdict.PROCEED);
        }

        @Override
        public PolicyExchange newExchange(ConnectionFacts connection, PolicyRequest request) {
            return () -> Future.succeededFuture(Verdict.PROCEED);
        }

        @Override
        public void close() {
            closes++;
        }
    }
}
