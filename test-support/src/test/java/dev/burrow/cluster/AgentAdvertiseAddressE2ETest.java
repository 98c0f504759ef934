package dev.burrow.cluster;

import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.FaultRelay;
import dev.burrow.testsupport.FreePorts;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.cluster.EdgeCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --agent-advertise-address}: node 1 sits behind a forwarder (as behind an NLB whose name differs from the
 * node's private address) and advertises the forwarder to agents, while the nodes still reach each other at their
 * own {@code --advertise-address}. An agent linked to node 0 is told the forwarder's address for node 1, opens its
 * second link through it, and keeps serving through it when node 0 dies.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AgentAdvertiseAddressE2ETest {
    private final List<Path> dirs = new ArrayList<>();
    private Upstream upstream;
    private FaultRelay forwarder;
    private EdgeProcess node0;
    private EdgeProcess node1;
    private AgentProcess agent;

    @AfterEach
    void stopAll() throws IOException {
        Closeables.closeAll(agent, node1, node0, forwarder, upstream);
        dirs.forEach(TempDirs::deleteRecursively);
    }

    @Test
    void agentsAreToldTheAgentAdvertiseAddress() throws IOException {
        upstream = Upstream.start();
        Path ca = EdgeCluster.makeSharedCa();
        dirs.add(ca);
        String name = "burrow-test-" + UUID.randomUUID().toString().substring(0, 8);
        int port0 = FreePorts.closedPort();
        int port1 = FreePorts.closedPort();
        int tunnel1 = FreePorts.closedPort();
        forwarder = FaultRelay.to(tunnel1);
        FreePorts.Range tcpPorts = FreePorts.freeRange(4);
        node0 = EdgeProcess.builder().name("node0").dataDir(dataDir(ca)).tcpPorts(tcpPorts).heartbeatInterval("1s")
                .arg("--cluster-name", name, "--cluster-port", Integer.toString(port0), "--cluster-join-wait", "0s",
                        "--node-id", "node0", "--advertise-address", "127.0.0.1")
                .start();
        node1 = EdgeProcess.builder().name("node1").dataDir(dataDir(ca)).tcpPorts(tcpPorts).heartbeatInterval("1s")
                .tunnelPort(tunnel1)
                .arg("--cluster-name", name, "--cluster-port", Integer.toString(port1), "--cluster-join-wait", "0s",
                        "--node-id", "node1", "--advertise-address", "127.0.0.1", "--cluster-members", "127.0.0.1:" + port0,
                        "--agent-advertise-address", forwarder.address())
                .start();
        agent = AgentProcess.http(node0, upstream.httpAddress()).subdomain("nlb").start();
        Await.until(() -> ClusterTestSupport.liveLinks(agent).contains(forwarder.address()), Duration.ofSeconds(20),
                Duration.ofMillis(50), () -> "the agent did not link through the advertised address " + forwarder.address()
                        + "; its links: " + ClusterTestSupport.liveLinks(agent));
        assertFalse(ClusterTestSupport.liveLinks(agent).contains("127.0.0.1:" + tunnel1),
                "the node's own address is not what agents are told");
        assertTrue(forwarder.acceptedConnections() >= 1);
        ClusterTestSupport.awaitServing(List.of(node0, node1), "nlb", Duration.ofSeconds(10));
        node0.kill();
        ClusterTestSupport.awaitServing(List.of(node1), "nlb", Duration.ofSeconds(10));
    }

    private Path dataDir(Path ca) throws IOException {
        Path dir = Files.createTempDirectory("burrow-advertise-");
        dirs.add(dir);
        for (String file : List.of("ca.pem", "ca-key.pem", "authtoken")) {
            Files.copy(ca.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }
}
