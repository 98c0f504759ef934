package dev.burrow.edge;

import dev.burrow.edge.http.PublicHttpServer;
import dev.burrow.edge.region.NodeRegions;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointRecord;
import dev.burrow.edge.tcp.TcpEndpoints;
import dev.burrow.edge.tls.PublicCertificates;
import dev.burrow.edge.tls.PublicHttps;
import dev.burrow.edge.udp.UdpEndpoints;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Every public listener of the node, as one component: the HTTP and HTTPS listeners, the TCP and UDP endpoint ports (each opened
 * when the registry shows this node an endpoint), and the ports it serves for other regions. Start, drain, stop.
 */
final class PublicListeners {
    private static final Logger LOG = LoggerFactory.getLogger(PublicListeners.class);

    private final PublicHttpServer http;
    private final PublicHttps https;
    private final TcpEndpoints tcp;
    private final UdpEndpoints udp;
    private final NodeRegions regions;

    PublicListeners(PublicHttpServer http, PublicHttps https, TcpEndpoints tcp, UdpEndpoints udp, NodeRegions regions) {
        this.http = http;
        this.https = https;
        this.tcp = tcp;
        this.udp = udp;
        this.regions = regions;
    }

    /** Starts the HTTP listener; completes with its port. Endpoint ports open as endpoints are learned. */
    Future<Integer> listen() {
        return http.listen();
    }

    /** Starts the HTTPS listener (HTTPS endpoints and TLS endpoints by SNI); completes with its port. */
    Future<Integer> listenHttps() {
        return https.listen();
    }

    int httpsPort() {
        return https.port();
    }

    /** The certificates endpoints' policies give, as held in memory. */
    dev.burrow.edge.tls.EndpointCertificates endpointCertificates() {
        return https.endpointCertificates();
    }

    /** The HTTPS listener's certificates, as held in memory. */
    PublicCertificates certificates() {
        return https.certificates();
    }

    /** The registry shows an endpoint with a port: listen on it here too (a TCP port of another region is given back). */
    void open(EndpointRecord record) {
        if (record.protocol() == EndpointProtocol.UDP) {
            udp.open(record.toEndpoint()).onFailure(error ->
                    LOG.warn("UDP endpoint {} of the cluster cannot listen on this node: {}", record.port(), error.getMessage()));
            return;
        }
        regions.yieldPort(record.port()).compose(v -> tcp.open(record.toEndpoint())).onFailure(error ->
                LOG.warn("TCP endpoint {} of the cluster cannot listen on this node: {}", record.port(), error.getMessage()));
    }

    void close(EndpointRecord record) {
        if (record.protocol() == EndpointProtocol.UDP) {
            udp.close(record.id());
        } else {
            tcp.close(record.id());
        }
    }

    void closeRemoved(List<Endpoint> removed) {
        for (Endpoint endpoint : removed) {
            if (endpoint.protocol() == EndpointProtocol.TCP) {
                tcp.close(endpoint.id());
            } else if (endpoint.protocol() == EndpointProtocol.UDP) {
                udp.close(endpoint.id());
            }
        }
    }

    /** Drain: stop accepting at once; open connections may finish within {@code grace}. Completes when all closed. */
    Future<Void> shutdown(Duration grace) {
        return Future.join(List.of(http.shutdown(grace), https.shutdown(grace), tcp.shutdownAll(grace), udp.closeAll(),
                regions.shutdownListeners(grace))).<Void>mapEmpty().otherwiseEmpty();
    }

    /** Stop: closes every listener and the connections still open. */
    Future<Void> close() {
        return Future.join(List.of(http.close(), https.close(), tcp.closeAll(), udp.closeAll(),
                regions.closeListeners())).mapEmpty();
    }

    TcpEndpoints tcp() {
        return tcp;
    }

    UdpEndpoints udp() {
        return udp;
    }
}
