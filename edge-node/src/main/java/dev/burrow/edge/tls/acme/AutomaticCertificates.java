package dev.burrow.edge.tls.acme;

import com.hazelcast.map.IMap;
import dev.burrow.edge.tls.CertificateFiles;
import dev.burrow.edge.tls.CertifiedKey;
import dev.burrow.edge.tls.PublicCertificates;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import org.shredzone.acme4j.util.KeyPairUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.StringReader;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Certificates from an ACME CA, obtained on demand: the first handshake for a name without one gets the dev
 * certificate at once (never a wait) and starts, in the background, an order for that name if it is one the cluster
 * may serve ({@link NameEligibility}), within the tenant's cap, and not refused within {@link #REFUSAL_MEMORY_MILLIS}.
 * One node orders a name at a time, cluster-wide (a lock per name in a cluster map; the certificates are read again once
 * the lock is held, so a name another node just obtained is taken, not ordered twice). Certificates live in the
 * tenancy database ({@link AcmeStore}: shared by every node with {@code --db-url}), in a cluster map every live node
 * reads (so nodes with their own embedded database share them too), and in memory here; the handshake path reads
 * memory only.
 * Renewed at {@link RenewalTime}; each node checks when its soonest certificate is due, and at least every
 * {@link #RENEWAL_CHECK_MILLIS}.
 */
public final class AutomaticCertificates implements PublicCertificates.Automatic {
    private static final Logger LOG = LoggerFactory.getLogger(AutomaticCertificates.class);
    public static final String LOCKS_MAP = "burrow-acme-locks";
    public static final String CERTIFICATES_MAP = "burrow-acme-certificates";
    /** A name refused (not eligible, over its tenant's cap) or whose order failed is not tried again for this long. */
    static final long REFUSAL_MEMORY_MILLIS = 10 * 60_000;
    /** A name nobody may certify is remembered for less: its endpoint may be bound a moment later. */
    static final long INELIGIBLE_MEMORY_MILLIS = 15_000;
    /** The longest between two renewal checks; the next one is sooner when a certificate is due sooner. */
    static final long RENEWAL_CHECK_MILLIS = 60 * 60_000;
    /** The shortest, so that a burst of due certificates is one check. */
    static final long MIN_RENEWAL_CHECK_MILLIS = 1_000;
    /** Orders in flight on this node at most; a burst of new names beyond it waits for later handshakes. */
    static final int MAX_IN_FLIGHT = 32;
    /** Names remembered as refused at most (a scanner's SNIs must not grow the heap). */
    static final int MAX_REFUSALS = 10_000;
    private static final long LOCK_WAIT_SECONDS = 150;
    /** Covers an order that waits out two DNS hook calls and two validations (each at most 120 s). */
    private static final long LOCK_LEASE_SECONDS = 600;

    /** A certificate held in memory, with when this node renews it. */
    record Held(CertifiedKey certified, AcmeStore.StoredCertificate stored, long renewAt) {
    }

    private final Vertx vertx;
    private final AcmeStore store;
    private final AcmeClient client;
    private final NameEligibility eligibility;
    private final OrderNames orderNames;
    private final ChallengeRoutes routes;
    private final IMap<String, Boolean> locks;
    private final IMap<String, AcmeStore.StoredCertificate> shared;
    private final int maxPerTenant;
    private final WorkerExecutor workers;
    private final Map<String, Held> held = new ConcurrentHashMap<>();
    private final Map<String, CertifiedKey> byAlias = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> refusedUntil = new ConcurrentHashMap<>();
    private final AcmeMetrics metrics;
    private long renewalTimer = -1;
    private boolean closed;

    AutomaticCertificates(Vertx vertx, AcmeStore store, AcmeClient client, NameEligibility eligibility, OrderNames orderNames,
                          ChallengeRoutes routes, IMap<String, Boolean> locks, IMap<String, AcmeStore.StoredCertificate> shared,
                          int maxPerTenant, AcmeMetrics metrics) {
        this.vertx = vertx;
        this.store = store;
        this.client = client;
        this.eligibility = eligibility;
        this.orderNames = orderNames;
        this.routes = routes;
        this.locks = locks;
        this.shared = shared;
        this.maxPerTenant = maxPerTenant;
        this.metrics = metrics;
        this.workers = vertx.createSharedWorkerExecutor("burrow-acme", 2, 10, TimeUnit.MINUTES);
    }

    /**
     * Handshake path (an event loop): memory only, never the database or the cluster. The name's own certificate, else
     * a wildcard held that serves it while it is valid: the edge's, or a tenant's one label up while this node's copy
     * of the tenancy maps says that tenant still reserves it. A miss starts an order in the background and returns null.
     */
    @Override
    public CertifiedKey certificateFor(String name) {
        Held found = held.get(name);
        if (found != null) {
            return found.certified();
        }
        String operatorOrder = orderNames.orderFor(name);
        String over = operatorOrder.equals(name) ? OrderNames.wildcardOver(name) : operatorOrder;
        Held covering = over == null ? null : held.get(over);
        if (covering != null && covering.stored().notAfter() > System.currentTimeMillis() && stillHeld(over, covering)) {
            return covering.certified();
        }
        request(name, operatorOrder);
        return null;
    }

    /** The edge's wildcard always is; a tenant's only while the tenant reserves it (an unreserved one is not served). */
    private boolean stillHeld(String wildcard, Held covering) {
        String tenant = covering.stored().tenantId();
        return tenant.equals(OrderNames.OPERATOR) || tenant.equals(eligibility.wildcardHolderInCopy(wildcard));
    }

    @Override
    public CertifiedKey byAlias(String alias) {
        return byAlias.get(alias);
    }

    /** Reads the stored certificates into memory and starts the renewal checks; completes when they are loaded. */
    public Future<Void> start() {
        return workers.executeBlocking(() -> {
            long started = System.nanoTime();
            for (AcmeStore.StoredCertificate stored : store.all()) {
                hold(stored);
                shared.putIfAbsent(stored.name(), stored);
            }
            // Once for all: per certificate, the gauges and the timer would cost a pass over every one held.
            metrics.changed(held.values().stream().map(Held::stored).toList());
            LOG.info("acme: {} stored certificate(s) loaded in {} ms", held.size(), (System.nanoTime() - started) / 1_000_000);
            return (Void) null;
        }, false).eventually(() -> {
            scheduleRenewalCheck();
            return Future.succeededFuture();
        });
    }

    public synchronized void close() {
        closed = true;
        if (renewalTimer >= 0) {
            vertx.cancelTimer(renewalTimer);
        }
        workers.close();
    }

    /**
     * The next renewal check: when the soonest certificate is due, but at least {@link #MIN_RENEWAL_CHECK_MILLIS}
     * and at most {@link #RENEWAL_CHECK_MILLIS} from now. Called after every change of what is held; any thread.
     */
    private synchronized void scheduleRenewalCheck() {
        if (closed) {
            return;
        }
        long soonest = held.values().stream().mapToLong(Held::renewAt).min().orElse(Long.MAX_VALUE);
        long delay = Math.max(MIN_RENEWAL_CHECK_MILLIS, Math.min(RENEWAL_CHECK_MILLIS, soonest - System.currentTimeMillis()));
        if (renewalTimer >= 0) {
            vertx.cancelTimer(renewalTimer);
        }
        renewalTimer = vertx.setTimer(delay, id -> renewDue());
    }

    /** Names with a certificate in memory. */
    public int size() {
        return held.size();
    }

    Map<String, Held> held() {
        return held;
    }

    /**
     * {@code name} was asked for. Whether it may be certified, and as which certificate ({@link OrderNames}: itself, the
     * edge's wildcard {@code operatorOrder}, or its tenant's reserved wildcard), is known once its holder is looked up;
     * the name holds an in-flight slot meanwhile, then the order's name does.
     */
    private void request(String name, String operatorOrder) {
        long now = System.currentTimeMillis();
        if (refusedNow(name, now) || refusedNow(operatorOrder, now) || inFlight.size() >= MAX_IN_FLIGHT || !inFlight.add(name)) {
            return;
        }
        eligibility.of(name).onComplete(found -> {
            inFlight.remove(name);
            if (found.failed()) {
                failed(name, found.cause());
            } else if (found.result() == null) {
                refuse(name, INELIGIBLE_MEMORY_MILLIS);
            } else {
                order(orderNames.orderFor(name, found.result()), name);
            }
        });
    }

    /**
     * Obtains the certificate of {@code order} on a worker, unless it is in flight or refused already. A tenant's
     * wildcard that cannot be validated ({@link ChallengeRoutes.NoRoute}) gives way to the {@code asked} name itself.
     */
    private void order(OrderNames.Order order, String asked) {
        if (refusedNow(order.name(), System.currentTimeMillis()) || !inFlight.add(order.name())) {
            return;
        }
        routes.of(order.name()).compose(route -> workers.executeBlocking(() -> obtain(order.name(), order.owner(), NEW_NAME, route), false))
                .onComplete(done -> {
                    inFlight.remove(order.name());
                    if (done.failed() && done.cause() instanceof ChallengeRoutes.NoRoute noRoute && !order.name().equals(asked)
                            && !order.owner().equals(OrderNames.OPERATOR)) {
                        LOG.warn("acme: {} is ordered as itself, not as {}: {}", asked, order.name(), noRoute.getMessage());
                        order(new OrderNames.Order(asked, order.owner()), asked);
                    } else if (done.failed()) {
                        failed(order.name(), done.cause());
                    }
                });
    }

    private void failed(String orderName, Throwable cause) {
        refuse(orderName, REFUSAL_MEMORY_MILLIS);
        metrics.failed();
        LOG.warn("acme: no certificate for {}: {}", orderName, cause.getMessage());
    }

    private boolean refusedNow(String name, long now) {
        Long until = refusedUntil.get(name);
        if (until != null && until <= now) {
            refusedUntil.remove(name, until);
        }
        return until != null && until > now;
    }

    private void refuse(String name, long forMillis) {
        if (refusedUntil.size() >= MAX_REFUSALS) {
            long now = System.currentTimeMillis();
            refusedUntil.values().removeIf(until -> until <= now);
        }
        if (refusedUntil.size() < MAX_REFUSALS) {
            refusedUntil.put(name, System.currentTimeMillis() + forMillis);
        }
    }

    private static final long NEW_NAME = -1;

    /**
     * Blocking (worker): under the name's cluster lock, the stored certificate unless it is the one being renewed
     * ({@code replacing}: its issue time, or {@link #NEW_NAME}), else a new one from the CA.
     */
    private Void obtain(String name, String tenant, long replacing, ChallengeRoutes.Route route) throws Exception {
        boolean renewal = replacing != NEW_NAME;
        if (!locks.tryLock(name, LOCK_WAIT_SECONDS, TimeUnit.SECONDS, LOCK_LEASE_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("another node has held the order lock of " + name + " for over " + LOCK_WAIT_SECONDS + " s");
        }
        try {
            AcmeStore.StoredCertificate stored = shared.get(name);
            if (stored == null) {
                stored = store.find(name);
            }
            if (stored != null && stored.issuedAt() != replacing) {
                install(stored);
                shared.putIfAbsent(name, stored);
                return null;
            }
            if (stored == null && !tenant.equals(OrderNames.OPERATOR) && heldBy(tenant) >= maxPerTenant) {
                metrics.refused();
                throw new IllegalStateException("its tenant " + tenant + " already holds " + maxPerTenant
                        + " automatic certificates (--acme-max-per-tenant)");
            }
            long started = System.nanoTime();
            AcmeClient.Issued issued = client.issue(name, route);
            X509Certificate leaf = issued.leaf();
            AcmeStore.StoredCertificate fresh = new AcmeStore.StoredCertificate(name, tenant, issued.chainPem(), issued.keyPem(),
                    leaf.getNotBefore().getTime(), leaf.getNotAfter().getTime(), System.currentTimeMillis());
            store.save(fresh);
            shared.put(name, fresh);
            install(fresh);
            metrics.issued();
            LOG.info("acme: {} certificate for {} in {} ms, valid until {}", renewal ? "renewed" : "issued", name,
                    (System.nanoTime() - started) / 1_000_000, leaf.getNotAfter().toInstant());
            return null;
        } finally {
            locks.unlock(name);
        }
    }

    /** Certificates of the tenant's names, the most of what the store and the cluster hold. */
    private long heldBy(String tenant) {
        long inCluster = shared.values().stream().filter(stored -> stored.tenantId().equals(tenant)).count();
        return Math.max(inCluster, store.countFor(tenant));
    }

    private void install(AcmeStore.StoredCertificate stored) throws Exception {
        hold(stored);
        metrics.changed(held.values().stream().map(Held::stored).toList());
        scheduleRenewalCheck();
    }

    /** Puts the certificate in memory, where handshakes find it. */
    private void hold(AcmeStore.StoredCertificate stored) throws Exception {
        X509Certificate[] chain = AcmeClient.parseChain(stored.chainPem()).toArray(new X509Certificate[0]);
        CertifiedKey certified = CertificateFiles.certified(KeyPairUtils.readKeyPair(new StringReader(stored.keyPem())).getPrivate(),
                chain, "ACME, issued for " + stored.name());
        byAlias.put(certified.alias(), certified);
        Held before = held.put(stored.name(), new Held(certified, stored, renewAt(stored)));
        if (before != null && !before.certified().alias().equals(certified.alias())) {
            byAlias.remove(before.certified().alias());
        }
    }

    private static long renewAt(AcmeStore.StoredCertificate stored) {
        return RenewalTime.of(stored.notBefore(), stored.notAfter(), ThreadLocalRandom.current());
    }

    /**
     * Starts a renewal for each certificate this node holds that is due (the lock makes one node do each), then
     * schedules the next check. A renewal that ends without a new certificate is tried again after
     * {@link #retryDelay}: the certificate in hand stays served meanwhile.
     */
    void renewDue() {
        long now = System.currentTimeMillis();
        held.forEach((name, entry) -> {
            if (now >= entry.renewAt() && inFlight.size() < MAX_IN_FLIGHT && inFlight.add(name)) {
                // A name the cluster no longer serves is not renewed: its certificate runs out.
                renewalOwner(name).compose(tenant -> tenant == null ? Future.succeededFuture() : routes.of(name).compose(route ->
                        workers.executeBlocking(() -> obtain(name, tenant, entry.stored().issuedAt(), route), false))).onComplete(done -> {
                    inFlight.remove(name);
                    if (done.failed()) {
                        metrics.failed();
                        LOG.warn("acme: renewing {} failed, the current certificate stays until {}: {}", name,
                                java.time.Instant.ofEpochMilli(entry.stored().notAfter()), done.cause().getMessage());
                    }
                    if (held.replace(name, entry, new Held(entry.certified(), entry.stored(), System.currentTimeMillis()
                            + retryDelay(entry.stored())))) {
                        scheduleRenewalCheck();
                    }
                });
            }
        });
        scheduleRenewalCheck();
    }

    /**
     * Whose the certificate still is: the operator's for the edge's wildcard, the tenant that still reserves a tenant's
     * wildcard, the holder of any other name; null when nobody may certify it any more.
     */
    private Future<String> renewalOwner(String name) {
        if (orderNames.isOperatorWildcard(name)) {
            return Future.succeededFuture(OrderNames.OPERATOR);
        }
        return name.startsWith("*.") ? eligibility.wildcardHolder(name) : eligibility.tenantOf(name);
    }

    /** A tenth of the certificate's lifetime, at most {@link #RENEWAL_CHECK_MILLIS} (an hour for a 90-day one). */
    static long retryDelay(AcmeStore.StoredCertificate stored) {
        return Math.max(MIN_RENEWAL_CHECK_MILLIS, Math.min(RENEWAL_CHECK_MILLIS, (stored.notAfter() - stored.notBefore()) / 10));
    }
}
