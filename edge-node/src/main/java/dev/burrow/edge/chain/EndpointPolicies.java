package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointRecord;
import dev.burrow.policy.PolicyException;
import dev.burrow.policy.TrafficPolicy;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compiled traffic policy of every endpoint this node serves, compiled once when the node learns the endpoint (a
 * bind here, a registry record of another node, an answer of another region) and kept until the endpoint goes or its
 * document changes. An endpoint without a policy is not kept at all: {@link #of} answers {@link TrafficPolicy#none()}
 * without a lookup. A document another node accepted but this one cannot compile is never skipped: the endpoint
 * refuses its traffic ({@link RefusingPolicy}) until the nodes agree.
 */
public final class EndpointPolicies {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointPolicies.class);
    /** How a bind's document is named in compile errors: the agent prefixes its own file name where it has one. */
    public static final String SOURCE = "traffic_policy";

    private final PolicySource compiler;
    private final Map<String, Compiled> byEndpoint = new ConcurrentHashMap<>();
    private final PolicyChangeWaiters changeWaiters = new PolicyChangeWaiters();

    private record Compiled(String document, TrafficPolicy policy) {
    }

    public EndpointPolicies(PolicySource compiler) {
        this.compiler = compiler;
    }

    /** Bind time: compiles {@code document} so that a bad one is refused before anything is claimed. */
    public void check(String document) throws PolicyException {
        if (document != null) {
            compiler.compile(document, SOURCE);
        }
    }

    /**
     * As {@link #check}, on a worker thread when called on a Vert.x context: compiling type-checks every CEL expression
     * and takes milliseconds (the first compile in a JVM, seconds), too long for an event loop. Fails with the
     * {@link PolicyException} of a bad document.
     */
    public Future<Void> checkOffLoop(String document) {
        if (document == null) {
            return Future.succeededFuture();
        }
        Context context = Vertx.currentContext();
        if (context == null) {
            try {
                check(document);
                return Future.succeededFuture();
            } catch (PolicyException e) {
                return Future.failedFuture(e);
            }
        }
        return context.executeBlocking(() -> {
            check(document);
            return null;
        }, false);
    }

    /** The endpoint's policy; on event loops, allocation-free once compiled. */
    public TrafficPolicy of(Endpoint endpoint) {
        String document = endpoint.settings().trafficPolicy();
        if (document == null) {
            return TrafficPolicy.none();
        }
        Compiled compiled = byEndpoint.get(endpoint.id());
        if (compiled != null && compiled.document().equals(document)) {
            return compiled.policy();
        }
        return learn(endpoint.id(), document);
    }

    /** The registry showed this node a new or changed record. */
    public void learned(EndpointRecord record) {
        if (record.settings().hasTrafficPolicy()) {
            Compiled compiled = byEndpoint.get(record.id());
            if (compiled == null || !compiled.document().equals(record.settings().trafficPolicy())) {
                learn(record.id(), record.settings().trafficPolicy());
            }
        } else {
            byEndpoint.remove(record.id());
        }
        changeWaiters.seen(record.id(), record.settings().trafficPolicy());
    }

    /** Who waits for {@link #learned} to show an endpoint's new document. */
    public PolicyChangeWaiters changeWaiters() {
        return changeWaiters;
    }

    public void forget(String endpointId) {
        byEndpoint.remove(endpointId);
    }

    /** Endpoints with a compiled policy on this node (a gauge). */
    public int size() {
        return byEndpoint.size();
    }

    private TrafficPolicy learn(String endpointId, String document) {
        TrafficPolicy policy;
        try {
            policy = compiler.compile(document, SOURCE);
        } catch (PolicyException e) {
            LOG.warn("endpoint {}: its traffic policy does not compile on this node ({}); refusing its traffic", endpointId, e.getMessage());
            policy = new RefusingPolicy(e.getMessage());
        }
        byEndpoint.put(endpointId, new Compiled(document, policy));
        return policy;
    }
}
