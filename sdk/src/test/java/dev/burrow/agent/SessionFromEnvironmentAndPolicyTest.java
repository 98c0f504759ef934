package dev.burrow.agent;

import dev.burrow.agent.testing.FakeEdge;
import dev.burrow.protocol.ControlMessage;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Burrow#withAuthtokenFromEnv()} reads the variables the command reads and runs on a Vert.x instance of its
 * own; an endpoint's URL and traffic policy travel in its bind.
 */
@ExtendWith(VertxExtension.class)
class SessionFromEnvironmentAndPolicyTest {
    private static final String POLICY = "on_http_request:\n  - actions:\n      - type: deny\n        config:\n          status_code: 403\n";

    private FakeEdge edge;

    @BeforeEach
    void startEdge(Vertx vertx) {
        edge = new FakeEdge(vertx).start(0).await();
    }

    @AfterEach
    void stopEdge() {
        edge.close().await();
    }

    @Test
    void withoutAnAuthtokenConnectingFailsNamingTheVariable() {
        IllegalArgumentException refused = assertInstanceOf(IllegalArgumentException.class,
                Burrow.fromEnvironment(Map.of()).connect().toCompletionStage().toCompletableFuture()
                        .handle((session, failure) -> failure).join());
        assertTrue(refused.getMessage().contains("BURROW_AUTHTOKEN"), refused.getMessage());
    }

    @Test
    void theEnvironmentNamesTokenEdgeAndCaAndTheSessionOwnsItsVertx(Vertx vertx) throws Exception {
        BurrowSession session = Burrow.fromEnvironment(Map.of(Burrow.AUTHTOKEN_ENV, FakeEdge.TOKEN,
                        Burrow.SERVER_ENV, edge.address(), Burrow.EDGE_CA_ENV, edge.caFile().toString()))
                .links(1).connect().await(30, TimeUnit.SECONDS);
        assertTrue(session.isConnected());
        VertxInternal own = (VertxInternal) session.vertx();
        assertNotSame(vertx, own, "a session built without a Vert.x instance makes its own");
        session.close().await(30, TimeUnit.SECONDS);
        own.closeFuture().future().await(10, TimeUnit.SECONDS);
        assertTrue(own.closeFuture().isClosed(), "closing the session closes the Vert.x instance it made");
    }

    @Test
    void theUrlAndTrafficPolicyTravelInTheBind(Vertx vertx) throws Exception {
        BurrowSession session = BurrowSession.builder(vertx).serverAddress(edge.address()).authtoken(FakeEdge.TOKEN)
                .edgeCa(edge.caFile()).links(1).connect().await(30, TimeUnit.SECONDS);
        try {
            session.httpEndpoint().url("http://policed.localhost").trafficPolicy(POLICY).listen().await(30, TimeUnit.SECONDS);
            session.tcpEndpoint().listen().await(30, TimeUnit.SECONDS);
            ControlMessage.Bind http = edge.binds().get(0);
            assertEquals("policed.localhost", http.hostname());
            assertEquals(POLICY, http.settings().trafficPolicy());
            assertNull(edge.binds().get(1).settings().trafficPolicy(), "an endpoint without a policy binds without one");
            assertThrows(IllegalArgumentException.class, () -> session.httpEndpoint().url("ftp://x.localhost"));
        } finally {
            session.close().await(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLivePolicyChangeIsSentForTheEndpointAndLaterBindsCarryIt(Vertx vertx) throws Exception {
        BurrowSession session = BurrowSession.builder(vertx).serverAddress(edge.address()).authtoken(FakeEdge.TOKEN)
                .edgeCa(edge.caFile()).links(1).connect().await(30, TimeUnit.SECONDS);
        try {
            EndpointListener endpoint = session.httpEndpoint().url("http://live.localhost").trafficPolicy(POLICY).listen()
                    .await(30, TimeUnit.SECONDS);
            String allow = "on_http_request: []\n";
            endpoint.updateTrafficPolicy(allow).await(30, TimeUnit.SECONDS);
            ControlMessage.UpdatePolicy sent = edge.policyUpdates().get(0);
            assertEquals(endpoint.id(), sent.endpointId());
            assertEquals(allow, sent.trafficPolicy());

            BurrowException refused = assertThrows(BurrowException.class, () -> endpoint.updateTrafficPolicy(
                    "on_http_request:\n  - actions:\n      - type: teleport\n").await(30, TimeUnit.SECONDS));
            assertEquals(BurrowException.Reason.POLICY_REFUSED, refused.reason());
            assertEquals(dev.burrow.protocol.ErrorCode.INVALID_TRAFFIC_POLICY, refused.edgeCode());
            assertTrue(refused.getMessage().startsWith("traffic_policy:3:15:"), refused.getMessage());

            edge.killLinks();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (edge.binds().size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(2, edge.binds().size(), "one rebind after the link dropped: " + edge.binds());
            assertEquals(allow, edge.binds().get(1).settings().trafficPolicy(), "the rebind carries the last accepted policy");
        } finally {
            session.close().await(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void anEdgeThatPredatesLivePolicyChangesIsNotSentOne(Vertx vertx) throws Exception {
        edge.close().await();
        edge = new FakeEdge(vertx).withoutPolicyUpdates().start(0).await();
        BurrowSession session = BurrowSession.builder(vertx).serverAddress(edge.address()).authtoken(FakeEdge.TOKEN)
                .edgeCa(edge.caFile()).links(1).connect().await(30, TimeUnit.SECONDS);
        try {
            EndpointListener endpoint = session.httpEndpoint().trafficPolicy(POLICY).listen().await(30, TimeUnit.SECONDS);
            BurrowException refused = assertThrows(BurrowException.class,
                    () -> endpoint.updateTrafficPolicy(null).await(30, TimeUnit.SECONDS));
            assertTrue(refused.getMessage().contains("predates"), refused.getMessage());
            assertTrue(edge.policyUpdates().isEmpty(), "nothing it does not know was sent");
            assertTrue(session.isConnected(), "the link stays up");
        } finally {
            session.close().await(30, TimeUnit.SECONDS);
        }
    }
}
