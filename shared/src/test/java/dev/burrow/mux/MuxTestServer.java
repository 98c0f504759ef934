package dev.burrow.mux;

import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static dev.burrow.mux.MuxTesting.await;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A plain-TCP server on 127.0.0.1 (port from the OS) that runs a {@link StreamMultiplexer} (ACCEPTOR) on every
 * connection, and a client that dials it with a {@link StreamMultiplexer} (DIALER) or with a raw socket.
 * {@code configure} runs before {@code start()}, so handlers set there see every frame.
 */
final class MuxTestServer implements AutoCloseable {
    private final Vertx vertx;
    private final NetServer server;
    private final NetClient client;
    private final LinkedBlockingQueue<StreamMultiplexer> accepted = new LinkedBlockingQueue<>();
    private final List<StreamMultiplexer> links = new CopyOnWriteArrayList<>();
    private final int port;

    MuxTestServer(Vertx vertx, MuxOptions options, Consumer<StreamMultiplexer> configure) {
        this.vertx = vertx;
        this.server = vertx.createNetServer();
        this.server.connectHandler(socket -> {
            StreamMultiplexer link = new StreamMultiplexer(vertx, socket, LinkRole.ACCEPTOR,
                    options.withName("server-link " + socket.remoteAddress()));
            configure.accept(link);
            link.start();
            links.add(link);
            accepted.add(link);
        });
        this.port = await(server.listen(0, "127.0.0.1")).actualPort();
        this.client = vertx.createNetClient();
    }

    static MuxTestServer start(Vertx vertx, Consumer<StreamMultiplexer> configure) {
        return new MuxTestServer(vertx, MuxTesting.quietOptions("test"), configure);
    }

    int port() {
        return port;
    }

    /**
     * Dials with a multiplexer; {@code configure} runs before it starts. The multiplexer is built in the
     * connect callback on the socket's event loop (connect is called from a Vert.x context), as production
     * code must: Vert.x drops bytes that reach a socket without a handler.
     */
    StreamMultiplexer connect(MuxOptions options, Consumer<StreamMultiplexer> configure) {
        Promise<StreamMultiplexer> made = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> client.connect(port, "127.0.0.1").onComplete(ar -> {
            if (ar.failed()) {
                made.fail(ar.cause());
                return;
            }
            NetSocket socket = ar.result();
            StreamMultiplexer link = new StreamMultiplexer(vertx, socket, LinkRole.DIALER,
                    options.withName("client-link " + socket.localAddress()));
            configure.accept(link);
            link.start();
            links.add(link);
            made.complete(link);
        }));
        return await(made.future());
    }

    StreamMultiplexer connect(Consumer<StreamMultiplexer> configure) {
        return connect(MuxTesting.quietOptions("test"), configure);
    }

    /** Dials a raw socket (no multiplexer): the test speaks bytes. */
    RawPeer connectRaw() {
        Promise<RawPeer> made = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> client.connect(port, "127.0.0.1").map(RawPeer::new).onComplete(made));
        return await(made.future());
    }

    /** The server side of the next accepted connection, in accept order. */
    StreamMultiplexer nextLink() {
        try {
            StreamMultiplexer link = accepted.poll(5, TimeUnit.SECONDS);
            assertNotNull(link, "the server accepted no connection within 5 s");
            return link;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A connected pair: the client link and the server link of the same connection. */
    record Pair(StreamMultiplexer client, StreamMultiplexer server) {
    }

    Pair pair(Consumer<StreamMultiplexer> configureClient) {
        StreamMultiplexer clientLink = connect(configureClient);
        return new Pair(clientLink, nextLink());
    }

    /** Closes every link this server or client made, then the sockets. */
    @Override
    public void close() {
        for (StreamMultiplexer link : links) {
            link.close(ErrorCode.NO_ERROR, "test over");
        }
        await(client.close().compose(v -> server.close()));
    }
}
