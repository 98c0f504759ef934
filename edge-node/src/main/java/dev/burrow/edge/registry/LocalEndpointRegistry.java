package dev.burrow.edge.registry;

import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link EndpointRegistry} of a single node, in memory. All state is guarded by this object's monitor. */
public final class LocalEndpointRegistry implements EndpointRegistry {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Endpoint> byId = new HashMap<>();
    private final Map<String, String> idByHostname = new HashMap<>();
    private final Map<Integer, String> idByPort = new HashMap<>();

    @Override
    public Future<Endpoint> bind(EndpointClaim claim) {
        try {
            return Future.succeededFuture(bindNow(claim));
        } catch (EndpointException e) {
            return Future.failedFuture(e);
        }
    }

    private synchronized Endpoint bindNow(EndpointClaim claim) {
        boolean http = claim.protocol() == EndpointProtocol.HTTP;
        String existingId = http ? idByHostname.get(claim.hostname()) : idByPort.get(claim.port());
        Endpoint existing = existingId == null ? null : byId.get(existingId);
        if (existing != null) {
            if (existing.sessionId().equals(claim.sessionId())) {
                Endpoint online = existing.withState(EndpointState.ONLINE);
                byId.put(online.id(), online);
                return online;
            }
            if (existing.state() == EndpointState.OFFLINE && existing.ownerKey().equals(claim.ownerKey())) {
                Endpoint takenOver = existing.withSession(claim.sessionId(), EndpointState.ONLINE);
                byId.put(takenOver.id(), takenOver);
                return takenOver;
            }
            throw http
                    ? new EndpointException(ErrorCode.HOSTNAME_IN_USE,
                    "hostname " + claim.hostname() + " is already bound by another agent session")
                    : new EndpointException(ErrorCode.PORT_UNAVAILABLE,
                    "TCP port " + claim.port() + " is already bound by another agent session");
        }
        Endpoint endpoint = new Endpoint(newId(), claim.protocol(), http ? claim.hostname() : null,
                http ? 0 : claim.port(), claim.sessionId(), claim.ownerKey(), EndpointState.ONLINE);
        byId.put(endpoint.id(), endpoint);
        if (http) {
            idByHostname.put(endpoint.hostname(), endpoint.id());
        } else {
            idByPort.put(endpoint.port(), endpoint.id());
        }
        return endpoint;
    }

    @Override
    public synchronized Future<Endpoint> lookupHostname(String hostname) {
        String id = idByHostname.get(hostname);
        return Future.succeededFuture(id == null ? null : byId.get(id));
    }

    @Override
    public synchronized Future<Endpoint> lookupPort(int port) {
        String id = idByPort.get(port);
        return Future.succeededFuture(id == null ? null : byId.get(id));
    }

    @Override
    public synchronized Future<Endpoint> lookupId(String endpointId) {
        return Future.succeededFuture(byId.get(endpointId));
    }

    @Override
    public synchronized Future<Endpoint> unbind(String endpointId, String sessionId) {
        Endpoint endpoint = byId.get(endpointId);
        if (endpoint == null || !endpoint.sessionId().equals(sessionId)) {
            return Future.failedFuture(new EndpointException(ErrorCode.ENDPOINT_NOT_FOUND,
                    "endpoint " + endpointId + " is not bound by this agent session"));
        }
        remove(endpoint);
        return Future.succeededFuture(endpoint);
    }

    @Override
    public synchronized Future<List<Endpoint>> markOffline(String sessionId) {
        List<Endpoint> changed = new ArrayList<>();
        for (Endpoint endpoint : List.copyOf(byId.values())) {
            if (endpoint.sessionId().equals(sessionId)) {
                Endpoint offline = endpoint.withState(EndpointState.OFFLINE);
                byId.put(offline.id(), offline);
                changed.add(offline);
            }
        }
        return Future.succeededFuture(changed);
    }

    @Override
    public synchronized Future<List<Endpoint>> removeOffline(String sessionId) {
        List<Endpoint> removed = new ArrayList<>();
        for (Endpoint endpoint : List.copyOf(byId.values())) {
            if (endpoint.sessionId().equals(sessionId) && endpoint.state() == EndpointState.OFFLINE) {
                remove(endpoint);
                removed.add(endpoint);
            }
        }
        return Future.succeededFuture(removed);
    }

    @Override
    public synchronized Future<List<Endpoint>> list() {
        return Future.succeededFuture(List.copyOf(byId.values()));
    }

    private void remove(Endpoint endpoint) {
        byId.remove(endpoint.id());
        if (endpoint.protocol() == EndpointProtocol.HTTP) {
            idByHostname.remove(endpoint.hostname(), endpoint.id());
        } else {
            idByPort.remove(endpoint.port(), endpoint.id());
        }
    }

    private String newId() {
        String id;
        do {
            id = "ep_" + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
        } while (byId.containsKey(id));
        return id;
    }
}
