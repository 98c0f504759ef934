package dev.burrow.edge.tenancy;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import dev.burrow.edge.registry.Hostnames;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The names tenants hold: reservations (hostnames, wildcards, TCP ports) and custom domains, in durable Hazelcast maps
 * ({@link TenancyMaps}). A claim is atomic across the cluster: creating a reservation or a domain holds one
 * cluster-wide lock while it checks for overlaps (a hostname under another tenant's wildcard, a wildcard over another
 * tenant's names) and writes. Bind checks ({@link #ownerOf}, {@link #portOwner}) read this node's copy
 * ({@link HeldNames}) once {@link #startMirror()} ran. Every method returns a future failing with {@link TenancyException}.
 */
public final class ReservedNames {
    public static final String RESERVATIONS_MAP = "burrow.reservations";
    public static final String DOMAINS_MAP = "burrow.custom-domains";
    private static final String CLAIM_LOCK = "~claim-lock";

    private final Vertx vertx;
    private final TenantStore tenants;
    private final IMap<String, Reservation> reservations;
    private final IMap<String, CustomDomain> domains;
    private final HeldNames held;
    private final ClaimLock claimLock;
    private final String edgeDomain;
    private volatile boolean mirrored;

    /** {@code edgeDomain} is the edge's {@code --domain}: names at or under it are never custom domains. */
    public ReservedNames(Vertx vertx, HazelcastInstance hazelcast, TenantStore tenants, String edgeDomain) {
        this.vertx = vertx;
        this.tenants = tenants;
        this.edgeDomain = Hostnames.normalize(edgeDomain);
        this.reservations = hazelcast.getMap(RESERVATIONS_MAP);
        this.domains = hazelcast.getMap(DOMAINS_MAP);
        this.held = new HeldNames(reservations, domains);
        this.claimLock = new ClaimLock(reservations, CLAIM_LOCK);
    }

    /** Keeps a local copy of who holds which name, for the bind checks. Blocking. */
    public void startMirror() {
        held.start();
        mirrored = true;
    }

    public void stopMirror() {
        mirrored = false;
        held.stop();
    }

    /** Drops every name a (deleted) tenant held. */
    public Future<Void> releaseAll(String tenantId) {
        return blocking(() -> {
            reservations.keySet(new ReservedBy(tenantId)).forEach(key -> {
                reservations.delete(key);
                held.released(key);
            });
            domains.keySet(new DomainsOf(tenantId)).forEach(host -> {
                domains.delete(host);
                held.domainRemoved(host);
            });
            return null;
        });
    }

    private Future<Tenant> requireTenant(String id) {
        return tenants.requireTenant(id);
    }

    // ---- reservations ----

    /**
     * Reserves a hostname ({@code app.example.com}), a wildcard ({@code *.acme.example.com}), a TCP port
     * ({@code tcp:20022}) or a UDP port ({@code udp:20053}) for a tenant. Idempotent for the same tenant; NAME_TAKEN when another tenant holds it or an
     * overlapping name.
     */
    public Future<Reservation> reserve(String tenantId, String spec) {
        Reservation wanted;
        try {
            wanted = parseReservation(tenantId, spec);
        } catch (IllegalArgumentException e) {
            return failed(TenancyError.INVALID_REQUEST, e.getMessage());
        }
        return requireTenant(tenantId).compose(t -> blocking(() -> claimLock.run(lease -> {
            Reservation existing = reservations.get(wanted.key());
            if (existing != null) {
                if (existing.tenantId().equals(tenantId)) {
                    return existing;
                }
                throw taken(wanted.display());
            }
            if (wanted.kind() == Reservation.Kind.HOSTNAME) {
                CustomDomain domain = domains.get(wanted.value());
                if (domain != null && domain.verified() && !domain.tenantId().equals(tenantId)) {
                    throw taken(wanted.display());
                }
            }
            if (!wanted.kind().isPort()) {
                checkNoOverlap(tenantId, wanted.kind() == Reservation.Kind.WILDCARD, wanted.value(), wanted.display());
            }
            lease.beforeWrite();
            reservations.set(wanted.key(), wanted);
            held.reserved(wanted);
            return wanted;
        })));
    }

    public Future<List<Reservation>> reservations(String tenantId) {
        return blocking(() -> reservations.values(new ReservedBy(tenantId)).stream()
                .sorted(Comparator.comparing(Reservation::key)).toList());
    }

    public Future<Reservation> unreserve(String tenantId, String spec) {
        Reservation wanted;
        try {
            wanted = parseReservation(tenantId, spec);
        } catch (IllegalArgumentException e) {
            return failed(TenancyError.INVALID_REQUEST, e.getMessage());
        }
        return blocking(() -> {
            Reservation existing = reservations.get(wanted.key());
            if (existing == null || !existing.tenantId().equals(tenantId)) {
                throw new TenancyException(TenancyError.RESERVATION_NOT_FOUND, "tenant " + tenantId + " has no reservation " + wanted.display());
            }
            reservations.delete(wanted.key());
            held.released(wanted.key());
            return existing;
        });
    }

    /** The tenant a reserved TCP port belongs to, or null. */
    public Future<String> portOwner(int port) {
        return portOwner(Reservation.Kind.TCP_PORT, port);
    }

    /** The tenant a reserved port of {@code kind} (TCP_PORT or UDP_PORT) belongs to, or null. */
    public Future<String> portOwner(Reservation.Kind kind, int port) {
        if (mirrored) {
            return Future.succeededFuture(held.portOwner(kind, port));
        }
        return fromStage(reservations.getAsync(kind.prefix() + port))
                .map(r -> r == null ? null : r.tenantId());
    }

    /**
     * Who holds a normalized hostname, or null: an exact reservation, then a custom domain, then the closest
     * wildcard ({@code *.b.c} over {@code a.b.c}; never over {@code b.c} itself, never across a partial label).
     */
    public Future<NameOwner> ownerOf(String hostname) {
        if (mirrored) {
            return Future.succeededFuture(held.ownerOf(hostname));
        }
        return blocking(() -> ownerOfBlocking(hostname));
    }

    /** The tenant holding exactly the reserved wildcard {@code *.BASE} (normalized {@code base}), or null. */
    public Future<String> wildcardOwner(String base) {
        String key = Reservation.Kind.WILDCARD.prefix() + base;
        if (mirrored) {
            return Future.succeededFuture(held.reservationOwner(key));
        }
        return fromStage(reservations.getAsync(key)).map(r -> r == null ? null : r.tenantId());
    }

    /**
     * As {@link #wildcardOwner}, from this node's copy only (no cluster call, for the TLS handshake path); null before
     * {@link #startMirror()}.
     */
    public String wildcardOwnerInCopy(String base) {
        return mirrored ? held.reservationOwner(Reservation.Kind.WILDCARD.prefix() + base) : null;
    }

    private NameOwner ownerOfBlocking(String hostname) {
        Reservation exact = reservations.get(Reservation.Kind.HOSTNAME.prefix() + hostname);
        if (exact != null) {
            return new NameOwner(exact.tenantId(), NameOwner.Via.RESERVATION, true, exact.display());
        }
        CustomDomain domain = domains.get(hostname);
        if (domain != null && domain.verified()) {
            return new NameOwner(domain.tenantId(), NameOwner.Via.CUSTOM_DOMAIN, true, hostname);
        }
        NameOwner pending = domain == null ? null : new NameOwner(domain.tenantId(), NameOwner.Via.CUSTOM_DOMAIN, false, hostname);
        List<String> ancestors = Hostnames.wildcardAncestors(hostname);
        if (ancestors.isEmpty()) {
            return pending;
        }
        Set<String> keys = new LinkedHashSet<>();
        ancestors.forEach(a -> keys.add(Reservation.Kind.WILDCARD.prefix() + a));
        Map<String, Reservation> found = reservations.getAll(keys);
        for (String key : keys) { // closest first
            Reservation wildcard = found.get(key);
            if (wildcard != null) {
                return new NameOwner(wildcard.tenantId(), NameOwner.Via.WILDCARD, true, wildcard.display());
            }
        }
        return pending; // a wildcard over a pending domain wins: the pending one holds nothing
    }

    // ---- custom domains ----

    /** Registers a custom domain, pending until {@link #markVerified}; NAME_TAKEN when someone holds the name. */
    public Future<CustomDomain> addDomain(String tenantId, String hostname) {
        String host = Hostnames.normalize(hostname);
        if (host == null || !Hostnames.isValidHostname(host) || !host.contains(".")) {
            return failed(TenancyError.INVALID_REQUEST, "\"" + hostname + "\" is not a valid domain name such as app.customer.com");
        }
        if (edgeDomain != null && (host.equals(edgeDomain) || Hostnames.isUnder(host, edgeDomain))) {
            // Names under the edge's domain are the edge's to hand out; a tenant can never prove them by DNS.
            return failed(TenancyError.INVALID_REQUEST, "\"" + host + "\" is at or under this edge's domain " + edgeDomain
                    + "; a custom domain must be a name you control outside it (ask an administrator to reserve names under it)");
        }
        return requireTenant(tenantId).compose(t -> blocking(() -> claimLock.run(lease -> {
            CustomDomain existing = domains.get(host);
            if (existing != null) {
                if (existing.tenantId().equals(tenantId)) {
                    return existing;
                }
                throw taken(host);
            }
            Reservation reserved = reservations.get(Reservation.Kind.HOSTNAME.prefix() + host);
            if (reserved != null && !reserved.tenantId().equals(tenantId)) {
                throw taken(host);
            }
            checkNoOverlap(tenantId, false, host, host);
            CustomDomain domain = new CustomDomain(host, tenantId, "burrow-verify=" + TenantStore.randomHex(16), false,
                    System.currentTimeMillis(), 0);
            lease.beforeWrite();
            domains.set(host, domain);
            held.domainChanged(domain);
            return domain;
        })));
    }

    public Future<CustomDomain> domain(String tenantId, String hostname) {
        String host = Hostnames.normalize(hostname);
        return fromStage(domains.getAsync(host == null ? "" : host)).compose(d -> d != null && d.tenantId().equals(tenantId)
                ? Future.succeededFuture(d)
                : failed(TenancyError.DOMAIN_NOT_FOUND, "tenant " + tenantId + " has no custom domain " + hostname));
    }

    /**
     * Marks a domain verified, under the claim lock: a pending domain holds nothing, so the name is claimed only now and
     * NAME_TAKEN if another tenant reserved it (or a wildcard over it) meanwhile.
     */
    public Future<CustomDomain> markVerified(CustomDomain domain) {
        return blocking(() -> claimLock.run(lease -> {
            CustomDomain current = domains.get(domain.hostname());
            if (current == null || !current.tenantId().equals(domain.tenantId())) {
                throw new TenancyException(TenancyError.DOMAIN_NOT_FOUND, "tenant " + domain.tenantId() + " has no custom domain " + domain.hostname());
            }
            Reservation reserved = reservations.get(Reservation.Kind.HOSTNAME.prefix() + domain.hostname());
            if (reserved != null && !reserved.tenantId().equals(domain.tenantId())) {
                throw taken(domain.hostname());
            }
            checkNoOverlap(domain.tenantId(), false, domain.hostname(), domain.hostname());
            CustomDomain verified = current.markVerified(System.currentTimeMillis());
            lease.beforeWrite();
            domains.set(domain.hostname(), verified);
            held.domainChanged(verified);
            return verified;
        }));
    }

    public Future<List<CustomDomain>> domains(String tenantId) {
        return blocking(() -> domains.values(new DomainsOf(tenantId)).stream()
                .sorted(Comparator.comparing(CustomDomain::hostname)).toList());
    }

    public Future<CustomDomain> removeDomain(String tenantId, String hostname) {
        return domain(tenantId, hostname).compose(d -> fromStage(domains.removeAsync(d.hostname())).map(v -> {
            held.domainRemoved(d.hostname());
            return d;
        }));
    }


    // ---- helpers ----

    private void checkNoOverlap(String tenantId, boolean wildcard, String name, String display) {
        // Under another tenant's wildcard (or, for a wildcard, equal to one)?
        List<String> above = new ArrayList<>(Hostnames.wildcardAncestors(name));
        if (wildcard) {
            above.add(0, name);
        }
        for (String ancestor : above) {
            Reservation r = reservations.get(Reservation.Kind.WILDCARD.prefix() + ancestor);
            if (r != null && !r.tenantId().equals(tenantId)) {
                throw taken(display);
            }
        }
        if (wildcard) {
            // Over names another tenant holds?
            String suffix = "." + name;
            for (Reservation r : reservations.values(new NamesUnder(suffix))) {
                if (!r.tenantId().equals(tenantId)) {
                    throw taken(display);
                }
            }
            for (CustomDomain d : domains.values()) {
                // A pending domain holds nothing (anyone may register any name); only a verified one blocks.
                if (d.verified() && d.hostname().endsWith(suffix) && !d.tenantId().equals(tenantId)) {
                    throw taken(display);
                }
            }
        }
    }

    static Reservation parseReservation(String tenantId, String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("give a hostname (app.example.com), a wildcard (*.acme.example.com), a TCP port"
                    + " (tcp:20022) or a UDP port (udp:20053)");
        }
        String value = spec.trim();
        long now = System.currentTimeMillis();
        String lower = value.toLowerCase(java.util.Locale.ROOT);
        if (lower.startsWith("tcp:") || lower.startsWith("udp:")) {
            String protocol = lower.substring(0, 3);
            String upper = protocol.toUpperCase(java.util.Locale.ROOT);
            int port;
            try {
                port = Integer.parseInt(value.substring(4).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + spec + "\" is not a " + upper + " port reservation; use " + protocol
                        + ":PORT such as " + protocol + (protocol.equals("tcp") ? ":20022" : ":20053"));
            }
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException(upper + " port " + port + " is not a port (1-65535)");
            }
            return new Reservation(Reservation.Kind.port(protocol), Integer.toString(port), tenantId, now);
        }
        boolean wildcard = value.startsWith("*.");
        String host = Hostnames.normalize(wildcard ? value.substring(2) : value);
        if (host == null || !Hostnames.isValidHostname(host) || !host.contains(".")) {
            throw new IllegalArgumentException("\"" + spec + "\" is not a hostname such as app.example.com or a wildcard such as *.acme.example.com");
        }
        return new Reservation(wildcard ? Reservation.Kind.WILDCARD : Reservation.Kind.HOSTNAME, host, tenantId, now);
    }

    private static TenancyException taken(String display) {
        return new TenancyException(TenancyError.NAME_TAKEN, display + " (or a name overlapping it) is held by another tenant");
    }

    /** Continues on the caller's Vert.x context, not on the Hazelcast thread that completed the stage. */
    private <T> Future<T> fromStage(java.util.concurrent.CompletionStage<T> stage) {
        return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
    }

    private <T> Future<T> blocking(java.util.concurrent.Callable<T> work) {
        return vertx.executeBlocking(work, false);
    }

    private static <T> Future<T> failed(TenancyError code, String message) {
        return Future.failedFuture(new TenancyException(code, message));
    }

    // ---- predicates (run on the partition owners) ----

    record ReservedBy(String tenantId) implements Predicate<String, Reservation>, Serializable {
        @Override
        public boolean apply(Map.Entry<String, Reservation> entry) {
            return entry.getValue() != null && entry.getValue().tenantId().equals(tenantId);
        }
    }

    record DomainsOf(String tenantId) implements Predicate<String, CustomDomain>, Serializable {
        @Override
        public boolean apply(Map.Entry<String, CustomDomain> entry) {
            return entry.getValue() != null && entry.getValue().tenantId().equals(tenantId);
        }
    }

    record NamesUnder(String suffix) implements Predicate<String, Reservation>, Serializable {
        @Override
        public boolean apply(Map.Entry<String, Reservation> entry) {
            Reservation r = entry.getValue();
            return r != null && !r.kind().isPort() && r.value().endsWith(suffix);
        }
    }
}
