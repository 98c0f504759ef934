package dev.burrow.edge.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.InMemoryFormat;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MergePolicyConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import dev.burrow.edge.config.ClusterSettings;
import dev.burrow.edge.registry.HazelcastEndpointRegistry;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The Hazelcast configuration of an edge node, in one place. Joining is explicit: TCP/IP with the listed members
 * only; multicast, auto-detection and phone-home are off; the member binds to the advertise address only
 * ({@code hazelcast.socket.bind.any=false}). Starts from vertx-hazelcast's own configuration so the maps the
 * clustered event bus needs keep their settings.
 *
 * <p>Split-brain: the registry maps carry a split-brain protection of a majority of the configured members (this node
 * plus {@code --cluster-members}) on writes, so the minority side of a split refuses new binds instead of handing out
 * hostnames the majority may hand out too; reads go on, so routes keep working. On healing, {@link EpochMergePolicy}
 * keeps, for each hostname or port, the binding with the higher epoch.
 */
public final class HazelcastSetup {
    public static final String ENDPOINTS_MAP = HazelcastEndpointRegistry.ENDPOINTS_MAP;
    public static final String ENDPOINT_IDS_MAP = HazelcastEndpointRegistry.ENDPOINT_IDS_MAP;
    public static final String SESSION_LINKS_MAP = "burrow.session-links";
    public static final String NODES_MAP = "burrow.nodes";
    static final String MAJORITY = "burrow-majority";
    /**
     * Member attribute holding the node's key for its whole life. Hazelcast gives a member a new UUID when it merges
     * back after a split, so the registry, the nodes map and the relay pool name nodes by this key instead (it is the
     * attribute vertx-hazelcast keeps its own node id in, for the same reason).
     */
    public static final String NODE_KEY_ATTRIBUTE = "__vertx.nodeId";

    private HazelcastSetup() {
    }

    public static Config config(ClusterSettings cluster) {
        Config config = ConfigUtil.loadConfig();
        config.setClusterName(cluster.name());
        config.setInstanceName("burrow-" + cluster.name() + "-" + cluster.advertiseAddress() + "-" + cluster.port()
                + "-" + Long.toHexString(System.nanoTime()));
        // vertx-hazelcast, given our own instance, finds its node id in this member attribute.
        config.getMemberAttributeConfig().setAttribute(NODE_KEY_ATTRIBUTE, java.util.UUID.randomUUID().toString());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.socket.bind.any", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        long joinWait = cluster.effectiveJoinWait().toSeconds();
        config.setProperty("hazelcast.wait.seconds.before.join", Long.toString(joinWait));
        config.setProperty("hazelcast.max.wait.seconds.before.join", Long.toString(joinWait));
        // A lone node must come up fast; with members listed, give them a few seconds to answer.
        config.setProperty("hazelcast.max.join.seconds", cluster.members().isEmpty() ? "1" : "20");
        // Notice a dead member within seconds (the defaults take a minute): routes of a killed node go quickly.
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        // Hazelcast's own metrics feed Management Center and JMX, which Burrow does not use (the node's metrics are
        // on the ops port); their collection every few seconds took 3 % of a loaded edge's CPU samples.
        config.getMetricsConfig().setEnabled(false);

        NetworkConfig network = config.getNetworkConfig();
        network.setPort(cluster.port());
        // Without listed members nobody needs to find this port; let a second lone node on the host take the next.
        network.setPortAutoIncrement(cluster.members().isEmpty());
        network.setPortCount(100);
        network.setPublicAddress(cluster.advertiseAddress() + ":" + cluster.port());
        // Bind exactly this address (no interface scan, no wildcard): an address need not be a NIC's primary one.
        config.setProperty("hazelcast.local.localAddress", cluster.advertiseAddress());
        network.getInterfaces().setEnabled(false);
        network.getRestApiConfig().setEnabled(false);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getAwsConfig().setEnabled(false);
        join.getGcpConfig().setEnabled(false);
        join.getAzureConfig().setEnabled(false);
        join.getKubernetesConfig().setEnabled(false);
        join.getEurekaConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(2).setMembers(cluster.members());

        int expected = expectedSize(cluster);
        MergePolicyConfig epochMerge = new MergePolicyConfig(EpochMergePolicy.class.getName(), 100);
        MapConfig endpoints = new MapConfig(ENDPOINTS_MAP);
        if (expected > 1) {
            // A lone node is always its own majority (and Hazelcast's check would refuse until the first heartbeat).
            config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(MAJORITY, true, expected / 2 + 1)
                    .setProtectOn(SplitBrainProtectionOn.WRITE));
            endpoints.setSplitBrainProtectionName(MAJORITY);
        }
        config.addMapConfig(endpoints.setBackupCount(1).setInMemoryFormat(InMemoryFormat.OBJECT)
                .setMergePolicyConfig(epochMerge));
        config.addMapConfig(new MapConfig(ENDPOINT_IDS_MAP).setBackupCount(1)
                .setMergePolicyConfig(new MergePolicyConfig("com.hazelcast.spi.merge.PutIfAbsentMergePolicy", 100)));
        config.addMapConfig(new MapConfig(SESSION_LINKS_MAP).setBackupCount(1).setInMemoryFormat(InMemoryFormat.OBJECT));
        config.addMapConfig(new MapConfig(NODES_MAP).setBackupCount(1));
        return config;
    }

    /** This node plus the listed members, without duplicates: what a whole cluster has. */
    public static int expectedSize(ClusterSettings cluster) {
        Set<String> all = new LinkedHashSet<>(cluster.members());
        all.add((cluster.advertiseAddress() + ":" + cluster.port()).toLowerCase(Locale.ROOT));
        return all.size();
    }
}
