package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.Verdict;
import io.vertx.core.Future;

/**
 * One step of the connection phase: every public connection passes it before any stream is opened to the agent. A
 * TCP connection passes it once its endpoint is known; an HTTP connection when it is accepted, before its first
 * request ({@code endpoint} null then: a Host picks the endpoint later, per request). Answer {@link Chains#PROCEED}
 * (no allocation) or a {@link Verdict.Close}.
 */
public interface ConnectionModule {

    Future<Verdict> onConnect(PublicConnection connection, Endpoint endpoint);
}
