package dev.burrow.edge.region;

import dev.burrow.edge.link.AgentLinks;
import dev.burrow.edge.link.PortListeners;
import dev.burrow.edge.registry.EndpointRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/** The regions of a node that is not part of a multi-region deployment: the local registry and links, nothing else. */
public final class SingleRegion implements NodeRegions {
    private final EndpointRegistry local;
    private final AgentLinks links;

    public SingleRegion(EndpointRegistry local, AgentLinks links) {
        this.local = local;
        this.links = links;
    }

    @Override
    public EndpointRegistry publicRegistry() {
        return local;
    }

    @Override
    public AgentLinks publicLinks() {
        return links;
    }

    @Override
    public PortListeners localFirst(PortListeners local) {
        return local;
    }

    @Override
    public Future<Void> yieldPort(int port) {
        return Future.succeededFuture();
    }

    @Override
    public String tenantServingElsewhere(int port) {
        return null;
    }

    @Override
    public JsonObject report() {
        return new JsonObject().put("regions", new JsonArray());
    }

    @Override
    public void startBlocking() {
    }

    @Override
    public void stopBlocking() {
    }

    @Override
    public void closeLinks() {
    }

    @Override
    public Future<Void> shutdownListeners(Duration grace) {
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> closeListeners() {
        return Future.succeededFuture();
    }

    @Override
    public void registerMetrics(MeterRegistry metrics) {
    }
}
