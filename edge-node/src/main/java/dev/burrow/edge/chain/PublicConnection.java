package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.Verdict;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;

/**
 * One public connection as the modules see it. {@code peer} is the socket's own peer; {@code client} is the address
 * the connection speaks for: the peer, or what a PROXY-protocol header claimed (believed only once the
 * {@link ProxyTrustModule} let the connection through). Per-connection state of the phases lives here, never in a
 * module.
 */
public final class PublicConnection {
    private final SocketAddress peer;
    private final SocketAddress client;
    private final int serverPort;
    private final boolean proxied;
    private Future<Verdict> admitted;
    /** The endpoint whose {@code on_tcp_connect} already ran on this connection (HTTP: once per connection). */
    private String connectedEndpointId;
    /** The compiled policy that ran it: a policy changed live runs its own connect phase at the next request. */
    private dev.burrow.policy.TrafficPolicy connectedPolicy;
    private ConnectionFacts.TlsFacts tls;

    public PublicConnection(SocketAddress peer, SocketAddress client, int serverPort, boolean proxied) {
        this.peer = peer;
        this.client = client == null ? peer : client;
        this.serverPort = serverPort;
        this.proxied = proxied;
    }

    /** The address the TCP connection came from (a balancer's, behind one). */
    public SocketAddress peer() {
        return peer;
    }

    /** Whether a PROXY-protocol header gave {@link #client()}. */
    public boolean proxied() {
        return proxied;
    }

    public SocketAddress client() {
        return client;
    }

    public String clientIp() {
        return client == null ? "unknown" : client.hostAddress();
    }

    public int serverPort() {
        return serverPort;
    }

    /** The terminated TLS session's facts ({@code conn.tls.*}); set when the connection is accepted, null when plain. */
    public PublicConnection tls(ConnectionFacts.TlsFacts facts) {
        this.tls = facts;
        return this;
    }

    /** What the connection chain decided at accept (HTTP); requests wait for it. */
    public Future<Verdict> admitted() {
        return admitted;
    }

    public void admit(Future<Verdict> verdict) {
        this.admitted = verdict;
    }

    /** Whether the connect phase of the endpoint's {@code policy} must still run on this connection; marks it as run. */
    boolean firstTimeFor(Endpoint endpoint, dev.burrow.policy.TrafficPolicy policy) {
        if (endpoint.id().equals(connectedEndpointId) && policy == connectedPolicy) {
            return false;
        }
        connectedEndpointId = endpoint.id();
        connectedPolicy = policy;
        return true;
    }

    /** The facts a policy sees ({@code conn.*}, {@code endpoint.*}); built only for endpoints with a policy. */
    ConnectionFacts facts(Endpoint endpoint, String url) {
        return new ConnectionFacts(clientIp(), client == null ? 0 : client.port(), serverPort, tls,
                new ConnectionFacts.EndpointFacts(endpoint.id(), url, endpoint.protocol().wireName()));
    }
}
