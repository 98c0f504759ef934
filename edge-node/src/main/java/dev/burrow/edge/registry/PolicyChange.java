package dev.burrow.edge.registry;

import com.hazelcast.map.EntryProcessor;

import java.util.Map;

/**
 * Replaces the traffic policy of the endpoint {@code endpointId} when {@code sessionId} serves it (its owner, or a member
 * of its pool); runs on the key's partition owner, so it is atomic with binds and unbinds. Returns the changed record,
 * or null when the key holds another endpoint or the session does not serve it.
 */
record PolicyChange(String endpointId, String sessionId, String document)
        implements EntryProcessor<String, EndpointRecord, EndpointRecord> {

    @Override
    public EndpointRecord process(Map.Entry<String, EndpointRecord> entry) {
        EndpointRecord existing = entry.getValue();
        if (existing == null || !existing.id().equals(endpointId)
                || !(existing.sessionId().equals(sessionId) || existing.hasLinkOf(sessionId))) {
            return null;
        }
        EndpointRecord next = existing.withSettings(existing.settings().withTrafficPolicy(document));
        entry.setValue(next);
        return next;
    }
}
