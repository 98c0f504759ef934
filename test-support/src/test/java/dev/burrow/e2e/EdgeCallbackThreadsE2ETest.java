package dev.burrow.e2e;

import dev.burrow.agent.BurrowSession;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.scale.EdgeFootprint;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An edge process on a small machine keeps Hazelcast's asynchronous callbacks on a pool. With the JDK's default
 * common pool of one thread (two cores or fewer, as in CI), Hazelcast starts a thread for every callback, so each bind
 * (a handful of registry and tenancy operations) started several threads. Counted from outside, with the JVM's own
 * counter of started threads.
 */
class EdgeCallbackThreadsE2ETest extends OneEdgeE2ETest {
    private static final int ENDPOINTS = 100;
    /**
     * Threads the edge may start while a hundred endpoints are bound, once one has been: pools reaching their size.
     * A thread per callback started 213 for a hundred binds here.
     */
    private static final long MAX_THREADS_STARTED = 40;

    @BeforeAll
    static void startAll() {
        startEdge(EdgeProcess.builder().name("edge-callback-threads"), 2);
    }

    @Test
    void bindingAHundredEndpointsStartsNoThreadPerRegistryCallback() throws Exception {
        EdgeFootprint footprint = new EdgeFootprint(edge.process().pid(), edge.bindAddress(), edge.opsPort());
        BurrowSession session = BurrowSession.builder().serverAddress(edge.serverAddress()).authtoken(edge.authtoken())
                .edgeCa(edge.caPath()).links(1).connect().await(20, TimeUnit.SECONDS);
        try {
            session.httpEndpoint().subdomain("threads-first").listen().await(20, TimeUnit.SECONDS);
            long before = footprint.threadsStarted();
            for (int i = 0; i < ENDPOINTS; i++) {
                session.httpEndpoint().subdomain("threads-" + i).listen().await(20, TimeUnit.SECONDS);
            }
            long started = footprint.threadsStarted() - before;
            assertTrue(started < MAX_THREADS_STARTED, "the edge started " + started + " threads while " + ENDPOINTS
                    + " endpoints were bound");
        } finally {
            session.close().await(20, TimeUnit.SECONDS);
        }
    }
}
