package dev.burrow.edge.region;

import dev.burrow.edge.link.AgentLinks;
import dev.burrow.edge.link.PortListeners;
import dev.burrow.edge.registry.EndpointRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * A node's part in the deployment's regions: {@link Regions} when the node is one region of several, {@link SingleRegion}
 * (nothing to find elsewhere) otherwise. The node calls it the same way in both cases.
 */
public interface NodeRegions {

    /** The registry the public listeners use: this region's first, then the other regions. */
    EndpointRegistry publicRegistry();

    /** The links the public listeners use: a stream of an endpoint of another region goes over the region relay. */
    AgentLinks publicLinks();

    /** Listeners for this region's own TCP endpoints: a port relayed to another region is given back first. */
    PortListeners localFirst(PortListeners local);

    /** Stops relaying {@code port} to another region (an endpoint of this region takes it). */
    Future<Void> yieldPort(int port);

    /** The tenant another region serves TCP port {@code port} for, or null (a bind here checks it). */
    String tenantServingElsewhere(int port);

    /** {@code GET /api/v1/regions}. */
    JsonObject report();

    /** Blocking: joins the region directory. */
    void startBlocking();

    /** Blocking: leaves the region directory. */
    void stopBlocking();

    /** Closes the relay links to the other regions. */
    void closeLinks();

    /** Stops accepting on the other regions' TCP ports; open connections go on for up to {@code grace}. */
    Future<Void> shutdownListeners(Duration grace);

    Future<Void> closeListeners();

    void registerMetrics(MeterRegistry metrics);
}
