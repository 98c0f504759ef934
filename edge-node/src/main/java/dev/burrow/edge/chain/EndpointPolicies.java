package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointRecord;
import dev.burrow.policy.PolicyException;
import dev.burrow.policy.TrafficPolicy;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compiled traffic policy of every endpoint this node serves, compiled once when the node learns the endpoint (a
 * bind here, a registry record of another node, an answer of another region) and kept until the endpoint goes or its
 * document changes. An endpoint without a policy is not kept at all: {@link #of} answers {@link TrafficPolicy#none()}
 * without a lookup. A document another node accepted but this one cannot compile is never skipped: the endpoint
 * refuses its traffic ({@link RefusingPolicy}) until the nodes agree. A policy replaced, or whose endpoint goes, is
 * closed ({@link TrafficPolicy#close()}: the login actions' provider clients).
 */
public final class EndpointPolicies {
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
            compiler.compile(document, SOURCE).close();
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
        return document == null ? TrafficPolicy.none() : compiled(endpoint.id(), document);
    }

    /** The registry showed this node a new or changed record. */
    public void learned(EndpointRecord record) {
        if (record.settings().hasTrafficPolicy()) {
            compiled(record.id(), record.settings().trafficPolicy());
        } else {
            forget(record.id());
        }
        changeWaiters.seen(record.id(), record.settings().trafficPolicy());
    }

    /** Who waits for {@link #learned} to show an endpoint's new document. */
    public PolicyChangeWaiters changeWaiters() {
        return changeWaiters;
    }

    public void forget(String endpointId) {
        Compiled gone = byEndpoint.remove(endpointId);
        if (gone != null) {
            gone.policy().close();
        }
    }

    /** Endpoints with a compiled policy on this node (a gauge). */
    public int size() {
        return byEndpoint.size();
    }

    /** The endpoint's policy for {@code document}: the one kept when the document is the same, else compiled now. */
    private TrafficPolicy compiled(String endpointId, String document) {
        Compiled compiled = byEndpoint.get(endpointId);
        if (compiled != null && compiled.document().equals(document)) {
            return compiled.policy();
        }
        Compiled[] replaced = new Compiled[1];
        Compiled kept = byEndpoint.compute(endpointId, (id, current) -> {
            if (current != null && current.document().equals(document)) {
                return current; // another event loop compiled the same document first
            }
            replaced[0] = current;
            return new Compiled(document, CompiledOrRefusing.compile(compiler, document, SOURCE,
                    "the traffic policy of endpoint " + endpointId));
        });
        if (replaced[0] != null) {
            replaced[0].policy().close();
        }
        return kept.policy();
    }
}
