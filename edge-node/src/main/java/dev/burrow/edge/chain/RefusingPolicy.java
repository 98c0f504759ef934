package dev.burrow.edge.chain;

import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.PolicyExchange;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.TrafficPolicy;
import dev.burrow.policy.Verdict;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Stands in for a policy this node could not compile: no traffic goes around it, every phase refuses. */
final class RefusingPolicy implements TrafficPolicy, PolicyExchange {
    private final Future<Verdict> close;
    private final Future<Verdict> respond;

    RefusingPolicy(String problem) {
        this.close = Future.succeededFuture(new Verdict.Close("policy-unavailable", problem));
        this.respond = Future.succeededFuture(new Verdict.Respond(503, List.of(Map.entry("Content-Type", "text/plain; charset=utf-8")),
                ("this endpoint's traffic policy cannot be applied by this edge node: " + problem + "\n").getBytes(StandardCharsets.UTF_8),
                "policy-unavailable"));
    }

    @Override
    public boolean isEmpty() {
        return false;
    }

    @Override
    public Future<Verdict> onTcpConnect(ConnectionFacts connection) {
        return close;
    }

    @Override
    public PolicyExchange newExchange(ConnectionFacts connection, PolicyRequest request) {
        return this;
    }

    @Override
    public Future<Verdict> onRequest() {
        return respond;
    }
}
