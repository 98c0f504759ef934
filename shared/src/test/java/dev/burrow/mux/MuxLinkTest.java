package dev.burrow.mux;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The fixture of the mux tests that run one {@link MuxTestServer} per test: a Vert.x instance for the class, the
 * test's server (set {@link #server}), closed with every link after each test.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
abstract class MuxLinkTest {
    static Vertx vertx;
    MuxTestServer server;

    @BeforeAll
    static void startVertx(Vertx classVertx) {
        vertx = classVertx;
    }

    @AfterEach
    void closeServer() {
        if (server != null) {
            server.close();
        }
    }

    /** Starts the server, each of its links putting the streams the peer opens into {@code incoming}; dials it. */
    MuxTestServer.Pair pairCollectingStreams(BlockingQueue<MuxStream> incoming) {
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(incoming::add));
        return server.pair(link -> { });
    }
}
