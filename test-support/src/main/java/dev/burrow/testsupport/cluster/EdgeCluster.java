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
    private final List<EdgeProcess.Builder> planned = new ArrayList<>();
    private Path sharedCa;
    private FreePorts.Range tcpPortRange;
    private java.util.function.IntFunction<String[]> nodeArgs = i -> new String[0];
    private boolean listEveryMember;

    private EdgeCluster() {
    }

    /**
     * A directory holding a cluster CA and a dev authtoken, for several clusters that must share them (regions: their
     * relay links trust the cluster CA and prove membership with the secret derived from its key). The caller deletes it.
     */
    public static Path makeSharedCa() {
        try {
            Path shared = Files.createTempDirectory("burrow-region-ca-");
            DevPki.ensure(shared, "localhost");
            DevAuthtoken.loadOrCreate(shared);
            return shared;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One region: a cluster of {@code size} nodes (own cluster name) on 127.0.0.{@code firstHost}..., whose data
     * directories get the CA and authtoken of {@code sharedCa} ({@link #makeSharedCa()}), with {@code extraArgs} for
     * every node (for example {@code --region eu --region-peers us=127.0.0.5:PORT --relay-port PORT} for a one-node region).
     */
    public static EdgeCluster startRegion(Path sharedCa, int size, int firstHost, String heartbeatInterval, String... extraArgs) {
        return startRegion(sharedCa, size, firstHost, heartbeatInterval, i -> new String[0], extraArgs);
    }

    /** As {@link #startRegion(Path, int, int, String, String...)}, node i also with {@code nodeArgs.apply(i)}. */
    public static EdgeCluster startRegion(Path sharedCa, int size, int firstHost, String heartbeatInterval,
                                          java.util.function.IntFunction<String[]> nodeArgs, String... extraArgs) {
        EdgeCluster cluster = new EdgeCluster();
        cluster.sharedCa = sharedCa;
        cluster.nodeArgs = nodeArgs;
        return cluster.startPlanned(size, size, firstHost, heartbeatInterval, extraArgs);
    }

    /**
     * As {@link #startRegion(Path, int, int, String, String...)}, with the TCP port range {@code tcpPorts} (regions that
     * relay TCP ports to each other use one range).
     */
    public static EdgeCluster startRegion(Path sharedCa, FreePorts.Range tcpPorts, int size, int firstHost,
                                          String heartbeatInterval, String... extraArgs) {
        EdgeCluster cluster = new EdgeCluster();
        cluster.sharedCa = sharedCa;
        cluster.tcpPortRange = tcpPorts;
        return cluster.startPlanned(size, size, firstHost, heartbeatInterval, extraArgs);
    }

    /**
     * As {@link #startRegion(Path, FreePorts.Range, int, int, String, String...)}, but only the first node starts here;
     * {@link #startNode(int)} starts the others one at a time (a loaded machine starts one JVM at a time faster).
     */
    public static EdgeCluster startOneByOne(Path sharedCa, FreePorts.Range tcpPorts, int size, String heartbeatInterval,
                                            String... extraArgs) {
        EdgeCluster cluster = new EdgeCluster();
        cluster.sharedCa = sharedCa;
        cluster.tcpPortRange = tcpPorts;
        return cluster.startPlanned(size, 1, 1, heartbeatInterval, extraArgs);
    }

    public static EdgeCluster start(int size, String heartbeatInterval) {
        return start(size, heartbeatInterval, new String[0]);
    }

    /** As {@link #start(int, String)}, with more flags for every node (for example {@code --drain-timeout 10s}). */
    public static EdgeCluster start(int size, String heartbeatInterval, String... extraArgs) {
        return start(size, size, heartbeatInterval, extraArgs);
    }

    /**
     * A cluster planned for {@code size} nodes of which only the first {@code startNow} start here, side by side,
     * each listing the others of those as members; {@link #startNode(int)} starts the others later, one at a time,
     * each listing the nodes before it: a cluster that grows (with {@code startNow} 1, the first node is a true
     * cluster of one, with no members listed).
     */
    public static EdgeCluster start(int size, int startNow, String heartbeatInterval, String... extraArgs) {
        return start(size, startNow, 1, heartbeatInterval, extraArgs);
    }

    /**
     * A cluster planned for {@code size} nodes, each listing every other one in {@code --cluster-members} (as a rolling
     * deploy starts them), of which none starts here: {@link #startNode(int)} starts them one at a time, so the first
     * runs alone for a while though it knows it belongs to a cluster of {@code size}.
     */
    public static EdgeCluster planEveryMemberListed(int size, String heartbeatInterval, String... extraArgs) {
        EdgeCluster cluster = new EdgeCluster();
        cluster.listEveryMember = true;
        return cluster.startPlanned(size, 0, 1, heartbeatInterval, extraArgs);
    }

    /**
     * As {@link #start(int, int, String, String...)}, node i on {@code 127.0.0.<firstHost + i>} (the other starts use
     * 127.0.0.1 onwards; a test that cuts traffic between nodes takes addresses nothing else uses, such as 11).
     */
    public static EdgeCluster start(int size, int startNow, int firstHost, String heartbeatInterval, String... extraArgs) {
        return new EdgeCluster().startPlanned(size, startNow, firstHost, heartbeatInterval, extraArgs);
    }

    private EdgeCluster startPlanned(int size, int startNow, int firstHost, String heartbeatInterval, String... extraArgs) {
        EdgeCluster cluster = this;
        try {
            cluster.plan(size, startNow, firstHost, heartbeatInterval, extraArgs);
            List<CompletableFuture<EdgeProcess>> starting = new ArrayList<>();
            for (int i = 0; i < startNow; i++) {
                EdgeProcess.Builder builder = cluster.planned.get(i);
                starting.add(CompletableFuture.supplyAsync(builder::start));
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

    /** Starts planned node {@code index} (the next one not started yet); it joins the running nodes. */
    public EdgeProcess startNode(int index) {
        if (index != nodes.size() || index >= planned.size()) {
            throw new IllegalArgumentException("node " + index + " cannot start now: " + nodes.size() + " of "
                    + planned.size() + " nodes are running");
        }
        EdgeProcess node = planned.get(index).start();
        nodes.add(node);
        return node;
    }

    private void plan(int size, int startNow, int firstHost, String heartbeatInterval, String... extraArgs) throws IOException {
        String name = "burrow-test-" + UUID.randomUUID().toString().substring(0, 8);
        FreePorts.Range tcpPorts = tcpPortRange != null ? tcpPortRange : FreePorts.freeRange(8);
        List<Integer> memberPorts = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            memberPorts.add(FreePorts.closedPort());
        }
        // One cluster CA and dev authtoken, made once and copied into every node's data directory.
        Path shared = sharedCa;
        if (shared == null) {
            shared = Files.createTempDirectory("burrow-cluster-ca-");
            dataDirs.add(shared);
            DevPki.ensure(shared, "localhost");
            DevAuthtoken.loadOrCreate(shared);
        }
        for (int i = 0; i < size; i++) {
            Path dir = Files.createTempDirectory("burrow-cluster-node" + i + "-");
            dataDirs.add(dir);
            for (String file : List.of("ca.pem", "ca-key.pem", "authtoken")) {
                Files.copy(shared.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
            int self = i;
            String clusterPort = Integer.toString(memberPorts.get(i));
            // Each node on its own loopback address: every node listens on each TCP endpoint's port.
            String address = "127.0.0." + (firstHost + i);
            int listed = listEveryMember ? size : i < startNow ? startNow : i;
            String members = memberPorts.subList(0, listed).stream().filter(p -> !p.equals(memberPorts.get(self)))
                    .map(p -> "127.0.0." + (memberPorts.indexOf(p) + firstHost) + ":" + p).collect(Collectors.joining(","));
            planned.add(EdgeProcess.builder()
                    .name("cluster-node" + i)
                    .bindAddress(address)
                    .startTimeout(java.time.Duration.ofSeconds(90)) // three JVMs on two loaded cores
                    .dataDir(dir)
                    .tcpPorts(tcpPorts)
                    .heartbeatInterval(heartbeatInterval)
                    .arg("--cluster-name", name, "--cluster-port", clusterPort, "--cluster-join-wait", "0s",
                            "--node-id", "node" + i, "--advertise-address", address)
                    .arg(members.isEmpty() ? new String[0] : new String[]{"--cluster-members", members})
                    .arg(extraArgs)
                    .arg(nodeArgs.apply(i)));
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
