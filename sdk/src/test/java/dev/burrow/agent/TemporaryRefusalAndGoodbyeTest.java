package dev.burrow.agent;

import dev.burrow.agent.testing.FakeEdge;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A refusal the edge marks temporary (here CLUSTER_UNAVAILABLE, as from a node in its cluster's minority) keeps the
 * endpoint pending: the session links again with backoff and binds it then, and tells its listeners why it waits; a
 * permanent refusal fails the bind at once. A session closed on purpose says goodbye on its link.
 */
@ExtendWith(VertxExtension.class)
class TemporaryRefusalAndGoodbyeTest {
    private static final long WAIT_SECONDS = 30;

    private FakeEdge edge;
    private BurrowSession session;
    private final List<SessionEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (session != null) {
            session.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
        }
        if (edge != null) {
            edge.close().await();
        }
    }

    private void connect(Vertx vertx) throws Exception {
        session = BurrowSession.builder(vertx).serverAddress(edge.address()).authtoken(FakeEdge.TOKEN)
                .edgeCa(edge.caFile()).reconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                .listener(events::add).connect().await(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    @Test
    void aTemporaryRefusalKeepsTheEndpointPendingUntilALinkBindsIt(Vertx vertx) throws Exception {
        edge = new FakeEdge(vertx).refuseBindsAsUnavailable(2).start(0).await();
        connect(vertx);
        EndpointListener listener = session.httpEndpoint().subdomain("patient").listen().await(WAIT_SECONDS, TimeUnit.SECONDS);

        assertEquals("http://patient.localhost:8080", listener.publicUrl());
        assertEquals(3, edge.binds().size(), "two refused binds, then the one that took");
        assertTrue(edge.auths() >= 3, "the refusing node's link was dropped and dialed again: " + edge.auths() + " auths");
        assertTrue(events.stream().anyMatch(e -> e instanceof SessionEvent.ConnectFailed failed
                        && failed.cause().edgeCode() == ErrorCode.CLUSTER_UNAVAILABLE && failed.cause().getMessage().contains("cut off")),
                "the session says why the endpoint waits: " + events);
        assertFalse(events.stream().anyMatch(e -> e instanceof SessionEvent.Failed), "a temporary refusal is not fatal: " + events);
    }

    @Test
    void aPermanentRefusalFailsTheBindAtOnce(Vertx vertx) throws Exception {
        edge = new FakeEdge(vertx).start(0).await();
        connect(vertx);
        Exception failure = assertThrows(Exception.class,
                () -> session.httpEndpoint().subdomain("taken").listen().await(WAIT_SECONDS, TimeUnit.SECONDS));
        BurrowException refusal = assertInstanceOf(BurrowException.class, failure);
        assertEquals(ErrorCode.HOSTNAME_IN_USE, refusal.edgeCode());
        assertTrue(refusal.isFatal());
        assertEquals(1, edge.binds().size(), "a permanent refusal is not retried");
    }

    @Test
    void aSessionClosedOnPurposeSaysGoodbye(Vertx vertx) throws Exception {
        edge = new FakeEdge(vertx).start(0).await();
        connect(vertx);
        session.httpEndpoint().subdomain("leaving").listen().await(WAIT_SECONDS, TimeUnit.SECONDS);
        long start = System.nanoTime();
        session.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        session = null;
        assertEquals(1, edge.goodbyes());
        assertTrue(tookMillis < 2_000, "with no exchange in flight, the stop ends once the edge answered: " + tookMillis + " ms");
    }
}
