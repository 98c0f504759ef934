package dev.burrow.edge.link;

import dev.burrow.mux.MuxStream;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Context;
import io.vertx.core.Future;

/** A live, authenticated agent link as the public listeners see it: somewhere to open streams. */
public interface AgentLink {

    /** The agent session this link carries. */
    String sessionId();

    /** Whether the link can still take new streams. */
    boolean isOpen();

    /**
     * Whether the agent has bound {@code endpointId} over this link (a new link of a session serves nothing until its
     * binds complete; a stream sent earlier would be refused by the agent). By default: yes.
     */
    default boolean serves(String endpointId) {
        return true;
    }

    /**
     * Opens a stream to the agent. The stream id is taken and the OPEN frame queued on the link's event loop, so
     * that OPENs leave in id order even when public connections on several event loops open streams at once (the
     * peer treats an id lower than one already seen as a protocol violation). Completes on the link's event loop.
     */
    Future<MuxStream> openStream(StreamOpen open);

    /** Whether the agent reads the edge's policy trail in an HTTP OPEN; by default (a relay): no. */
    default boolean takesPolicyTrail() {
        return false;
    }

    /** The context of the link's event loop, where the link's streams call their handlers. */
    Context context();
}
