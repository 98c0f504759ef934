package dev.burrow.edge.link;

import dev.burrow.edge.registry.EndpointException;
import dev.burrow.edge.tenancy.Principal;
import dev.burrow.mux.StreamMultiplexer;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.ProtocolLimits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The endpoints one agent link serves: its binds, unbinds and policy changes, run and answered in the order the agent
 * sent them (at most {@link ProtocolLimits#MAX_PENDING_ENDPOINT_CHANGES} in flight). Called on the link's context;
 * {@link #serves} from any thread.
 */
final class LinkEndpoints {
    /** The link's log: these lines are the session's own. */
    private static final Logger LOG = LoggerFactory.getLogger(AgentSession.class);

    private final SessionServices services;
    private final StreamMultiplexer mux;
    private final Context context;
    private final InOrder changes;
    private final Set<String> bound = ConcurrentHashMap.newKeySet();

    LinkEndpoints(SessionServices services, StreamMultiplexer mux, Context context) {
        this.services = services;
        this.mux = mux;
        this.context = context;
        this.changes = new InOrder(context, ProtocolLimits.MAX_PENDING_ENDPOINT_CHANGES);
    }

    /** Whether the agent sent as many changes as may wait for their results. */
    boolean isFull() {
        return changes.isFull();
    }

    void bind(String sessionId, Principal principal, long linkEpoch, ControlMessage.Bind bind) {
        changes.run(() -> services.binder().bind(sessionId, principal, linkEpoch, bind)).onComplete(ar -> {
            ControlMessage.BindResult result = ar.succeeded() ? ar.result()
                    : new ControlMessage.BindResult(bind.requestId(), false, null, null, ErrorCode.INTERNAL_ERROR,
                    "the edge failed to bind the endpoint: " + ar.cause().getMessage());
            if (result.ok()) {
                services.sessions().endpointBound(result.endpointId(), sessionId);
                bound.add(result.endpointId());
                LOG.info("{}: bound {} -> {}", mux.name(), result.publicUrl(), bind.upstream() == null ? "?" : bind.upstream());
                if (mux.isClosed() && services.sessions().find(sessionId) == null) {
                    services.registry().markOffline(sessionId, linkEpoch, List.of(result.endpointId()));
                }
            } else {
                LOG.info("{}: refused bind: {} ({})", mux.name(), result.message(), result.errorCode());
            }
            mux.sendControl(result);
        });
    }

    void updatePolicy(String sessionId, ControlMessage.UpdatePolicy update) {
        changes.run(() -> services.binder().updatePolicy(services.vertx(), sessionId, update)).onComplete(ar -> context.runOnContext(v -> {
            ControlMessage.UpdatePolicyResult result = ar.result();
            if (result.ok()) {
                LOG.info("{}: endpoint {} has a new traffic policy", mux.name(), update.endpointId());
            } else {
                LOG.info("{}: refused a new traffic policy for {}: {} ({})", mux.name(), update.endpointId(), result.message(),
                        result.errorCode());
            }
            if (!mux.isClosed()) {
                mux.sendControl(result);
            }
        }));
    }

    void unbind(String sessionId, ControlMessage.Unbind unbind) {
        changes.run(() -> services.binder().unbind(sessionId, unbind.endpointId())).onComplete(ar -> {
            if (ar.succeeded()) {
                services.sessions().endpointUnbound(ar.result().id(), sessionId);
                bound.remove(ar.result().id());
                LOG.info("{}: unbound {}", mux.name(), ar.result().address());
            } else {
                ErrorCode code = ar.cause() instanceof EndpointException e ? e.code() : ErrorCode.INTERNAL_ERROR;
                mux.sendControl(new ControlMessage.Error(code, ar.cause().getMessage()));
            }
        });
    }

    /**
     * Removes every endpoint this link serves, now (straight from served to not found: visitors never see "offline").
     * Completes on the link's context with how many were removed; never fails.
     */
    Future<Integer> unbindAll(String sessionId) {
        List<Future<Boolean>> unbinds = new ArrayList<>();
        for (String endpointId : List.copyOf(bound)) {
            unbinds.add(services.binder().unbind(sessionId, endpointId).map(true).otherwise(false)
                    .andThen(ar -> forget(sessionId, endpointId)));
        }
        Promise<Integer> freed = Promise.promise();
        Future.join(unbinds).onComplete(ar -> context.runOnContext(v ->
                freed.complete((int) unbinds.stream().filter(f -> Boolean.TRUE.equals(f.result())).count())));
        return freed.future();
    }

    private void forget(String sessionId, String endpointId) {
        services.sessions().endpointUnbound(endpointId, sessionId);
        bound.remove(endpointId);
    }

    boolean serves(String endpointId) {
        return bound.contains(endpointId);
    }

    boolean servesAny() {
        return !bound.isEmpty();
    }
}
