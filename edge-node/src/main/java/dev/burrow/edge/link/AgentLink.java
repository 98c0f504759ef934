package dev.burrow.edge.link;

import dev.burrow.mux.MuxStream;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Context;

/** A live, authenticated agent link as the public listeners see it: somewhere to open streams. */
public interface AgentLink {

    /** The agent session this link carries. */
    String sessionId();

    /** Whether the link can still take new streams. */
    boolean isOpen();

    /** Opens a stream to the agent; see {@link dev.burrow.mux.StreamMultiplexer#openStream}. */
    MuxStream openStream(StreamOpen open);

    /** The context of the link's event loop, where the link's streams call their handlers. */
    Context context();
}
