package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.PolicyExchange;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.PolicyResponse;
import dev.burrow.policy.ResponseBodyEncoder;
import dev.burrow.policy.TrafficPolicy;
import dev.burrow.policy.TrailEntry;
import dev.burrow.policy.Verdict;
import dev.burrow.policy.VisitorIdentity;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;

/**
 * The cluster's, the tenant's and the endpoint's policies run as one, in that order, in every phase: the first
 * terminating verdict ends the phase, so a later layer can neither undo nor skip an earlier one's refusal, and sees
 * the request (or response) as the earlier layers edited it. The trail names each operator rule with its layer
 * ("tenant policy: office only"); what each phase decided goes to {@link PolicyDecisions}.
 */
final class LayeredPolicy implements TrafficPolicy {
    static final String[] LAYER_NAMES = {"cluster policy", "tenant policy", "endpoint policy"};

    private final TrafficPolicy[] layers;
    private final Endpoint endpoint;
    private final PolicyDecisions decisions;

    /** {@code layers}: one per {@link #LAYER_NAMES}, empty ones included. */
    LayeredPolicy(TrafficPolicy[] layers, Endpoint endpoint, PolicyDecisions decisions) {
        this.layers = layers;
        this.endpoint = endpoint;
        this.decisions = decisions;
    }

    /** Whether this runs exactly these layers for this endpoint record. */
    boolean runs(TrafficPolicy cluster, TrafficPolicy tenant, TrafficPolicy own, Endpoint forEndpoint) {
        return layers[0] == cluster && layers[1] == tenant && layers[2] == own && endpoint.equals(forEndpoint);
    }

    @Override
    public boolean isEmpty() {
        return false;
    }

    @Override
    public Future<Verdict> onTcpConnect(ConnectionFacts connection) {
        List<TrailEntry> trail = new ArrayList<>(4);
        return connectFrom(0, connection, trail).andThen(ar -> decisions.connected(endpoint, connection, trail,
                ar.succeeded() ? ar.result() : new Verdict.Close("policy", ar.cause().toString())));
    }

    private Future<Verdict> connectFrom(int first, ConnectionFacts connection, List<TrailEntry> trail) {
        for (int i = first; i < layers.length; i++) {
            if (layers[i].isEmpty()) {
                continue;
            }
            List<TrailEntry> own = new ArrayList<>(2);
            Future<Verdict> step = layers[i].onTcpConnect(connection, own);
            int layer = i;
            if (!step.isComplete()) {
                return step.compose(verdict -> {
                    layerRan(layer, own, verdict, trail);
                    return Chains.proceeds(verdict) ? connectFrom(layer + 1, connection, trail) : Future.succeededFuture(verdict);
                });
            }
            if (step.failed()) {
                return step;
            }
            layerRan(layer, own, step.result(), trail);
            if (!Chains.proceeds(step.result())) {
                return step;
            }
        }
        return Chains.PROCEED;
    }

    private void layerRan(int layer, List<TrailEntry> entries, Verdict verdict, List<TrailEntry> trail) {
        decisions.phaseRan(LAYER_NAMES[layer], entries, verdict);
        for (TrailEntry entry : entries) {
            trail.add(named(layer, entry));
        }
    }

    /** An operator rule is shown with its layer; the endpoint's own rules keep their names. */
    static TrailEntry named(int layer, TrailEntry entry) {
        return layer == LAYER_NAMES.length - 1 ? entry
                : new TrailEntry(entry.phase(), LAYER_NAMES[layer] + ": " + entry.rule(), entry.matched(), entry.actions());
    }

    @Override
    public PolicyExchange newExchange(ConnectionFacts connection, PolicyRequest request) {
        PolicyExchange[] exchanges = new PolicyExchange[layers.length];
        for (int i = 0; i < layers.length; i++) {
            exchanges[i] = layers[i].isEmpty() ? null : layers[i].newExchange(connection, request);
        }
        return new LayeredExchange(exchanges, endpoint, connection, request, decisions);
    }

    /** One HTTP exchange through every layer that has a policy. */
    private static final class LayeredExchange implements PolicyExchange {
        private final PolicyExchange[] exchanges;
        private final Endpoint endpoint;
        private final ConnectionFacts connection;
        private final PolicyRequest request;
        private final PolicyDecisions decisions;
        /** How much of each layer's trail was already reported. */
        private final int[] reported;
        /** Layers whose request phase ran (the response phase runs only for those). */
        private int requestLayers;

        LayeredExchange(PolicyExchange[] exchanges, Endpoint endpoint, ConnectionFacts connection, PolicyRequest request,
                        PolicyDecisions decisions) {
            this.exchanges = exchanges;
            this.endpoint = endpoint;
            this.connection = connection;
            this.request = request;
            this.decisions = decisions;
            this.reported = new int[exchanges.length];
        }

        @Override
        public Future<Verdict> onRequest() {
            return requestFrom(0).andThen(ar -> {
                // A forward to an internal endpoint is no refusal: that endpoint's exchange logs what happens next.
                if (ar.succeeded() && !Chains.proceeds(ar.result()) && !(ar.result() instanceof Verdict.ForwardInternal)) {
                    decisions.refused(endpoint, connection, request, ar.result(), trail());
                }
            });
        }

        private Future<Verdict> requestFrom(int first) {
            for (int i = first; i < exchanges.length; i++) {
                if (exchanges[i] == null) {
                    continue;
                }
                requestLayers = i + 1;
                Future<Verdict> step = exchanges[i].onRequest();
                int layer = i;
                if (!step.isComplete()) {
                    return step.compose(verdict -> {
                        report(layer, verdict);
                        return Chains.proceeds(verdict) ? requestFrom(layer + 1) : Future.succeededFuture(verdict);
                    });
                }
                if (step.failed()) {
                    return step;
                }
                report(layer, step.result());
                if (!Chains.proceeds(step.result())) {
                    return step;
                }
            }
            return Chains.PROCEED;
        }

        @Override
        public Verdict onResponse(PolicyResponse response) {
            Verdict verdict = Verdict.PROCEED;
            for (int i = 0; i < requestLayers && Chains.proceeds(verdict); i++) {
                if (exchanges[i] != null) {
                    verdict = exchanges[i].onResponse(response);
                    report(i, verdict);
                }
            }
            decisions.answered(endpoint, connection, request, response.status(), verdict, trail());
            return verdict;
        }

        private void report(int layer, Verdict verdict) {
            List<TrailEntry> all = exchanges[layer].trail();
            List<TrailEntry> fresh = all.subList(reported[layer], all.size());
            reported[layer] = all.size();
            decisions.phaseRan(LAYER_NAMES[layer], fresh, verdict);
        }

        @Override
        public ResponseBodyEncoder responseBodyEncoder() {
            for (PolicyExchange exchange : exchanges) {
                ResponseBodyEncoder encoder = exchange == null ? null : exchange.responseBodyEncoder();
                if (encoder != null) {
                    return encoder;
                }
            }
            return null;
        }

        /** The first layer's login wins: an operator's login cannot be replaced by the endpoint's own. */
        @Override
        public VisitorIdentity visitorIdentity() {
            for (PolicyExchange exchange : exchanges) {
                VisitorIdentity identity = exchange == null ? null : exchange.visitorIdentity();
                if (identity != null) {
                    return identity;
                }
            }
            return null;
        }

        @Override
        public List<TrailEntry> trail() {
            List<TrailEntry> trail = new ArrayList<>();
            for (int i = 0; i < exchanges.length; i++) {
                if (exchanges[i] != null) {
                    for (TrailEntry entry : exchanges[i].trail()) {
                        trail.add(named(i, entry));
                    }
                }
            }
            return trail;
        }
    }
}
