package dev.burrow.edge.registry;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.query.Predicate;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@link EndpointRegistry} on a Hazelcast map shared by every node: key {@code h:HOSTNAME}, {@code i:NAME@OWNER} (an
 * internal name, per account), {@code p:PORT} or {@code u:PORT} ({@link EndpointRecord#keyOf}), value an
 * {@link EndpointRecord}. Every change is an entry processor that runs on the key's partition owner, so two nodes
 * claiming one hostname at once are serialized there: exactly one wins. Owner changes raise the epoch; a node only
 * adds or removes its own links and only of the session that owns the entry, so a stale node cannot overwrite a
 * newer binding. Single-key operations are asynchronous; scans by session run on a worker thread.
 */
public final class HazelcastEndpointRegistry implements EndpointRegistry {
    public static final String ENDPOINTS_MAP = "burrow.endpoints";
    public static final String ENDPOINT_IDS_MAP = "burrow.endpoint-ids";
    private static final Logger LOG = LoggerFactory.getLogger(HazelcastEndpointRegistry.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Vertx vertx;
    private final IMap<String, EndpointRecord> endpoints;
    private final IMap<String, String> keysById;
    private final String localNode;
    private final String localNodeName;
    private final RegistryLookups lookups;

    /**
     * @param localNode     this node's Hazelcast member UUID (links are recorded under it)
     * @param localNodeName this node's {@code --node-id}
     */
    public HazelcastEndpointRegistry(Vertx vertx, HazelcastInstance hazelcast, String localNode, String localNodeName) {
        this.vertx = vertx;
        this.endpoints = hazelcast.getMap(ENDPOINTS_MAP);
        this.keysById = hazelcast.getMap(ENDPOINT_IDS_MAP);
        this.localNode = localNode;
        this.localNodeName = localNodeName;
        this.lookups = new RegistryLookups(endpoints, keysById);
    }

    @Override
    public Future<Endpoint> bind(EndpointClaim claim) {
        String key = EndpointRecord.keyOf(claim.protocol(), claim.hostname(), claim.port(), claim.ownerKey());
        LinkRef link = new LinkRef(localNode, localNodeName, claim.sessionId(), claim.linkEpoch());
        String newId = "ep_" + Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
        lookups.forgetMiss(key);
        return Future.fromCompletionStage(endpoints.submitToKey(key, new Claim(claim, link, newId))).compose(outcome -> {
            if (outcome == null) {
                return Future.failedFuture(claim.protocol().hasHostname()
                        ? new EndpointException(ErrorCode.HOSTNAME_IN_USE,
                        "hostname " + claim.hostname() + " is already bound by another agent session")
                        : new EndpointException(ErrorCode.PORT_UNAVAILABLE,
                        claim.protocol() + " port " + claim.port() + " is already bound by another agent session"));
            }
            lookups.forgetMiss(key);
            if (!outcome.hasLinkOf(claim.sessionId())) {
                String address = claim.protocol().hasHostname() ? claim.hostname() : claim.protocol() + " port " + claim.port();
                return Future.failedFuture(new EndpointException(ErrorCode.POOL_POLICY_MISMATCH, address + " is served by a "
                        + "pool whose traffic policy differs from this endpoint's; every member of a pool must carry the same "
                        + "policy document"));
            }
            Endpoint endpoint = outcome.toEndpoint();
            return outcome.id().equals(newId)
                    ? Future.fromCompletionStage(keysById.setAsync(newId, key)).map(endpoint)
                    : Future.succeededFuture(endpoint);
        }).recover(error -> Future.failedFuture(minorityRefusal(error)));
    }

    /**
     * A write refused by the registry's split-brain protection (this node is on the minority side of a split) becomes
     * {@code CLUSTER_UNAVAILABLE} with a sentence; other failures pass unchanged.
     */
    static Throwable minorityRefusal(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof com.hazelcast.splitbrainprotection.SplitBrainProtectionException) {
                return new EndpointException(ErrorCode.CLUSTER_UNAVAILABLE, "this edge node is cut off from the majority of "
                        + "its cluster and cannot hand out endpoints now; retry, or connect to another node");
            }
        }
        return error;
    }

    @Override
    public Future<Endpoint> lookupHostname(String hostname) {
        if (dev.burrow.protocol.Bindings.isInternalHostname(hostname)) {
            return Future.succeededFuture();
        }
        return lookupKey(EndpointRecord.keyOf(EndpointProtocol.HTTP, hostname, 0));
    }

    @Override
    public Future<Endpoint> lookupInternal(String ownerKey, String hostname) {
        if (ownerKey == null || !dev.burrow.protocol.Bindings.isInternalHostname(hostname)) {
            return Future.succeededFuture();
        }
        return lookupKey(EndpointRecord.internalKey(hostname, ownerKey));
    }

    @Override
    public Future<Endpoint> lookupPort(int port) {
        return lookupKey(EndpointRecord.keyOf(EndpointProtocol.TCP, null, port));
    }

    @Override
    public Future<Endpoint> lookupPort(EndpointProtocol protocol, int port) {
        return lookupKey(EndpointRecord.keyOf(protocol, null, port));
    }

    private Future<Endpoint> lookupKey(String key) {
        return lookups.byKey(key);
    }

    @Override
    public Future<Endpoint> current(Endpoint endpoint) {
        return lookups.current(endpoint);
    }

    /**
     * Serves lookups from this node's copy of the records, kept current by the map's entry events, so that a public
     * request costs no call into Hazelcast (a round trip through its threads: ~0.3 ms and a throughput ceiling).
     * A miss (an endpoint bound a moment ago, before its event arrived) still asks Hazelcast.
     */
    public void useLocalView(java.util.function.Function<String, EndpointRecord> view) {
        lookups.useLocalView(view);
    }

    /**
     * As {@link #useLocalView}, for {@link #lookupId}: the key of an endpoint id from this node's copy. A stream relayed
     * from another region names only its endpoint id; without this each one cost two Hazelcast round trips.
     */
    public void useLocalKeys(java.util.function.Function<String, String> keyById) {
        lookups.useLocalKeys(keyById);
    }

    /** The stored record (with its links and epoch), or null. */
    public Future<EndpointRecord> record(String key) {
        return Future.fromCompletionStage(endpoints.getAsync(key));
    }

    @Override
    public Future<Endpoint> lookupId(String endpointId) {
        return lookups.byId(endpointId);
    }

    @Override
    public Future<Endpoint> unbind(String endpointId, String sessionId) {
        return Future.fromCompletionStage(keysById.getAsync(endpointId))
                .compose(key -> key == null ? Future.succeededFuture(null)
                        : Future.fromCompletionStage(endpoints.submitToKey(key, new RemoveOwned(endpointId, sessionId, false))))
                .compose(removed -> {
                    if (removed == null) {
                        return Future.failedFuture(new EndpointException(ErrorCode.ENDPOINT_NOT_FOUND,
                                "endpoint " + endpointId + " is not bound by this agent session"));
                    }
                    if (removed.pooled() && !removed.links().isEmpty() && !removed.hasLinkOf(sessionId)) {
                        return Future.succeededFuture(removed.toEndpoint()); // still served by other pooled sessions
                    }
                    return Future.fromCompletionStage(keysById.removeAsync(endpointId))
                            .map(removed.toEndpoint().withState(EndpointState.OFFLINE));
                });
    }

    @Override
    public Future<Endpoint> changePolicy(String endpointId, String sessionId, String document) {
        return Future.fromCompletionStage(keysById.getAsync(endpointId))
                .compose(key -> key == null ? Future.succeededFuture(null)
                        : Future.fromCompletionStage(endpoints.submitToKey(key, new PolicyChange(endpointId, sessionId, document))))
                .compose(changed -> changed != null ? Future.succeededFuture(changed.toEndpoint())
                        : Future.failedFuture(new EndpointException(ErrorCode.ENDPOINT_NOT_FOUND,
                        "endpoint " + endpointId + " is not served by this agent session")))
                .recover(error -> Future.failedFuture(minorityRefusal(error)));
    }

    @Override
    public Future<List<Endpoint>> markOffline(String sessionId, long linkEpoch) {
        return scan(new DropLinks(localNode, sessionId, linkEpoch), new Serves(sessionId), false);
    }

    @Override
    public Future<List<Endpoint>> removeOffline(String sessionId) {
        return scan(new RemoveOwned(null, sessionId, true), new OwnedBy(sessionId), true);
    }

    /** Only the records of {@code endpointIds}: a keyed write each, however many endpoints the registry holds. */
    @Override
    public Future<List<Endpoint>> markOffline(String sessionId, long linkEpoch, Collection<String> endpointIds) {
        return onKeys(endpointIds, new DropLinks(localNode, sessionId, linkEpoch), false);
    }

    /** Only the records of {@code endpointIds}: a keyed write each, however many endpoints the registry holds. */
    @Override
    public Future<List<Endpoint>> removeOffline(String sessionId, Collection<String> endpointIds) {
        return onKeys(endpointIds, new RemoveOwned(null, sessionId, true), true);
    }

    /**
     * Runs {@code processor} on the records of {@code endpointIds} (their keys from this node's copy when it has them);
     * answers on the caller's context. An id whose key cannot be read is logged and left out, not the whole change.
     */
    private Future<List<Endpoint>> onKeys(Collection<String> endpointIds, EntryProcessor<String, EndpointRecord, EndpointRecord> processor,
                                          boolean removesEntries) {
        if (endpointIds.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        Context caller = vertx.getOrCreateContext();
        List<String> ids = List.copyOf(endpointIds);
        List<Future<String>> keys = ids.stream().map(lookups::keyOf).toList();
        Future<List<Endpoint>> changed = Future.join(keys).transform(joined -> {
            Set<String> known = new HashSet<>();
            for (int i = 0; i < keys.size(); i++) {
                Future<String> key = keys.get(i);
                if (key.failed()) {
                    LOG.warn("endpoint {}: cannot read its registry key ({}); its record is left as it is", ids.get(i),
                            key.cause().toString());
                } else if (key.result() != null) {
                    known.add(key.result());
                }
            }
            return known.isEmpty() ? Future.succeededFuture(Map.<String, EndpointRecord>of())
                    : Future.fromCompletionStage(endpoints.submitToKeys(known, processor));
        }).map(results -> {
            List<Endpoint> endpointsChanged = new ArrayList<>();
            for (EndpointRecord record : results.values()) {
                if (record != null) {
                    endpointsChanged.add(record.toEndpoint());
                    if (removesEntries) {
                        keysById.removeAsync(record.id());
                    }
                }
            }
            return endpointsChanged;
        });
        return Future.fromCompletionStage(changed.toCompletionStage(), caller);
    }

    /**
     * Removes every link held by a node that left the cluster (run by one member, the oldest); returns the endpoints
     * that changed.
     */
    public Future<List<Endpoint>> purgeNode(String node) {
        return scan(new DropLinks(node, null, Long.MAX_VALUE), new HasLinkOn(node), false);
    }

    private Future<List<Endpoint>> scan(EntryProcessor<String, EndpointRecord, EndpointRecord> processor,
                                        Predicate<String, EndpointRecord> predicate, boolean removesEntries) {
        return vertx.executeBlocking(() -> {
            Map<String, EndpointRecord> results = endpoints.executeOnEntries(processor, predicate);
            List<Endpoint> changed = new ArrayList<>();
            for (EndpointRecord record : results.values()) {
                if (record != null) {
                    changed.add(record.toEndpoint());
                    if (removesEntries) {
                        keysById.remove(record.id(), record.key());
                    }
                }
            }
            return changed;
        }, false);
    }

    @Override
    public Future<List<Endpoint>> list() {
        return vertx.executeBlocking(() -> endpoints.values().stream().map(EndpointRecord::toEndpoint).toList(), false);
    }

    /**
     * How many endpoints an owner key holds, cluster-wide (for tenant quotas): of one protocol or, for null, all;
     * not counting the record at {@code exceptKey}.
     */
    public Future<Integer> countOwnedBy(String ownerKey, EndpointProtocol protocol, String exceptKey) {
        return vertx.executeBlocking(() -> (int) endpoints.entrySet(new OwnerKeyIs(ownerKey, protocol)).stream()
                .filter(e -> !e.getKey().equals(exceptKey)).count(), false);
    }

    /** Every endpoint whose owner key is {@code ownerKey}, or for a null key every one (admin API). */
    public Future<List<EndpointRecord>> recordsOwnedBy(String ownerKey) {
        return vertx.executeBlocking(() -> List.copyOf(ownerKey == null ? endpoints.values()
                : endpoints.values(new OwnerKeyIs(ownerKey, null))), false);
    }

    /** Every stored record, for the node's start-up sync and diagnostics. Blocking. */
    public List<EndpointRecord> recordsBlocking() {
        return List.copyOf(endpoints.values());
    }

    /**
     * Tells {@code changed} about every endpoint added or changed anywhere in the cluster, and {@code removed} about
     * every one removed (on a Hazelcast event thread). Returns the listener registration.
     */
    public UUID listen(Consumer<EndpointRecord> changed, Consumer<EndpointRecord> removed) {
        return endpoints.addEntryListener(new Listener(changed, removed), true);
    }

    public void stopListening(UUID registration) {
        endpoints.removeEntryListener(registration);
    }

    private record Listener(Consumer<EndpointRecord> changed, Consumer<EndpointRecord> removed)
            implements EntryAddedListener<String, EndpointRecord>, EntryUpdatedListener<String, EndpointRecord>,
            EntryRemovedListener<String, EndpointRecord>, EntryMergedListener<String, EndpointRecord>,
            EntryEvictedListener<String, EndpointRecord>, EntryExpiredListener<String, EndpointRecord> {
        @Override
        public void entryAdded(EntryEvent<String, EndpointRecord> event) {
            changed.accept(event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, EndpointRecord> event) {
            changed.accept(event.getValue());
        }

        @Override
        public void entryMerged(EntryEvent<String, EndpointRecord> event) {
            if (event.getValue() != null) {
                changed.accept(event.getValue());
            }
        }

        @Override
        public void entryRemoved(EntryEvent<String, EndpointRecord> event) {
            if (event.getOldValue() != null) {
                removed.accept(event.getOldValue());
            }
        }

        @Override
        public void entryEvicted(EntryEvent<String, EndpointRecord> event) {
            entryRemoved(event);
        }

        @Override
        public void entryExpired(EntryEvent<String, EndpointRecord> event) {
            entryRemoved(event);
        }
    }

    // ---- entry processors and predicates: they run on the partition owner, so they carry all they need ----

    /** Claims a key for a session's link; returns the record, or null when another session owns it. */
    record Claim(EndpointClaim claim, LinkRef link, String newId) implements EntryProcessor<String, EndpointRecord, EndpointRecord> {
        @Override
        public EndpointRecord process(Map.Entry<String, EndpointRecord> entry) {
            EndpointRecord existing = entry.getValue();
            EndpointRecord next;
            if (existing == null) {
                boolean http = claim.protocol().hasHostname();
                next = new EndpointRecord(newId, claim.protocol(), http ? claim.hostname() : null, http ? 0 : claim.port(),
                        claim.sessionId(), claim.ownerKey(), EndpointRecord.nextEpoch(0), List.of(link), claim.settings());
            } else if (!existing.ownerKey().equals(claim.ownerKey())) {
                return null;
            } else if (existing.sessionId().equals(claim.sessionId())) {
                next = existing.withLink(link).withSettings(claim.settings());
            } else if (existing.links().isEmpty()) {
                // Offline, same owner: the agent came back under a new session; it takes the endpoint over.
                next = new EndpointRecord(existing.id(), claim.protocol(), existing.hostname(), existing.port(),
                        claim.sessionId(), claim.ownerKey(), EndpointRecord.nextEpoch(existing.epoch()), List.of(link),
                        claim.settings());
            } else if (existing.pooled() && claim.pooled()) {
                if (!java.util.Objects.equals(existing.settings().trafficPolicy(), claim.settings().trafficPolicy())) {
                    return existing; // one address, one policy: the caller refuses a member that brings another
                }
                // Endpoint pooling: another session of the same owner serves it too.
                next = existing.withLink(link);
            } else {
                return null;
            }
            entry.setValue(next);
            return next;
        }
    }

    /** Removes links of one node (and one session, unless null) up to an epoch; returns the record if it changed. */
    record DropLinks(String node, String sessionId, long upToEpoch) implements EntryProcessor<String, EndpointRecord, EndpointRecord> {
        @Override
        public EndpointRecord process(Map.Entry<String, EndpointRecord> entry) {
            EndpointRecord existing = entry.getValue();
            if (existing == null || (sessionId != null && !existing.hasLinkOf(sessionId))) {
                return null;
            }
            List<LinkRef> kept = existing.links().stream()
                    .filter(l -> !(l.node().equals(node) && (sessionId == null || l.sessionId().equals(sessionId))
                            && l.epoch() <= upToEpoch))
                    .toList();
            if (kept.size() == existing.links().size()) {
                return null;
            }
            EndpointRecord next = existing.withLinksKeepingOwner(kept);
            entry.setValue(next);
            return next;
        }
    }

    /** Removes the entry when the session owns it (and, with {@code onlyOffline}, no link serves it). */
    record RemoveOwned(String endpointId, String sessionId, boolean onlyOffline) implements EntryProcessor<String, EndpointRecord, EndpointRecord> {
        @Override
        public EndpointRecord process(Map.Entry<String, EndpointRecord> entry) {
            EndpointRecord existing = entry.getValue();
            if (existing != null && !onlyOffline && existing.pooled() && existing.id().equals(endpointId)
                    && existing.hasLinkOf(sessionId)) {
                List<LinkRef> others = existing.links().stream().filter(l -> !l.sessionId().equals(sessionId)).toList();
                if (!others.isEmpty()) {
                    // A pooled endpoint other sessions still serve: only this session leaves it.
                    EndpointRecord next = existing.withLinksKeepingOwner(others);
                    entry.setValue(next);
                    return next;
                }
            }
            if (existing == null || !existing.sessionId().equals(sessionId)
                    || (endpointId != null && !existing.id().equals(endpointId))
                    || (onlyOffline && !existing.links().isEmpty())) {
                return null;
            }
            entry.setValue(null);
            return existing;
        }
    }

    record OwnedBy(String sessionId) implements Predicate<String, EndpointRecord>, Serializable {
        @Override
        public boolean apply(Map.Entry<String, EndpointRecord> entry) {
            return entry.getValue() != null && entry.getValue().sessionId().equals(sessionId);
        }
    }

    /** Records the session owns or serves through a link (a pooled endpoint lists links of several sessions). */
    record Serves(String sessionId) implements Predicate<String, EndpointRecord>, Serializable {
        @Override
        public boolean apply(Map.Entry<String, EndpointRecord> entry) {
            EndpointRecord record = entry.getValue();
            return record != null && (record.sessionId().equals(sessionId) || record.hasLinkOf(sessionId));
        }
    }

    record OwnerKeyIs(String ownerKey, EndpointProtocol protocol) implements Predicate<String, EndpointRecord>, Serializable {
        @Override
        public boolean apply(Map.Entry<String, EndpointRecord> entry) {
            EndpointRecord record = entry.getValue();
            return record != null && record.ownerKey().equals(ownerKey) && (protocol == null || record.protocol() == protocol);
        }
    }

    record HasLinkOn(String node) implements Predicate<String, EndpointRecord>, Serializable {
        @Override
        public boolean apply(Map.Entry<String, EndpointRecord> entry) {
            return entry.getValue() != null && entry.getValue().links().stream().anyMatch(l -> l.node().equals(node));
        }
    }
}
