package dev.burrow.k8s;

import dev.burrow.agent.BurrowSession;
import dev.burrow.testsupport.Await;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.burrow.k8s.ControllerTestBed.POLL;
import static dev.burrow.k8s.ControllerTestBed.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two controller replicas, each with its own API client and edge session, elect a leader with a Lease on one mock API
 * server: only the leader serves; when it dies without a word (its API client and session gone, the Lease not
 * released), the other serves the same host once the Lease has expired.
 */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionE2ETest {
    /** Short test timing; production uses {@link LeaseSettings#of} (15 s, 10 s, 2 s). */
    private static final Duration LEASE = Duration.ofSeconds(4);
    private static final Duration RENEW_DEADLINE = Duration.ofSeconds(3);
    private static final Duration RETRY = Duration.ofMillis(500);
    /**
     * Takeover measured at 5.1-5.9 s (the lease's 4 s from the last renewal, a retry, the bind): the bound leaves room
     * for a loaded 2-core machine.
     */
    private static final Duration TAKEOVER_BOUND = LEASE.plusSeconds(11);

    KubernetesClient client;
    KubernetesMockServer server;

    private ControllerTestBed bed;

    @BeforeEach
    void startEdge() {
        bed = new ControllerTestBed();
    }

    @AfterEach
    void stopAll() {
        bed.close();
    }

    @Test
    void onlyTheLeaderServesAndTheOtherReplicaServesWithinTheLeaseAfterTheLeaderDies() {
        int web = bed.httpUpstream("web\n");
        client.network().v1().ingressClasses().resource(ControllerTestBed.ingressClass("burrow", ControllerSettings.DEFAULT_CONTROLLER_NAME, false)).create();
        client.network().v1().ingresses().inNamespace("shop").resource(ControllerTestBed.ingress("web", "burrow", "web.localhost", "web")).create();
        ServiceUpstreams loopback = ControllerTestBed.toLoopback(Map.of("web", web));

        KubernetesClient firstClient = server.createClient();
        BurrowSession firstSession = bed.replicaSession();
        LeaderElection first = LeaderElection.start(firstClient, lease("replica-a"),
                () -> BurrowController.start(firstClient, firstSession, loopback, ControllerSettings.defaults(List.of("shop"))));
        Await.until(first::leading, WAIT, POLL, () -> "replica-a never led");
        bed.awaitCurl("web.localhost", 200, "web\n");

        KubernetesClient secondClient = server.createClient();
        BurrowSession secondSession = bed.replicaSession();
        try (LeaderElection second = LeaderElection.start(secondClient, lease("replica-b"),
                () -> BurrowController.start(secondClient, secondSession, loopback, ControllerSettings.defaults(List.of("shop"))))) {
            // Absence is asserted: the second replica gets several retry periods in which it must not take the Lease.
            sleepRetries(4);
            assertFalse(second.leading(), "a second replica must not lead while the first renews");
            assertEquals("replica-a", holder());

            long died = System.nanoTime();
            firstClient.close();
            Await.result(firstSession.close(), WAIT, "replica-a's session");
            bed.awaitCurl("web.localhost", 200, "web\n");
            Duration takeover = Duration.ofNanos(System.nanoTime() - died);
            System.out.println("takeover after the leader died: " + takeover.toMillis() + " ms (lease " + LEASE.toMillis() + " ms)");
            assertTrue(second.leading());
            assertEquals("replica-b", holder());
            assertTrue(takeover.compareTo(TAKEOVER_BOUND) < 0, "took over in " + takeover);
        } finally {
            first.close();
            secondClient.close();
        }
    }

    private static LeaseSettings lease(String identity) {
        return new LeaseSettings("burrow-system", "burrow-controller", identity, LEASE, RENEW_DEADLINE, RETRY);
    }

    private String holder() {
        Lease lease = client.resources(Lease.class).inNamespace("burrow-system").withName("burrow-controller").get();
        return Optional.ofNullable(lease).map(l -> l.getSpec().getHolderIdentity()).orElse("");
    }

    private static void sleepRetries(int retries) {
        try {
            Thread.sleep(RETRY.toMillis() * retries);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
