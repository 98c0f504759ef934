package dev.burrow.agent.internal;

import dev.burrow.agent.Forwarder;
import dev.burrow.agent.forward.ConnectionForwarder;
import io.vertx.core.Future;

import java.net.URI;

/** A {@link Forwarder}: an endpoint whose connections a {@link ConnectionForwarder} carries to the upstream. */
final class ForwardingEndpoint implements Forwarder {
    private final ListenerEndpoint endpoint;
    private final URI upstream;

    ForwardingEndpoint(ListenerEndpoint endpoint, URI upstream, ConnectionForwarder forwarder) {
        this.endpoint = endpoint;
        this.upstream = upstream;
        endpoint.connectionHandler(forwarder);
        endpoint.closed().onComplete(ar -> forwarder.close());
    }

    @Override
    public URI upstream() {
        return upstream;
    }

    @Override
    public String proto() {
        return endpoint.proto();
    }

    @Override
    public String publicUrl() {
        return endpoint.publicUrl();
    }

    @Override
    public String id() {
        return endpoint.id();
    }

    @Override
    public Future<Void> updateTrafficPolicy(String document) {
        return endpoint.updateTrafficPolicy(document);
    }

    @Override
    public Future<Void> close() {
        return endpoint.close();
    }

    @Override
    public Future<Void> closed() {
        return endpoint.closed();
    }

    @Override
    public String toString() {
        return endpoint.publicUrl() + " -> " + upstream;
    }
}
