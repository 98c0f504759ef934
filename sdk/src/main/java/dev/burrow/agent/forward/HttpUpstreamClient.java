package dev.burrow.agent.forward;

import dev.burrow.agent.TunnelConnection;
import io.vertx.core.Future;

/**
 * Carries the HTTP exchanges of one endpoint to its upstream. Two implementations: {@link VertxUpstreamClient} (the
 * general-purpose Vert.x client: https, h2c/h2, upgrades) and {@link LeanUpstreamClient} (a Netty HTTP/1.1 codec on the
 * link's own event loop, for plain-HTTP exchanges that do not upgrade).
 */
interface HttpUpstreamClient {

    /** System property that, set to {@code false}, sends every exchange through the Vert.x client (for A/B runs). */
    String LEAN_PROPERTY = "burrow.agent.leanUpstream";

    /** Forwards one exchange (its request head is present); returns at once. */
    void forward(TunnelConnection connection);

    /** Closes the upstream connections this client keeps. */
    Future<Void> close();

    static boolean leanEnabled() {
        return !"false".equalsIgnoreCase(System.getProperty(LEAN_PROPERTY, "true"));
    }
}
