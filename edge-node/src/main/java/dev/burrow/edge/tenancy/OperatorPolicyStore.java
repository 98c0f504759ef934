package dev.burrow.edge.tenancy;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import dev.burrow.edge.chain.OperatorPolicies;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.PolicyException;
import dev.burrow.policy.TrafficPolicy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The operators' traffic policies (the cluster's and each tenant's), durable in the tenancy database and seen by every
 * node: a write is compiled first (a policy that does not compile is refused and the stored one stays), then stored
 * write-through; every node keeps the compiled policies in its own copy, kept current by the map's entry events, so a
 * request reads them without a call into the cluster.
 */
public final class OperatorPolicyStore implements OperatorPolicies {
    public static final String POLICIES_MAP = "burrow.operator-policies";
    /** How an operator policy is named while it is compiled; its errors are reported as {@code line:col: what}. */
    public static final String SOURCE = "operator policy";

    /** Compiles a document; throws when it does not compile. */
    @FunctionalInterface
    public interface Compiler {
        TrafficPolicy compile(String document) throws PolicyException;
    }

    private final Vertx vertx;
    private final IMap<String, OperatorPolicy> map;
    private final Compiler compiler;
    private final LocalMirror<OperatorPolicy, TrafficPolicy> compiled;
    private volatile boolean mirrored;

    /** {@code compileOrRefuse}: what a node uses for a stored document it cannot compile (a policy refusing everything). */
    public OperatorPolicyStore(Vertx vertx, HazelcastInstance hazelcast, Compiler compiler,
                               Function<OperatorPolicy, TrafficPolicy> compileOrRefuse) {
        this.vertx = vertx;
        this.map = hazelcast.getMap(POLICIES_MAP);
        this.compiler = compiler;
        this.compiled = new LocalMirror<>(map, compileOrRefuse, TrafficPolicy::close);
    }

    /** Blocking: registers the listener and compiles what the map holds. */
    public void startMirror() {
        compiled.start();
        mirrored = true;
    }

    public void stopMirror() {
        mirrored = false;
        compiled.stop();
    }

    /** The cluster's policy; {@link TrafficPolicy#none()} when there is none. On event loops: a map read of this node's copy. */
    @Override
    public TrafficPolicy cluster() {
        return compiledOf(OperatorPolicy.CLUSTER_KEY);
    }

    /** The tenant's policy; {@link TrafficPolicy#none()} when it has none. */
    public TrafficPolicy tenant(String tenantId) {
        return compiledOf(OperatorPolicy.keyOf(tenantId));
    }

    @Override
    public TrafficPolicy tenantOf(Endpoint endpoint) {
        if (!mirrored || compiled.isEmpty()) {
            return TrafficPolicy.none(); // the usual case: no operator policy at all costs no key built per request
        }
        return tenant(Principal.tenantOfOwnerKey(endpoint.ownerKey()));
    }

    private TrafficPolicy compiledOf(String key) {
        if (!mirrored) {
            return TrafficPolicy.none();
        }
        TrafficPolicy policy = compiled.get(key);
        return policy == null ? TrafficPolicy.none() : policy;
    }

    /** The stored policy ({@code tenantId} null: the cluster's), or a failed future {@code NOT_FOUND}. */
    public Future<OperatorPolicy> get(String tenantId) {
        return fromStage(map.getAsync(OperatorPolicy.keyOf(tenantId))).compose(policy -> policy != null
                ? Future.succeededFuture(policy) : notFound(tenantId));
    }

    /**
     * Compiles, then stores: a document that does not compile fails with {@code INVALID_REQUEST} and
     * {@code line:col: what to fix}, and the stored policy stays.
     */
    public Future<OperatorPolicy> set(String tenantId, String document) {
        if (document == null || document.isBlank()) {
            return Future.failedFuture(new TenancyException(TenancyError.INVALID_REQUEST,
                    "the request body must be the policy document (YAML or JSON); to remove the policy, DELETE it"));
        }
        OperatorPolicy policy = new OperatorPolicy(tenantId, document, System.currentTimeMillis());
        // Compiling type-checks every expression (the first compile in a process also loads CEL): not on an event loop.
        return vertx.executeBlocking(() -> check(document), false)
                .compose(ok -> fromStage(map.setAsync(policy.key(), policy)))
                .compose(stored -> vertx.executeBlocking(() -> {
                    compiled.put(policy.key(), policy);
                    return policy;
                }, false));
    }

    private Void check(String document) {
        try {
            compiler.compile(document).close();
            return null;
        } catch (PolicyException e) {
            throw new TenancyException(TenancyError.INVALID_REQUEST, e.line() + ":" + e.column() + ": " + e.problem());
        }
    }

    /** Removes the policy; a failed future {@code NOT_FOUND} when there was none. */
    public Future<OperatorPolicy> delete(String tenantId) {
        String key = OperatorPolicy.keyOf(tenantId);
        return fromStage(map.removeAsync(key)).compose(removed -> {
            if (removed == null) {
                return notFound(tenantId);
            }
            compiled.remove(key);
            return Future.succeededFuture(removed);
        });
    }

    private static <T> Future<T> notFound(String tenantId) {
        return Future.failedFuture(new TenancyException(TenancyError.NOT_FOUND, tenantId == null
                ? "the cluster has no operator policy" : "tenant " + tenantId + " has no operator policy"));
    }

    private <T> Future<T> fromStage(CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
    }
}
