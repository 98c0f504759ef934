package dev.burrow.testsupport.cluster;

import dev.burrow.edge.pki.DevAuthtoken;
import dev.burrow.edge.pki.DevPki;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.FreePorts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * N real edge nodes ({@link EdgeProcess}, one JVM each) on loopback forming one Hazelcast cluster: a unique cluster
 * name, member ports from the OS, each node listing the others, Hazelcast's join wait at 0 s, one TCP port range for
 * all, and one cluster CA and dev authtoken (the first node makes them; they are copied into the other nodes' data
 * directories before those start, which is how an operator shares the dev CA too).
 */
public final class EdgeCluster implements AutoCloseable {
    private final List<EdgeProcess> nodes = new ArrayList<>();
    private final List<Path> dataDirs = new ArrayList<>();

    private EdgeCluster() {
    }

    public static EdgeCluster start(int size, String heartbeatInterval) {
        return start(size, heartbeatInterval, new String[0]);
    }

    /** As {@link #start(int, String)}, with more flags for every node (for example {@code --drain-timeout 10s}). */
    public static EdgeCluster start(int size, String heartbeatInterval, String... extraArgs) {
        EdgeCluster cluster = new EdgeCluster();
        try {
            String name = "burrow-test-" + UUID.randomUUID().toString().substring(0, 8);
            FreePorts.Range tcpPorts = FreePorts.freeRange(8);
            List<Integer> memberPorts = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                memberPorts.add(FreePorts.closedPort());
            }
            // One cluster CA and dev authtoken, made once and copied into every node's data directory.
            Path shared = Files.createTempDirectory("burrow-cluster-ca-");
            cluster.dataDirs.add(shared);
            DevPki.ensure(shared, "localhost");
            DevAuthtoken.loadOrCreate(shared);
            List<CompletableFuture<EdgeProcess>> starting = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                Path dir = Files.createTempDirectory("burrow-cluster-node" + i + "-");
                cluster.dataDirs.add(dir);
                for (String file : List.of("ca.pem", "ca-key.pem", "authtoken")) {
                    Files.copy(shared.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
                int self = i;
                String nodeName = "cluster-node" + i;
                String nodeId = "node" + i;
                String clusterPort = Integer.toString(memberPorts.get(i));
                // Each node on its own loopback address: every node listens on each TCP endpoint's port.
                String address = "127.0.0." + (i + 1);
                String members = memberPorts.stream().filter(p -> !p.equals(memberPorts.get(self)))
                        .map(p -> "127.0.0." + (memberPorts.indexOf(p) + 1) + ":" + p).collect(Collectors.joining(","));
                // Started side by side: each node lists the others, so they find each other as they come up.
                starting.add(CompletableFuture.supplyAsync(() -> EdgeProcess.builder()
                        .name(nodeName)
                        .bindAddress(address)
                        .startTimeout(java.time.Duration.ofSeconds(90)) // three JVMs on two loaded cores
                        .dataDir(dir)
                        .tcpPorts(tcpPorts)
                        .heartbeatInterval(heartbeatInterval)
                        .arg("--cluster-name", name, "--cluster-port", clusterPort,
                                "--cluster-members", members, "--cluster-join-wait", "0s", "--node-id", nodeId,
                                "--advertise-address", address)
                        .arg(extraArgs)
                        .start()));
            }
            RuntimeException failure = null;
            for (CompletableFuture<EdgeProcess> node : starting) {
                try {
                    cluster.nodes.add(node.join());
                } catch (CompletionException e) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
            if (failure != null) {
                throw failure;
            }
            return cluster;
        } catch (IOException e) {
            cluster.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    public EdgeProcess node(int index) {
        return nodes.get(index);
    }

    public List<EdgeProcess> nodes() {
        return List.copyOf(nodes);
    }

    @Override
    public void close() {
        for (EdgeProcess node : nodes) {
            try {
                node.close();
            } catch (RuntimeException ignored) {
                // keep closing the others
            }
        }
        for (Path dir : dataDirs) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted((a, b) -> b.compareTo(a)).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir left behind is harmless
            }
        }
    }
}
