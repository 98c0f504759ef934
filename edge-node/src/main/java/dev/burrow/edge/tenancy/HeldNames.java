package dev.burrow.edge.tenancy;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import dev.burrow.edge.registry.Hostnames;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's copy of the reservations and custom domains, kept current by the maps' entry events, so that a bind
 * checks who holds a name without a database read per miss (a map miss goes to the MapStore). Claims of names still
 * go through the maps under the cluster-wide lock ({@link TenantStore}); a copy may lag a claim made elsewhere by an
 * event's flight.
 */
final class HeldNames {
    private final IMap<String, Reservation> reservationMap;
    private final IMap<String, CustomDomain> domainMap;
    private final Map<String, Reservation> reservations = new ConcurrentHashMap<>();
    private final Map<String, CustomDomain> domains = new ConcurrentHashMap<>();
    /** The database's rows as last read: names other regions hold (each region is its own cluster; they share the database). */
    private volatile Map<String, Reservation> sharedReservations = Map.of();
    private volatile Map<String, CustomDomain> sharedDomains = Map.of();
    private UUID reservationListener;
    private UUID domainListener;

    HeldNames(IMap<String, Reservation> reservationMap, IMap<String, CustomDomain> domainMap) {
        this.reservationMap = reservationMap;
        this.domainMap = domainMap;
    }

    /** Blocking: registers the listeners, then reads both maps once. */
    void start() {
        reservationListener = reservationMap.addEntryListener(new Mirror<>(reservations), true);
        domainListener = domainMap.addEntryListener(new Mirror<>(domains), true);
        reservations.putAll(reservationMap);
        domains.putAll(domainMap);
    }

    void stop() {
        try {
            if (reservationListener != null) {
                reservationMap.removeEntryListener(reservationListener);
            }
            if (domainListener != null) {
                domainMap.removeEntryListener(domainListener);
            }
        } catch (RuntimeException ignored) {
            // the member is shutting down
        }
    }

    /** A write this node made: visible here at once (other nodes learn it from the event). */
    void reserved(Reservation reservation) {
        reservations.put(reservation.key(), reservation);
    }

    void released(String key) {
        reservations.remove(key);
    }

    void domainChanged(CustomDomain domain) {
        domains.put(domain.hostname(), domain);
    }

    void domainRemoved(String hostname) {
        domains.remove(hostname);
    }

    /** Replaces the copy of the database's rows (read by {@link ReservedNames#refreshShared}). */
    void shared(Map<String, Reservation> reservationRows, Map<String, CustomDomain> domainRows) {
        sharedReservations = Map.copyOf(reservationRows);
        sharedDomains = Map.copyOf(domainRows);
    }

    /** As {@link TenantStore#ownerOf}, from the copy; then from the database's rows (names held in other regions). */
    NameOwner ownerOf(String hostname) {
        NameOwner owner = ownerIn(reservations, domains, hostname);
        if (owner == null || !owner.verified()) {
            NameOwner shared = ownerIn(sharedReservations, sharedDomains, hostname);
            if (shared != null && (owner == null || shared.verified())) {
                return shared;
            }
        }
        return owner;
    }

    private static NameOwner ownerIn(Map<String, Reservation> reservations, Map<String, CustomDomain> domains, String hostname) {
        Reservation exact = reservations.get(Reservation.Kind.HOSTNAME.prefix() + hostname);
        if (exact != null) {
            return new NameOwner(exact.tenantId(), NameOwner.Via.RESERVATION, true, exact.display());
        }
        CustomDomain domain = domains.get(hostname);
        if (domain != null && domain.verified()) {
            return new NameOwner(domain.tenantId(), NameOwner.Via.CUSTOM_DOMAIN, true, hostname);
        }
        for (String ancestor : Hostnames.wildcardAncestors(hostname)) {
            Reservation wildcard = reservations.get(Reservation.Kind.WILDCARD.prefix() + ancestor);
            if (wildcard != null) {
                return new NameOwner(wildcard.tenantId(), NameOwner.Via.WILDCARD, true, wildcard.display());
            }
        }
        // A pending domain holds nothing: a wildcard over it wins; alone, it is reported (unverified) for its tenant.
        return domain == null ? null : new NameOwner(domain.tenantId(), NameOwner.Via.CUSTOM_DOMAIN, false, hostname);
    }

    String portOwner(int port) {
        Reservation r = reservations.get(Reservation.Kind.TCP_PORT.prefix() + port);
        if (r == null) {
            r = sharedReservations.get(Reservation.Kind.TCP_PORT.prefix() + port);
        }
        return r == null ? null : r.tenantId();
    }

    private static final class Mirror<V> implements EntryAddedListener<String, V>, EntryUpdatedListener<String, V>,
            EntryRemovedListener<String, V> {
        private final Map<String, V> copy;

        Mirror(Map<String, V> copy) {
            this.copy = copy;
        }

        @Override
        public void entryAdded(EntryEvent<String, V> event) {
            copy.put(event.getKey(), event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, V> event) {
            copy.put(event.getKey(), event.getValue());
        }

        @Override
        public void entryRemoved(EntryEvent<String, V> event) {
            copy.remove(event.getKey());
        }
    }
}
