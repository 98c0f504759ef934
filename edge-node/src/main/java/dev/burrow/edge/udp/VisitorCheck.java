package dev.burrow.edge.udp;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.Verdict;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;

/**
 * Whether a visitor may send to a UDP endpoint: the connection phase of the module chain (the endpoint's
 * {@code on_tcp_connect}, e.g. {@code restrict-ips}), asked once per visitor address and remembered while the visitor
 * is active ({@link VisitorVerdicts}). Called on the port's event loop; must not block.
 */
@FunctionalInterface
public interface VisitorCheck {
    VisitorCheck ALLOW_ALL = (endpoint, visitor) -> Future.succeededFuture(Verdict.PROCEED);

    Future<Verdict> check(Endpoint endpoint, SocketAddress visitor);
}
