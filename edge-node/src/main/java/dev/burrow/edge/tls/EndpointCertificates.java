package dev.burrow.edge.tls;

import dev.burrow.edge.pki.PolicyServerCertificate;
import dev.burrow.edge.registry.Endpoint;
import dev.burrow.edge.registry.Hostnames;
import dev.burrow.policy.TlsTermination;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The certificates endpoints' policies serve their names with ({@code terminate-tls} {@code server_certificate}),
 * consulted before the edge's own sources. As {@link MutualTlsAuthorities} holds client CAs: the front door
 * {@link #remember}s an endpoint's certificate under the SNI it looked the endpoint up by, before that connection's
 * handshake starts, so the handshake reads memory only. The key is that SNI and nothing else: a certificate is served
 * for the name of the endpoint whose policy gave it, never for another name written in it (another tenant's). A
 * certificate is parsed when first remembered and again only when its PEM text changes.
 * <p>
 * Each certificate is tied to the endpoint (id and owner session) whose policy gave it, and this node's copy of the
 * registry ({@link Owners}) decides: a lookup that completes late, for an owner the copy no longer shows, neither
 * remembers nor forgets, and a certificate is dropped as soon as the copy shows another owner for its name, or none
 * ({@link #ownerChanged}). Both happen in one atomic step per name, so an old owner's certificate is never restored
 * after the copy showed the new owner.
 * <p>
 * A certificate past its notAfter is not served: the name gets the edge's own certificate (the handshake compares the
 * clock to two longs), logged once per name, told to the endpoint's agent ({@link ExpiryNotices}) and shown in
 * {@code burrow_certificate_expiry_seconds{source="policy"}}; {@link HeldCertificate#SOON} before, a warning once.
 */
public final class EndpointCertificates implements SniKeyManager.Certificates {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointCertificates.class);
    /** Names held at most; a new name beyond it takes the place of another. */
    static final int MAX_NAMES = 10_000;
    /** The {@code source} label of these certificates in {@link CertificateExpiryGauges}. */
    public static final String SOURCE = "policy";

    /** This node's copy of the registry, read in memory. */
    @FunctionalInterface
    public interface Owners {
        /** Nothing known: every lookup's answer is taken as current. */
        Owners NONE = hostname -> null;

        /** The endpoint the copy shows for a normalized host name, or null when it shows none. */
        Endpoint current(String hostname);
    }

    /** Who learns that an endpoint's certificate expired and the edge serves its own for the name. */
    @FunctionalInterface
    public interface ExpiryNotices {
        ExpiryNotices NONE = (endpoint, name, notAfter) -> { };

        /** Called once per held certificate, on the handshake's event loop: must not block. */
        void expired(Endpoint endpoint, String name, Instant notAfter);
    }

    private final SniKeyManager.Certificates edge;
    private final int maxNames;
    private final java.util.function.LongSupplier clock;
    private final Map<String, HeldCertificate> byServerName = new ConcurrentHashMap<>();
    private final Map<String, CertifiedKey> byAlias = new ConcurrentHashMap<>();
    private volatile Owners owners = Owners.NONE;
    private volatile CertificateExpiryGauges gauges = new CertificateExpiryGauges(null, SOURCE);
    private volatile ExpiryNotices notices = ExpiryNotices.NONE;

    /** @param edge the edge's own certificates (operator files, ACME, dev CA), for every other name */
    public EndpointCertificates(SniKeyManager.Certificates edge) {
        this(edge, MAX_NAMES);
    }

    EndpointCertificates(SniKeyManager.Certificates edge, int maxNames) {
        this(edge, maxNames, System::currentTimeMillis);
    }

    /** @param clock epoch millis, as the handshake compares them to each certificate's notAfter */
    EndpointCertificates(SniKeyManager.Certificates edge, int maxNames, java.util.function.LongSupplier clock) {
        this.edge = edge;
        this.maxNames = maxNames;
        this.clock = clock;
    }

    /** Where the owner of each name is read; {@link Owners#NONE} until set. */
    public EndpointCertificates owners(Owners current) {
        this.owners = current;
        return this;
    }

    /** Where expiry is shown (the gauges) and told (the agents). */
    public EndpointCertificates reporting(CertificateExpiryGauges expiry, ExpiryNotices told) {
        this.gauges = expiry;
        this.notices = told;
        return this;
    }

    /**
     * Parses (or reuses) the certificate {@code serverName}'s handshakes present, {@code endpoint}'s; false when it
     * cannot serve that name (unreadable, a key that does not match, a certificate that does not name it: logged once per
     * PEM text, and kept as such so that connections for the name do not parse it again). When {@code endpoint} is no
     * longer the name's owner on this node's copy of the registry (a late lookup), nothing is kept and the answer is
     * true: the connection's handshake gets what the current owner gives.
     */
    public boolean remember(String serverName, TlsTermination.ServerCertificate pem, Endpoint endpoint) {
        String key = Hostnames.normalize(serverName);
        if (key == null) {
            return false;
        }
        HeldCertificate known = byServerName.get(key);
        if (known != null && known.pem().equals(pem) && known.isOf(endpoint)) {
            return known.certified() != null;
        }
        if (known == null && byServerName.size() >= maxNames) {
            makeRoom();
        }
        HeldCertificate fresh = new HeldCertificate(pem, certified(key, pem), endpoint, clock.getAsLong());
        HeldCertificate[] replaced = new HeldCertificate[1];
        HeldCertificate kept = byServerName.compute(key, (name, old) -> {
            if (isStale(name, endpoint)) {
                return old;
            }
            replaced[0] = old;
            return fresh;
        });
        if (kept == fresh && fresh.certified() != null) {
            // After the name holds it, under the lock that drops an alias no name holds: a concurrent drop of another
            // name with the same certificate either sees this one or is followed by this put.
            synchronized (byAlias) {
                byAlias.put(fresh.certified().alias(), fresh.certified());
            }
        }
        if (kept != fresh) {
            LOG.debug("https: a lookup of {} answered for an endpoint that no longer owns it; its certificate is not kept", key);
            return true;
        }
        dropped(key, replaced[0]);
        if (fresh.certified() != null) {
            gauges.set(key, fresh.notAfterMillis());
        }
        return fresh.certified() != null;
    }

    /** Whether this node's copy of the registry shows another owner than {@code endpoint} for {@code name}. */
    private boolean isStale(String name, Endpoint endpoint) {
        Endpoint current = owners.current(name);
        return current != null && endpoint != null
                && !(current.id().equals(endpoint.id()) && current.sessionId().equals(endpoint.sessionId()));
    }

    /** The certificate that serves {@code name}, or null (logged) when this one cannot. */
    private static CertifiedKey certified(String name, TlsTermination.ServerCertificate pem) {
        try {
            PolicyServerCertificate read = PolicyServerCertificate.read(pem);
            if (read.names(name)) {
                return CertificateFiles.certified(read.key(), read.chainArray(), "the terminate-tls certificate of " + name);
            }
            LOG.warn("https: connections for {} are closed: its terminate-tls certificate names {}, not it", name, read.names());
        } catch (IOException e) {
            LOG.warn("https: connections for {} are closed: its terminate-tls certificate cannot be used: {}", name, e.getMessage());
        }
        return null;
    }

    /**
     * Drops one held name: every connection remembers its name again, so one left out is parsed again by its next
     * connection, where refusing new names would close every connection of a name that came after the cap was reached
     * (names whose endpoints left are only forgotten when a connection for them arrives).
     */
    private void makeRoom() {
        java.util.Iterator<String> names = byServerName.keySet().iterator();
        if (names.hasNext()) {
            String name = names.next();
            dropped(name, byServerName.remove(name));
        }
    }

    /** Forgets a name whose endpoint, {@code endpoint}, gives no certificate (unless the copy shows another owner now). */
    public void forget(String serverName, Endpoint endpoint) {
        if (byServerName.isEmpty()) {
            return; // every connection of a name without a certificate passes here
        }
        String key = Hostnames.normalize(serverName);
        if (key != null) {
            removeIf(key, held -> !isStale(key, endpoint));
        }
    }

    /**
     * This node's copy of the registry changed the record of {@code hostname} (or removed it): a certificate held for
     * an endpoint the copy no longer shows as the name's owner is dropped.
     */
    public void ownerChanged(String hostname) {
        if (byServerName.isEmpty()) {
            return;
        }
        String key = Hostnames.normalize(hostname);
        if (key != null) {
            removeIf(key, held -> !held.isOf(owners.current(key)));
        }
    }

    private void removeIf(String key, java.util.function.Predicate<HeldCertificate> drop) {
        HeldCertificate[] removed = new HeldCertificate[1];
        byServerName.computeIfPresent(key, (name, held) -> {
            if (drop.test(held)) {
                removed[0] = held;
                return null;
            }
            return held;
        });
        dropped(key, removed[0]);
    }

    private void dropped(String name, HeldCertificate gone) {
        if (gone == null || gone.certified() == null) {
            return;
        }
        HeldCertificate now = byServerName.get(name);
        if (now == null || now.certified() == null) {
            gauges.remove(name);
        }
        String alias = gone.certified().alias();
        synchronized (byAlias) {
            if (byServerName.values().stream().noneMatch(h -> h.certified() != null && h.certified().alias().equals(alias))) {
                byAlias.remove(alias);
            }
        }
    }

    @Override
    public CertifiedKey select(String serverName) {
        if (byServerName.isEmpty()) {
            return edge.select(serverName);
        }
        String key = serverName == null ? null : Hostnames.normalize(serverName);
        HeldCertificate held = key == null ? null : byServerName.get(key);
        if (held == null || held.certified() == null) {
            return edge.select(serverName);
        }
        long now = clock.getAsLong();
        if (held.lateAt(now) && late(key, held, now)) {
            return edge.select(serverName);
        }
        return held.certified();
    }

    /** Within {@link HeldCertificate#SOON} of its expiry, or past it (then true: the edge's own is served). */
    private boolean late(String name, HeldCertificate held, long now) {
        Instant notAfter = Instant.ofEpochMilli(held.notAfterMillis());
        if (!held.expiredAt(now)) {
            if (held.firstSoonWarning()) {
                LOG.warn("https: the terminate-tls certificate of {} expires at {}, in less than {} days; after that the "
                        + "edge serves its own certificate for {}", name, notAfter, HeldCertificate.SOON.toDays(), name);
            }
            return false;
        }
        if (held.firstExpiredWarning()) {
            LOG.warn("https: the terminate-tls certificate of {} expired at {}; the edge serves its own certificate for {} "
                    + "until the endpoint's policy gives a valid one", name, notAfter, name);
            notices.expired(held.endpoint(), name, notAfter);
        }
        return true;
    }

    @Override
    public CertifiedKey byAlias(String alias) {
        CertifiedKey own = alias == null ? null : byAlias.get(alias);
        return own != null ? own : edge.byAlias(alias);
    }

    /** Names held, with a certificate that serves them or one that cannot (a gauge). */
    public int size() {
        return byServerName.size();
    }
}
