package dev.burrow.edge.tls.acme;

import dev.burrow.edge.config.HostPort;
import dev.burrow.edge.registry.Hostnames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.DnsException;
import io.vertx.core.dns.DnsResponseCode;

import java.util.concurrent.TimeUnit;

/**
 * Asks a DNS server where a name points by CNAME, without blocking (Vert.x's DNS client): the server of
 * {@code --acme-dns-resolver}, else the system's resolver. A lookup that does not answer within its timeout fails; a
 * name without a CNAME (no such name, or no CNAME record) is answered null.
 */
final class CnameLookup {
    /** How long one lookup may take: it delays an order, never a handshake. */
    static final long TIMEOUT_MILLIS = 5_000;

    private final DnsClient client;
    private final String server;
    private final long timeoutMillis;

    CnameLookup(Vertx vertx, HostPort resolver, long timeoutMillis) {
        DnsClientOptions options = new DnsClientOptions().setQueryTimeout(timeoutMillis).setRecursionDesired(true);
        if (resolver != null) {
            options.setHost(resolver.host()).setPort(resolver.port());
        }
        this.client = vertx.createDnsClient(options);
        this.server = resolver == null ? "the system's resolver" : resolver.host() + ":" + resolver.port();
        this.timeoutMillis = timeoutMillis;
    }

    /** The normalized target of {@code name}'s CNAME, or null when it has none. Any thread. */
    Future<String> targetOf(String name) {
        // The client's own query timeout bounds the usual case; this bounds a retry over TCP too.
        return client.resolveCNAME(name).timeout(timeoutMillis + 1_000, TimeUnit.MILLISECONDS).transform(looked -> {
            if (looked.succeeded()) {
                return Future.succeededFuture(looked.result().isEmpty() ? null : Hostnames.normalize(looked.result().get(0)));
            }
            if (looked.cause() instanceof DnsException dns && dns.code() == DnsResponseCode.NXDOMAIN) {
                return Future.succeededFuture();
            }
            return Future.failedFuture(new IllegalStateException("the CNAME of " + name + " could not be looked up at " + server
                    + " (at most " + timeoutMillis + " ms): " + looked.cause().getMessage()));
        });
    }

    void close() {
        client.close();
    }
}
