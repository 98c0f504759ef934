package dev.burrow.edge.link;

import dev.burrow.edge.chain.EndpointPolicies;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.EndpointClaim;
import dev.burrow.edge.registry.EndpointProtocol;
import dev.burrow.edge.registry.EndpointRecord;
import dev.burrow.edge.registry.EndpointRegistry;
import dev.burrow.edge.registry.EndpointState;
import dev.burrow.policy.TrafficPolicy;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.EndpointSettings;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent's "ok" to update_policy means this node learned the change; a node that never did says so. */
class PolicyUpdaterTest {
    private static final String DOCUMENT = "on_http_request: []";
    private final Vertx vertx = Vertx.vertx();
    private final EndpointPolicies policies = new EndpointPolicies((document, source) -> TrafficPolicy.none());

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aChangeThisNodeNeverLearnsIsNotAnsweredOk() throws Exception {
        ControlMessage.UpdatePolicyResult result = update(new ChangingRegistry(-1));
        assertFalse(result.ok());
        assertEquals(ErrorCode.INTERNAL_ERROR, result.errorCode());
        assertTrue(result.message().contains("did not learn it within"), result.message());
        assertEquals(0, policies.changeWaiters().size());
    }

    @Test
    void theAnswerComesWhenTheRegistryEventArrivesNotAfterTheWaitBound() throws Exception {
        long started = System.nanoTime();
        ControlMessage.UpdatePolicyResult result = update(new ChangingRegistry(200));
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(result.ok(), String.valueOf(result));
        assertTrue(tookMillis < PolicyUpdater.VIEW_WAIT_MILLIS - 500, tookMillis + " ms");
        assertEquals(0, policies.changeWaiters().size());
    }

    private ControlMessage.UpdatePolicyResult update(EndpointRegistry registry) throws Exception {
        return new PolicyUpdater(vertx, registry, policies).update("s1", new ControlMessage.UpdatePolicy(7, "e1", DOCUMENT))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /**
     * Takes the change; this node's lookups keep showing the old record, and the change event reaches this node's
     * policies after {@code eventAfterMillis} (never when negative).
     */
    private final class ChangingRegistry implements EndpointRegistry {
        private final long eventAfterMillis;

        ChangingRegistry(long eventAfterMillis) {
            this.eventAfterMillis = eventAfterMillis;
        }

        @Override
        public Future<Endpoint> changePolicy(String endpointId, String sessionId, String document) {
            EndpointRecord changed = new EndpointRecord(endpointId, EndpointProtocol.HTTP, "a.example", 0, sessionId, "k", 1,
                    List.of(), new EndpointSettings(false, document));
            if (eventAfterMillis >= 0) {
                vertx.setTimer(eventAfterMillis, id -> policies.learned(changed));
            }
            return Future.succeededFuture(changed.toEndpoint());
        }

        @Override
        public Future<Endpoint> lookupId(String endpointId) {
            return Future.succeededFuture(new Endpoint(endpointId, EndpointProtocol.HTTP, "a.example", 0, "s1", "k",
                    EndpointState.ONLINE));
        }

        @Override
        public Future<Endpoint> bind(EndpointClaim claim) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Endpoint> lookupHostname(String hostname) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Endpoint> lookupPort(int port) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<Endpoint> unbind(String endpointId, String sessionId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<List<Endpoint>> markOffline(String sessionId, long linkEpoch) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<List<Endpoint>> removeOffline(String sessionId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Future<List<Endpoint>> list() {
            throw new UnsupportedOperationException();
        }
    }
}
