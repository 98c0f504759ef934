package dev.burrow.edge.tls;

import dev.burrow.edge.http.HopSockets;
import dev.burrow.edge.http.LoopbackHop;
import dev.burrow.edge.http.PublicHttpServer;
import dev.burrow.policy.TlsTermination;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.NetClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The HTTPS servers behind the hop (domain sockets, or loopback ports) that terminate the public HTTPS port's TLS, one per way of terminating: which
 * client certificates the handshake asks for, and which TLS versions it accepts. Both are fixed per TLS context (a
 * handshake reads them before the SNI is known to the engine), so the front door, which knows the SNI first, carries
 * each connection to the server of its endpoint's {@link Variant}. The plain one starts with the port; the others
 * (at most {@link #MAX_VARIANTS}) when a connection first needs them, and they stay until the port closes.
 */
final class TerminatingServers {
    /** Client certificate modes (3) times version sets (3). */
    static final int MAX_VARIANTS = 9;

    /** How one server terminates. */
    record Variant(ClientAuth clientAuth, TlsTermination.TlsVersions versions) {
        static final Variant PLAIN = new Variant(ClientAuth.NONE, TlsTermination.TlsVersions.TLS_1_2_AND_1_3);

        /** The file name of this server's domain socket behind the hop ({@link HopSockets}). */
        String socketName() {
            if (equals(PLAIN)) {
                return HopSockets.HTTPS;
            }
            return "https-" + clientAuth.name().toLowerCase(java.util.Locale.ROOT) + "-"
                    + versions.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-') + ".sock";
        }
    }

    private final Function<Variant, PublicHttpServer> build;
    private final NetClient hopClient;
    private final Map<Variant, Future<LoopbackHop>> hops = new ConcurrentHashMap<>();
    private final Map<Variant, PublicHttpServer> started = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param build     makes the (not yet listening) server of a variant
     * @param hopClient connects to the servers
     */
    TerminatingServers(Function<Variant, PublicHttpServer> build, NetClient hopClient) {
        this.build = build;
        this.hopClient = hopClient;
    }

    /** The hop to the server of {@code variant}, started on first use; fails once the servers are closed. */
    Future<LoopbackHop> hop(Variant variant) {
        Future<LoopbackHop> known = hops.get(variant);
        if (known != null) {
            return known;
        }
        Promise<LoopbackHop> promise = Promise.promise();
        known = hops.putIfAbsent(variant, promise.future());
        if (known != null) {
            return known;
        }
        if (closed) {
            hops.remove(variant);
            return Future.failedFuture("the HTTPS port is closing");
        }
        PublicHttpServer server = build.apply(variant);
        started.put(variant, server);
        server.listen().compose(port -> {
            if (closed) {
                // The port closed while this server started: its close saw nothing to close yet.
                started.remove(variant, server);
                return server.close().transform(ignored -> Future.<LoopbackHop>failedFuture("the HTTPS port is closing"));
            }
            return Future.succeededFuture(new LoopbackHop(hopClient, server.hopAddress()));
        }).onComplete(promise).onFailure(error -> {
            // A later connection tries again rather than fail for the life of the port.
            hops.remove(variant, promise.future());
            started.remove(variant, server);
        });
        return promise.future();
    }

    /** Rebuilds the TLS context of every started server (new connections get it). */
    Future<Void> rebuildTls() {
        return Future.join(each(PublicHttpServer::rebuildTls)).mapEmpty();
    }

    Future<Void> shutdown(Duration grace) {
        closed = true;
        return Future.join(each(server -> server.shutdown(grace))).mapEmpty();
    }

    Future<Void> close() {
        closed = true;
        return Future.join(each(PublicHttpServer::close)).mapEmpty();
    }

    /** Servers started so far (a gauge for tests). */
    int startedCount() {
        return started.size();
    }

    private List<Future<Void>> each(Function<PublicHttpServer, Future<Void>> action) {
        List<Future<Void>> all = new ArrayList<>();
        started.values().forEach(server -> all.add(action.apply(server)));
        return all;
    }
}
