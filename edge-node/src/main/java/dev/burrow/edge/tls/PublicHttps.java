package dev.burrow.edge.tls;

import dev.burrow.edge.chain.Chains;
import dev.burrow.edge.config.ProxyProtocolSettings;
import dev.burrow.edge.config.PublicHttpLimits;
import dev.burrow.edge.config.StreamTimeouts;
import dev.burrow.edge.http.HopSockets;
import dev.burrow.edge.http.PublicHttpServer;
import dev.burrow.edge.link.AgentLinks;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.edge.tcp.TcpEndpoints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * The public HTTPS port, assembled: the front door that reads each ClientHello's SNI ({@link HttpsFrontDoor}), the
 * HTTPS servers behind the hop ({@link HopSockets}) that terminate TLS as each endpoint asks ({@link TerminatingServers}:
 * client certificates required or requested, each name checked against its own CAs; TLS versions), with the
 * certificate for the SNI (an endpoint policy's own, {@link EndpointCertificates}, else the edge's,
 * {@link PublicCertificates}) and their key material cached for the TLS engine ({@link KeyMaterialCache}). See
 * docs/https.md.
 */
public final class PublicHttps {
    /**
     * What the servers behind the hop believe: the PROXY line the front door writes, and no other, from their domain
     * socket (which only the edge's user can reach, {@link HopSockets}) or from 127.0.0.1. Their connection chain must
     * trust exactly this (the front door already vetted the public peer against {@code --proxy-protocol-trusted}).
     */
    public static final ProxyProtocolSettings LOOPBACK_HOP = new ProxyProtocolSettings(true, List.of("127.0.0.1/32"), true);
    /** How often the key material caches are checked for certificates that left ({@link KeyMaterialCache}). */
    static final long KEY_MATERIAL_CHECK_MILLIS = 60_000;
    private static final Logger LOG = LoggerFactory.getLogger(PublicHttps.class);

    private final Vertx vertx;
    private final PublicCertificates certificates;
    private final NetClient hopClient;
    private final TerminatingServers servers;
    private final HttpsFrontDoor frontDoor;
    private final KeyMaterialCache keyMaterial;
    private final EndpointCertificates endpointCertificates;
    private volatile int port;
    private long renewalTimer = -1;

    /**
     * @param port        the public HTTPS port ({@code --https-port}; 0 picks one)
     * @param publicProxy the PROXY protocol settings of the public listeners ({@code --proxy-protocol})
     * @param hopChains   the module chains of the HTTPS servers behind the hop, built to trust {@link #LOOPBACK_HOP}
     * @param hops        where those servers listen
     */
    public PublicHttps(Vertx vertx, PublicCertificates certificates, EndpointRegistry registry, AgentLinks links,
                       TcpEndpoints pipes, String bindAddress, int port, ProxyProtocolSettings publicProxy,
                       PublicHttpLimits limits, Chains hopChains, StreamTimeouts timeouts, HopSockets hops) {
        this.vertx = vertx;
        this.certificates = certificates;
        this.endpointCertificates = new EndpointCertificates(certificates);
        this.keyMaterial = new KeyMaterialCache(endpointCertificates);
        MutualTlsAuthorities authorities = new MutualTlsAuthorities();
        SniTrustManager clientTrust = new SniTrustManager(authorities);
        this.hopClient = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true).setConnectTimeout(5_000));
        this.servers = new TerminatingServers(variant -> {
            PublicHttpServer server = new PublicHttpServer(vertx, registry, links, "127.0.0.1", 0, LOOPBACK_HOP, limits)
                    .behindHop(hops.address(variant.socketName()))
                    .chains(hopChains)
                    .timeouts(timeouts)
                    .tls(keyMaterial)
                    .tlsVersions(variant.versions().protocols());
            return variant.clientAuth() == ClientAuth.NONE ? server : server.clientCertificates(variant.clientAuth(), clientTrust, authorities::refuses);
        }, hopClient);
        this.frontDoor = new HttpsFrontDoor(vertx, registry, pipes, bindAddress, port, publicProxy, limits.headTimeout(),
                servers, authorities, endpointCertificates, hopChains.endpointTls());
    }

    /** Listens and starts watching the operator's certificate files; completes with the public HTTPS port. */
    public Future<Integer> listen() {
        return servers.hop(TerminatingServers.Variant.PLAIN).compose(plain -> frontDoor.listen()).onSuccess(bound -> {
            port = bound;
            certificates.watch(vertx);
            renewalTimer = vertx.setPeriodic(KEY_MATERIAL_CHECK_MILLIS, id -> renewKeyMaterialIfStale());
        });
    }

    /** When enough cached certificates left, the TLS contexts are rebuilt with an empty key material cache. */
    private void renewKeyMaterialIfStale() {
        if (keyMaterial.worthRenewing()) {
            keyMaterial.renew();
            servers.rebuildTls().onFailure(error -> LOG.warn("https: cannot rebuild the TLS contexts: {}", error.getMessage()));
        }
    }

    /** The bound public HTTPS port (0 before {@link #listen()}). */
    public int port() {
        return port;
    }

    /** A handler put before the SNI routing of every connection (ACME TLS-ALPN-01), made per connection. */
    public void answersFirst(java.util.function.Supplier<io.netty.channel.ChannelHandler> handlers) {
        frontDoor.answersFirst(handlers);
    }

    public PublicCertificates certificates() {
        return certificates;
    }

    /** The certificates endpoints' policies give ({@code terminate-tls} {@code server_certificate}). */
    public EndpointCertificates endpointCertificates() {
        return endpointCertificates;
    }

    /** Stops accepting at once; open connections may finish within {@code grace}. */
    public Future<Void> shutdown(Duration grace) {
        return Future.join(frontDoor.shutdown(grace), servers.shutdown(grace)).mapEmpty();
    }

    public Future<Void> close() {
        certificates.close(vertx);
        if (renewalTimer >= 0) {
            vertx.cancelTimer(renewalTimer);
        }
        return Future.join(frontDoor.close(), servers.close()).<Void>mapEmpty().eventually(hopClient::close);
    }
}
