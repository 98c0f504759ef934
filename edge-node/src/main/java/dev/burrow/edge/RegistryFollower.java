package dev.burrow.edge;

import dev.burrow.edge.cluster.EndpointMirror;
import dev.burrow.edge.registry.EndpointRecord;
import dev.burrow.edge.registry.HazelcastEndpointRegistry;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * This node's copy of the cluster's registry: each record it learns is routed ({@link EndpointMirror}: routes and the
 * endpoint's TCP/UDP listener), its traffic policy compiled once, and a new name given its certificate; a record that
 * leaves takes all three with it. A policy certificate held for a name whose owner changed, or left, is dropped. Start
 * and stop on a worker thread (blocking).
 */
final class RegistryFollower {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryFollower.class);

    private final Vertx vertx;
    private final HazelcastEndpointRegistry registry;
    private final EndpointMirror mirror;
    private final NodePolicies policies;
    private final PublicListeners listeners;
    private UUID listener;

    RegistryFollower(Vertx vertx, HazelcastEndpointRegistry registry, EndpointMirror mirror, NodePolicies policies,
                     PublicListeners listeners) {
        this.vertx = vertx;
        this.registry = registry;
        this.mirror = mirror;
        this.policies = policies;
        this.listeners = listeners;
    }

    /** Blocking: follows the registry's changes, then learns every record already in it. */
    synchronized void startBlocking() {
        listener = registry.listen(this::learned, this::forgotten);
        registry.useLocalView(mirror::record);
        registry.useLocalKeys(mirror::keyOf);
        for (EndpointRecord record : registry.recordsBlocking()) {
            learned(record);
        }
    }

    /** Blocking: after a split healed, the registry's data was replaced; follow it again and replace the copy. */
    synchronized void reloadBlocking() {
        stopBlocking();
        listener = registry.listen(this::learned, this::forgotten);
        mirror.replaceAll(registry.recordsBlocking());
    }

    /** Blocking. */
    synchronized void stopBlocking() {
        if (listener != null) {
            registry.stopListening(listener);
        }
    }

    private void learned(EndpointRecord record) {
        policies.endpoints().learned(record);
        mirror.changed(record);
        if (record.protocol().hasHostname()) {
            listeners.endpointCertificates().ownerChanged(record.hostname());
            listeners.certificates().ensureFor(vertx, record.hostname()).onFailure(error ->
                    LOG.warn("https: no certificate for {}: {}", record.hostname(), error.getMessage()));
        }
    }

    private void forgotten(EndpointRecord record) {
        mirror.removed(record);
        policies.endpoints().forget(record.id());
        policies.layers().forget(record.id());
        if (record.protocol().hasHostname()) {
            listeners.endpointCertificates().ownerChanged(record.hostname());
            listeners.certificates().forget(record.hostname());
        }
    }
}
