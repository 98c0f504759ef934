package dev.burrow.edge.tenancy;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import dev.burrow.edge.cluster.HazelcastSetup;
import dev.burrow.edge.config.ClusterSettings;
import dev.burrow.edge.registry.EndpointException;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/**
 * The session quota's recount on a real Hazelcast member, in the race's worst case: every racer is listed before any
 * recounts, so each one sees all the others (review2 M9: they used to be refused all).
 */
class TenantSessionsQuotaTest {
    private static HazelcastInstance hazelcast;
    private static Vertx vertx;
    private static TenantSessions sessions;

    @BeforeAll
    static void start() {
        ClusterSettings cluster = ClusterSettings.defaults().withName("sessions-test-" + UUID.randomUUID().toString().substring(0, 8));
        hazelcast = Hazelcast.newHazelcastInstance(HazelcastSetup.config(
                new ClusterSettings(cluster.port(), List.of(), cluster.name(), "127.0.0.1", 0, null, null)));
        vertx = Vertx.vertx();
        sessions = new TenantSessions(vertx, hazelcast, hazelcast.getCluster().getLocalMember().getUuid().toString(), "node-1");
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        hazelcast.shutdown();
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void racersAllListedBeforeTheRecountFillExactlyTheQuota() throws Exception {
        int max = 3;
        int racers = 8;
        Principal principal = new Principal("crowd", "tok_1", "owner", "tenant:crowd", List.of(), new Quotas(0, max, 0, 0));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            String id = "s_" + i;
            ids.add(id);
            await(sessions.opened((code, message) -> { }, principal, id, "127.0.0.1:" + (40_000 + i)));
        }
        List<Future<Void>> confirms = new ArrayList<>();
        for (String id : ids) {
            confirms.add(sessions.confirm(principal, id, false));
        }
        await(Future.join(confirms).otherwiseEmpty());
        long admitted = confirms.stream().filter(Future::succeeded).count();
        assertEquals(max, admitted, "admitted of " + racers + " racers, quota " + max);
        for (Future<Void> refused : confirms.stream().filter(Future::failed).toList()) {
            EndpointException e = assertInstanceOf(EndpointException.class, refused.cause());
            assertEquals(ErrorCode.SESSION_QUOTA_EXCEEDED, e.code(), e.getMessage());
        }
        assertEquals(max, await(sessions.list("crowd")).size(), "the refused racers unlisted themselves");
    }
}
