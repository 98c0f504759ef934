package dev.burrow.edge;

import dev.burrow.edge.cluster.ClusterNode;
import dev.burrow.edge.cluster.EndpointMirror;
import dev.burrow.edge.config.DurationText;
import dev.burrow.edge.link.SessionTable;
import dev.burrow.edge.registry.HazelcastEndpointRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The node's drain (SIGTERM), without blocking any thread: readiness turns to 503 "draining"; the public listeners
 * stop accepting at once (a load balancer sends new connections to the other nodes) while the exchanges and TCP
 * connections already open at this node go on; GO_AWAY on every agent link, so the agents open their replacement
 * links on other nodes; once each local session has a link elsewhere (or after {@link #MOVE_WAIT}, or at once in a
 * cluster of one) this node's links are withdrawn from the registry so that other nodes stop relaying here; the public
 * connections and the streams still open on the agent links may finish until {@code --drain-timeout} after the start;
 * then the node's stop closes what is left and leaves the cluster.
 */
final class NodeDrain {
    private static final Logger LOG = LoggerFactory.getLogger(NodeDrain.class);

    /** How long a drain waits for the agents to open their replacement links before withdrawing this node's. */
    static final Duration MOVE_WAIT = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final String nodeId;
    private final String localMember;
    private final Duration timeout;
    private final NodeReadiness readiness;
    private final PublicListeners listeners;
    private final SessionTable sessions;
    private final ClusterNode clusterNode;
    private final EndpointMirror mirror;
    private final HazelcastEndpointRegistry registry;

    NodeDrain(Vertx vertx, String nodeId, String localMember, Duration timeout, NodeReadiness readiness,
              PublicListeners listeners, SessionTable sessions, ClusterNode clusterNode, EndpointMirror mirror,
              HazelcastEndpointRegistry registry) {
        this.vertx = vertx;
        this.nodeId = nodeId;
        this.localMember = localMember;
        this.timeout = timeout;
        this.readiness = readiness;
        this.listeners = listeners;
        this.sessions = sessions;
        this.clusterNode = clusterNode;
        this.mirror = mirror;
        this.registry = registry;
    }

    /** Drains, then runs {@code stop}; completes with how long it took. */
    Future<Duration> drain(Supplier<Future<Void>> stop) {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        readiness.draining();
        LOG.info("edge node {} draining: public listeners closed to new connections; GO_AWAY to {} agent link(s); "
                + "open exchanges may take up to {}", nodeId, sessions.liveSessionCount(), DurationText.format(timeout));
        Future<Void> publicClosed = listeners.shutdown(timeout);
        sessions.goAwayAll("the edge node is draining; move this link to another node");
        long moveDeadline = clusterNode.memberCount() <= 1 ? started : Math.min(deadline, started + MOVE_WAIT.toNanos());
        return Await.until(vertx, this::agentsMoved, moveDeadline)
                .compose(this::withdraw)
                .compose(v -> Await.until(vertx, () -> publicClosed.isComplete() && sessions.openStreamCount() == 0, deadline))
                .compose(finished -> {
                    if (!finished) {
                        LOG.warn("edge node {} draining: {} stream(s) still open after {}; closing them", nodeId,
                                sessions.openStreamCount(), DurationText.format(timeout));
                    }
                    Duration took = Duration.ofNanos(System.nanoTime() - started);
                    LOG.info("edge node {} drained in {} ms; leaving the cluster", nodeId, took.toMillis());
                    return stop.get().map(took);
                });
    }

    /** Withdraws this node's links from the registry, so that other nodes stop relaying here. */
    private Future<Void> withdraw(boolean agentsMoved) {
        if (!agentsMoved) {
            LOG.warn("edge node {} draining: {} session(s) have no link on another node yet; withdrawing anyway",
                    nodeId, sessions.liveSessionIds().stream().filter(s -> !hasLinkElsewhere(s)).count());
        }
        return registry.purgeNode(localMember).<Void>mapEmpty().otherwiseEmpty();
    }

    private boolean agentsMoved() {
        return sessions.liveSessionIds().stream().allMatch(this::hasLinkElsewhere);
    }

    private boolean hasLinkElsewhere(String sessionId) {
        return mirror.nodesOf(sessionId).stream().anyMatch(node -> !node.equals(localMember));
    }
}
