package dev.burrow.cluster;

import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.DeterministicBytes;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.PublicHttpClient;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.cluster.EdgeCluster;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Regional edges: two regions on loopback, each its own one-node cluster (own cluster name) sharing the cluster CA.
 * An agent links to region eu; a public request to region us for its hostname is looked up in eu over the relay link
 * between the regions and relayed there (exact bodies both ways, 1 MiB across the hop); an unknown hostname answers 404
 * at once; when the agent leaves, region us answers 404 "not found" within the lookup cache's TTL.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RegionsE2ETest {
    private Path ca;
    private Upstream upstream;
    private EdgeCluster eu;
    private EdgeCluster us;
    private AgentProcess agent;
    private Vertx vertx;
    private PublicHttpClient client;

    @AfterEach
    void stopAll() throws IOException {
        Closeables.closeAll(client, agent, us, eu, upstream);
        if (vertx != null) {
            vertx.close();
        }
        TempDirs.deleteRecursively(ca);
    }

    @Test
    void aRequestToAnotherRegionIsRelayedToTheRegionWhereTheAgentIs() throws Exception {
        upstream = Upstream.start();
        ca = EdgeCluster.makeSharedCa();
        // eu's relay port comes from the OS; us is told the port eu printed (static --region-peers; each region has a
        // database of its own here, so the directory does not join them). Only us dials: lookups go from us to eu.
        eu = EdgeCluster.startRegion(ca, 1, 21, "1s", "--region", "eu");
        us = EdgeCluster.startRegion(ca, 1, 1, "1s", "--region", "us", "--region-peers", "eu=127.0.0.21:" + eu.node(0).relayPort());
        EdgeProcess euNode = eu.node(0);
        EdgeProcess usNode = us.node(0);
        Await.until(() -> ClusterTestSupport.metric(usNode, "burrow_region_links") == 1,
                Duration.ofSeconds(15), Duration.ofMillis(50), () -> "the relay links between the regions did not come up");

        vertx = Vertx.vertx();
        client = new PublicHttpClient(vertx, usNode.httpPort(), 4);
        long t0 = System.nanoTime();
        PublicHttpClient.Response unknown = client.get("nobody.localhost", "/echo");
        long unknownMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(404, unknown.status(), unknown.bodyText());
        assertTrue(unknown.bodyText().contains("nobody.localhost"), unknown.bodyText());

        agent = AgentProcess.http(euNode, upstream.httpAddress()).subdomain("roam").start();
        ClusterTestSupport.awaitServing(List.of(euNode), "roam", Duration.ofSeconds(20));
        long found0 = System.nanoTime();
        Await.until(() -> client.get("roam.localhost", "/echo").status() == 200, Duration.ofSeconds(10),
                Duration.ofMillis(100), () -> "region us never relayed roam.localhost to region eu");
        long foundMillis = (System.nanoTime() - found0) / 1_000_000;

        PublicHttpClient.Response small = client.post("roam.localhost", "/echo", null, Buffer.buffer("hello from region us"));
        assertEquals(200, small.status());
        assertEquals("hello from region us", small.bodyText());
        assertEquals(Upstream.UPSTREAM_HEADER_VALUE, small.header(Upstream.UPSTREAM_HEADER));
        Buffer largeBuffer = Buffer.buffer();
        for (int offset = 0; offset < 1 << 20; offset += DeterministicBytes.MAX_CHUNK) {
            largeBuffer.appendBytes(DeterministicBytes.slice(offset, DeterministicBytes.MAX_CHUNK));
        }
        byte[] large = largeBuffer.getBytes();
        long l0 = System.nanoTime();
        PublicHttpClient.Response echoed = client.post("roam.localhost", "/echo", null, Buffer.buffer(large));
        long largeMillis = (System.nanoTime() - l0) / 1_000_000;
        assertEquals(200, echoed.status());
        assertArrayEquals(large, echoed.body().getBytes(), "1 MiB echoed across the region hop");
        assertTrue(ClusterTestSupport.metric(usNode, "burrow_region_relayed_streams_total") >= 3,
                "requests went over the region relay");
        assertTrue(ClusterTestSupport.metric(euNode, "burrow_region_lookups_answered_total") >= 1);

        agent.stop(Duration.ofSeconds(5));
        long gone0 = System.nanoTime();
        // Worst case: the offline grace (1 s), the found answer's TTL (5 s) and one lookup, on a loaded machine.
        Await.until(() -> client.get("roam.localhost", "/echo").status() == 404, Duration.ofSeconds(20),
                Duration.ofMillis(100), () -> "region us still answers for roam.localhost after the agent left");
        long goneMillis = (System.nanoTime() - gone0) / 1_000_000;
        PublicHttpClient.Response gone = client.get("roam.localhost", "/echo");
        assertEquals(404, gone.status());
        assertTrue(gone.bodyText().contains("Tunnel roam.localhost not found"), gone.bodyText());
        System.out.printf("regions: unknown host 404 in %d ms; found in the other region %d ms after serving; "
                + "1 MiB echo across regions %d ms; 404 %d ms after the agent left%n", unknownMillis, foundMillis,
                largeMillis, goneMillis);
    }

    /**
     * Region eu has two nodes; the agent has one link, to node 1, and region us knows only node 0's relay address.
     * Node 0 answers the lookup from the region's registry and passes the stream on to node 1 over the cluster's own
     * relay link: one hop more, same bytes.
     */
    @Test
    void theAnsweringNodePassesTheStreamToTheNodeOfItsRegionThatHoldsTheAgent() {
        upstream = Upstream.start();
        ca = EdgeCluster.makeSharedCa();
        eu = EdgeCluster.startRegion(ca, 2, 21, "1s", "--region", "eu");
        int euNode0Relay = eu.node(0).relayPort();
        us = EdgeCluster.startRegion(ca, 1, 1, "1s", "--region", "us", "--region-peers", "eu=127.0.0.21:" + euNode0Relay);
        EdgeProcess usNode = us.node(0);
        agent = AgentProcess.http(eu.node(1), upstream.httpAddress()).subdomain("deep").arg("--links", "1").start();
        ClusterTestSupport.awaitServing(eu.nodes(), "deep", Duration.ofSeconds(20));
        assertEquals(List.of(eu.node(1).serverAddress()), ClusterTestSupport.liveLinks(agent), "one link, to eu node 1");

        vertx = Vertx.vertx();
        client = new PublicHttpClient(vertx, usNode.httpPort(), 2);
        Await.until(() -> client.get("deep.localhost", "/echo").status() == 200, Duration.ofSeconds(15),
                Duration.ofMillis(100), () -> "region us never relayed deep.localhost to region eu");
        PublicHttpClient.Response answer = client.post("deep.localhost", "/echo", null, Buffer.buffer("two hops away"));
        assertEquals(200, answer.status());
        assertEquals("two hops away", answer.bodyText());
        // eu node 0 has no agent link: each stream from region us it served went on to eu node 1.
        assertTrue(ClusterTestSupport.metric(eu.node(0), "burrow_relay_streams_served_total") >= 2,
                "eu node 0 took the streams from region us");
        assertTrue(ClusterTestSupport.metric(eu.node(0), "burrow_region_lookups_answered_total") >= 1);
    }
}
