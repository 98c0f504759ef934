package dev.burrow.edge;

import com.hazelcast.core.HazelcastInstance;
import dev.burrow.edge.tenancy.RemoteChanges;
import dev.burrow.edge.tenancy.RequestRateLimiter;
import dev.burrow.edge.tenancy.ReservedNames;
import dev.burrow.edge.tenancy.TenantSessions;
import dev.burrow.edge.tenancy.TenantStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;

/**
 * The node's tenancy, as one component: tenants and their tokens, reserved names and domains, each tenant's sessions
 * and requests/s limit (all Hazelcast maps of the cluster, loaded from the tenancy database), and the other regions'
 * tenancy writes when regions share the database. Start (blocking) before anything reads the maps; stop with the node.
 */
final class NodeTenancy {
    private final TenantStore tenants;
    private final ReservedNames reservedNames;
    private final TenantSessions sessions;
    private final RequestRateLimiter rateLimiter;
    /** Other regions' tenancy writes, read from the shared database; null when no regions share one. */
    private final RemoteChanges remoteChanges;

    NodeTenancy(Vertx vertx, HazelcastInstance hazelcast, String localMember, String nodeId, String domain,
                NodeResources prepared) {
        this.tenants = new TenantStore(vertx, hazelcast);
        this.reservedNames = new ReservedNames(vertx, hazelcast, tenants, domain);
        this.sessions = new TenantSessions(vertx, hazelcast, localMember, nodeId);
        this.rateLimiter = new RequestRateLimiter(vertx, hazelcast);
        this.remoteChanges = prepared.changeLog() == null ? null
                : new RemoteChanges(vertx, hazelcast, prepared.changeLog(), prepared.changesFrom(), sessions);
    }

    TenantStore tenants() {
        return tenants;
    }

    ReservedNames reservedNames() {
        return reservedNames;
    }

    TenantSessions sessions() {
        return sessions;
    }

    RequestRateLimiter rateLimiter() {
        return rateLimiter;
    }

    /** Blocking: loads the maps' local copies; the other regions' writes are polled from now on. */
    void startBlocking() {
        sessions.start();
        rateLimiter.startBlocking();
        reservedNames.startMirror();
        tenants.startMirror();
        if (remoteChanges != null) {
            remoteChanges.start();
        }
    }

    /** Blocking. */
    void stopBlocking() {
        if (remoteChanges != null) {
            remoteChanges.stop();
        }
        sessions.close();
        rateLimiter.close();
        reservedNames.stopMirror();
        tenants.stopMirror();
    }

    void registerMetrics(MeterRegistry metrics) {
        if (remoteChanges != null) {
            FunctionCounter.builder("burrow_region_tenancy_changes_applied", remoteChanges, RemoteChanges::appliedCount)
                    .description("Tenancy writes of other regions applied to this region's maps").register(metrics);
        }
    }
}
