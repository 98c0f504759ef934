package dev.burrow.e2e;

import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.PublicHttpClient;
import dev.burrow.testsupport.Upstream;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fixture of the e2e tests around one edge for the class: a Vert.x instance, the upstream on it, the edge JVM
 * and a public HTTP client to it; stopped after the class, their logs attached to a failure.
 */
@ExtendWith(ProcessLogsOnFailure.class)
abstract class OneEdgeE2ETest {
    static Vertx vertx;
    static Upstream upstream;
    static EdgeProcess edge;
    static PublicHttpClient client;

    /** Call from the class's {@code @BeforeAll}: starts everything; the client keeps up to {@code connections}. */
    static void startEdge(EdgeProcess.Builder edgeBuilder, int connections) {
        vertx = Vertx.vertx();
        upstream = Upstream.start(vertx);
        edge = edgeBuilder.start();
        client = new PublicHttpClient(vertx, edge.httpPort(), connections);
    }

    // Not named stopAll: a static method of that name in a test class would hide this one from JUnit.
    @AfterAll
    static void stopEdgeAndUpstream() {
        Closeables.closeAll(client, edge, upstream, Closeables.of(vertx));
    }
}
