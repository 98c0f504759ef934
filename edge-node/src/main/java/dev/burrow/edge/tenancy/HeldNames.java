package dev.burrow.edge.tenancy;

import com.hazelcast.map.IMap;
import dev.burrow.edge.registry.Hostnames;

import java.util.function.Function;

/**
 * This node's copy of the reservations and custom domains, kept current by the maps' entry events, so that a bind
 * checks who holds a name without a database read per miss (a map miss goes to the MapStore). Claims of names still
 * go through the maps under the cluster-wide lock ({@link TenantStore}); a copy may lag a claim made elsewhere by an
 * event's flight, and a claim made in another region by a poll of the change log ({@link RemoteChanges}).
 */
final class HeldNames {
    private final LocalMirror<Reservation, Reservation> reservations;
    private final LocalMirror<CustomDomain, CustomDomain> domains;

    HeldNames(IMap<String, Reservation> reservationMap, IMap<String, CustomDomain> domainMap) {
        this.reservations = LocalMirror.of(reservationMap);
        this.domains = LocalMirror.of(domainMap);
    }

    /** Blocking: registers the listeners, then reads both maps once (events seen meanwhile win over that read). */
    void start() {
        reservations.start();
        domains.start();
    }

    void stop() {
        reservations.stop();
        domains.stop();
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

    /** As {@link ReservedNames#ownerOf}, from the copy (other regions' names included: {@link RemoteChanges}). */
    NameOwner ownerOf(String hostname) {
        return ownerIn(reservations::get, domains::get, hostname);
    }

    private static NameOwner ownerIn(Function<String, Reservation> reservations, Function<String, CustomDomain> domains,
                                     String hostname) {
        Reservation exact = reservations.apply(Reservation.Kind.HOSTNAME.prefix() + hostname);
        if (exact != null) {
            return new NameOwner(exact.tenantId(), NameOwner.Via.RESERVATION, true, exact.display());
        }
        CustomDomain domain = domains.apply(hostname);
        if (domain != null && domain.verified()) {
            return new NameOwner(domain.tenantId(), NameOwner.Via.CUSTOM_DOMAIN, true, hostname);
        }
        for (String ancestor : Hostnames.wildcardAncestors(hostname)) {
            Reservation wildcard = reservations.apply(Reservation.Kind.WILDCARD.prefix() + ancestor);
            if (wildcard != null) {
                return new NameOwner(wildcard.tenantId(), NameOwner.Via.WILDCARD, true, wildcard.display());
            }
        }
        // A pending domain holds nothing: a wildcard over it wins; alone, it is reported (unverified) for its tenant.
        return domain == null ? null : new NameOwner(domain.tenantId(), NameOwner.Via.CUSTOM_DOMAIN, false, hostname);
    }

    String portOwner(Reservation.Kind kind, int port) {
        return reservationOwner(kind.prefix() + port);
    }

    /** The tenant of the reservation under {@code key} ({@link Reservation#key()}), or null. */
    String reservationOwner(String key) {
        Reservation r = reservations.get(key);
        return r == null ? null : r.tenantId();
    }
}
