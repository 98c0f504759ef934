package dev.burrow.agent.forward;

import dev.burrow.agent.ExchangeObserver;
import dev.burrow.agent.TunnelConnection;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.List;

/**
 * Forwards each HTTP exchange of an endpoint to its upstream through pooled keep-alive connections (no DNS, TCP or TLS
 * set-up per request once the pool is warm): plain-HTTP/1.1 upstreams through the lean Netty codec, everything else
 * (https, HTTP/2, and with {@code -Dburrow.agent.leanUpstream=false} every exchange) through the Vert.x client.
 */
final class HttpForwarder implements ConnectionForwarder {
    private final HttpUpstreamClient client;
    private final ExchangeObserver observer;

    HttpForwarder(Vertx vertx, HttpUpstream upstream, UpstreamTimeouts timeouts, ExchangeObserver observer, boolean http2,
                  UpstreamTls tls) {
        this.observer = observer;
        HttpUpstreamClient general = new VertxUpstreamClient(vertx, upstream, timeouts, observer, http2, tls);
        this.client = HttpUpstreamClient.leanEnabled() && !upstream.ssl() && !http2
                ? new LeanUpstreamClient(vertx, upstream, timeouts, observer, general) : general;
    }

    @Override
    public void handle(TunnelConnection connection) {
        if (connection.requestHead() == null) {
            connection.reset(ErrorCode.PROTOCOL_ERROR, "an HTTP endpoint received a stream without a request head");
            return;
        }
        client.forward(connection);
    }

    /** Shown to the observer as an exchange that failed at the edge, with the policy's trail. */
    @Override
    public void policyRefused(dev.burrow.protocol.ControlMessage.PolicyRefusal refusal) {
        if (observer == null) {
            return;
        }
        ExchangeObserver.Exchange refused = observer.begin(refusal.clientAddress(), refusal.method(), refusal.target(), List.of());
        refused.policyTrail(refusal.trail());
        if (refusal.status() > 0) {
            refused.response(refusal.status(), "", List.of());
        }
        refused.fail("refused at the edge by " + refusal.decision());
    }

    @Override
    public Future<Void> close() {
        return client.close();
    }
}
