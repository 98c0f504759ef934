package dev.burrow.edge.link;

import dev.burrow.edge.registry.Endpoint;
import io.vertx.core.Future;

/** Opens and closes the public listening port of each TCP endpoint. */
public interface PortListeners {

    /** Listens on the endpoint's port (succeeds at once when already listening); fails with PORT_UNAVAILABLE. */
    Future<Void> open(Endpoint endpoint);

    /** Stops listening for the endpoint, if it was; open connections end with it. */
    Future<Void> close(String endpointId);
}
