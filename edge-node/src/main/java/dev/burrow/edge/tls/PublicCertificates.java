package dev.burrow.edge.tls;

import dev.burrow.edge.pki.DevPki;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The certificates of the public HTTPS listener, held in memory as a {@link CertificateTable}. Sources, strongest
 * first: the operator's directory ({@code --https-certs}), the operator's agent-link certificate ({@code --tls-cert},
 * for the names it carries), and the dev certificate of the data directory (signed by the dev CA, naming
 * {@code DOMAIN} and {@code *.DOMAIN}), which is also the fallback for an unknown SNI or none. The operator's files
 * are checked every {@link #CHECK_INTERVAL_MILLIS} and re-read when one changed; a file that cannot be read keeps its
 * last good certificate (and is logged) rather than taking its names away.
 * <p>
 * A name the dev wildcard cannot serve to a client (under a one-label domain such as {@code localhost}: TLS clients
 * refuse {@code *.localhost}, as they refuse {@code *.com}; or a custom domain) gets its own certificate from the dev
 * CA when an endpoint is bound for it ({@link #ensureFor}), off the event loop, before the bind is answered, and
 * dropped when the endpoint leaves the registry ({@link #forget}); at most {@link #MAX_ISSUED} are held.
 */
public final class PublicCertificates implements SniKeyManager.Certificates {
    private static final Logger LOG = LoggerFactory.getLogger(PublicCertificates.class);
    /** How often the operator's certificate files are checked for changes. */
    public static final long CHECK_INTERVAL_MILLIS = 1_000;

    /** Certificates issued by the dev CA for bound names, at most this many (each a ~0.5 KiB certificate; they share one key). */
    public static final int MAX_ISSUED = 10_000;

    /**
     * Certificates obtained automatically (ACME), consulted for a name no operator certificate serves, before the dev
     * CA. Runs on the handshake path: memory only; a miss may start obtaining one in the background and returns null.
     */
    public interface Automatic {
        Automatic NONE = new Automatic() {
            @Override
            public CertifiedKey certificateFor(String name) {
                return null;
            }

            @Override
            public CertifiedKey byAlias(String alias) {
                return null;
            }
        };

        /** The certificate for a lower-case host name, or null (the dev certificate is served meanwhile). */
        CertifiedKey certificateFor(String name);

        CertifiedKey byAlias(String alias);
    }

    /** A PEM chain and its key file; both are watched. */
    public record FilePair(Path cert, Path key) {
    }

    private final Path operatorDir;
    private final List<FilePair> extraPairs;
    private final CertifiedKey fallback;
    private final Map<Path, CertifiedKey> lastGood = new HashMap<>();
    private final Map<String, CertifiedKey> issued = new ConcurrentHashMap<>();
    private final Map<String, CertifiedKey> issuedByAlias = new ConcurrentHashMap<>();
    /** Names whose certificate is being or was issued, with the future every caller of {@link #ensureFor} gets, until forgotten. */
    private final Map<String, Future<Void>> issuing = new ConcurrentHashMap<>();
    private KeyPair issuedKeyPair;
    private final X509Certificate devCa;
    private final PrivateKey devCaKey;
    private volatile CertificateTable table;
    private volatile Automatic automatic = Automatic.NONE;
    private volatile List<String> stamp = List.of();
    private long timer = -1;

    /**
     * Blocking: reads every source once.
     *
     * @param operatorDir the {@code --https-certs} directory, or null
     * @param extraPairs  further operator certificates below the directory in precedence ({@code --tls-cert})
     * @param fallback    the dev certificate
     * @param devCa       the dev CA that signed it, which signs the certificates of {@link #ensureFor}
     */
    public PublicCertificates(Path operatorDir, List<FilePair> extraPairs, FilePair fallback, FilePair devCa) throws IOException {
        this.operatorDir = operatorDir;
        this.extraPairs = List.copyOf(extraPairs);
        this.fallback = CertificateFiles.read(fallback.cert(), fallback.key());
        try {
            this.devCa = DevPki.readCertificate(devCa.cert());
        } catch (GeneralSecurityException e) {
            throw new IOException(devCa.cert() + " is not a PEM certificate: " + e.getMessage(), e);
        }
        this.devCaKey = DevPki.readPrivateKey(devCa.key());
        reload();
    }

    @Override
    public CertifiedKey select(String serverName) {
        CertifiedKey chosen = table.select(serverName);
        if (chosen == fallback && serverName != null) {
            String name = serverName.toLowerCase(java.util.Locale.ROOT);
            CertifiedKey obtained = automatic.certificateFor(name);
            if (obtained != null) {
                return obtained;
            }
            CertifiedKey own = issued.get(name);
            return own != null ? own : fallback;
        }
        return chosen;
    }

    @Override
    public CertifiedKey byAlias(String alias) {
        CertifiedKey found = table.byAlias(alias);
        if (found != null || alias == null) {
            return found;
        }
        CertifiedKey own = issuedByAlias.get(alias);
        return own != null ? own : automatic.byAlias(alias);
    }

    /** Where names no operator certificate serves get a certificate of their own (ACME); none by default. */
    public void automatic(Automatic source) {
        this.automatic = source;
    }

    /**
     * Makes sure a client that trusts the dev CA can verify a certificate for {@code hostname}: when neither an
     * operator's certificate nor the dev wildcard serves it, the dev CA issues one (on a worker thread). Completes
     * when the certificate is in memory.
     */
    public Future<Void> ensureFor(Vertx vertx, String hostname) {
        String name = hostname == null ? null : hostname.toLowerCase(java.util.Locale.ROOT);
        // The name's issuance, running or done, first: every caller until the name is forgotten gets that one answer
        // (one who asked while it ran could otherwise get an earlier, already completed one).
        Future<Void> known = name == null ? null : issuing.get(name);
        if (known != null) {
            return known;
        }
        if (name == null || !needsOwnCertificate(name)) {
            return Future.succeededFuture();
        }
        // A bind asks here before it is answered, and the registry's event for the same record asks again at about the
        // same moment: both wait for one issuance.
        Promise<Void> done = Promise.promise();
        Future<Void> already = issuing.putIfAbsent(name, done.future());
        if (already != null) {
            return already;
        }
        vertx.executeBlocking(() -> {
            issue(name);
            return null;
        }, false).<Void>mapEmpty().onComplete(ar -> {
            if (ar.failed()) {
                // A later bind tries again.
                issuing.remove(name, done.future());
            }
            done.handle(ar);
        });
        return done.future();
    }

    /** Blocking (a signature by the dev CA). */
    private void issue(String name) throws IOException {
        if (issued.containsKey(name) || issued.size() >= MAX_ISSUED) {
            return;
        }
        DevPki.Issued certificate = DevPki.issue(devCa, devCaKey, List.of(name), issuedKeyPair());
        CertifiedKey own = CertificateFiles.certified(certificate.key(), new X509Certificate[]{certificate.certificate(), devCa},
                "dev CA, issued for " + name);
        issuedByAlias.put(own.alias(), own);
        issued.put(name, own);
    }

    /**
     * The one key pair of every certificate the dev CA issues on this node, made on first use and held in memory only:
     * generating a key per name cost about as much as signing its certificate, and a key per name bought nothing, since
     * all of them lived in this process (a dev CA's certificates are for development; an operator's or ACME's keep
     * their own keys).
     */
    private synchronized KeyPair issuedKeyPair() throws IOException {
        if (issuedKeyPair == null) {
            issuedKeyPair = DevPki.newLeafKeyPair();
        }
        return issuedKeyPair;
    }

    /** Drops the certificate the dev CA issued for {@code hostname} (its endpoint is gone), if any. */
    public void forget(String hostname) {
        if (hostname != null) {
            issuing.remove(hostname.toLowerCase(java.util.Locale.ROOT));
        }
        CertifiedKey own = hostname == null ? null : issued.remove(hostname.toLowerCase(java.util.Locale.ROOT));
        if (own != null) {
            issuedByAlias.remove(own.alias());
        }
    }

    /** Certificates the dev CA issued for bound names. */
    public int issuedCount() {
        return issued.size();
    }

    private boolean needsOwnCertificate(String name) {
        // An internal name is never served to the public (and several accounts may each have one of that name).
        if (dev.burrow.protocol.Bindings.isInternalHostname(name) || table.names(name) || issued.containsKey(name) || fallback.names().contains(name)) {
            return false;
        }
        int dot = name.indexOf('.');
        String parent = dot > 0 ? name.substring(dot + 1) : null;
        // Clients accept a wildcard only two labels deep or more: *.example.com serves a.example.com, *.localhost nothing.
        return parent == null || !parent.contains(".") || !fallback.names().contains("*." + parent);
    }

    /** The table in force; what {@link SniKeyManager} reads on every handshake. */
    public CertificateTable table() {
        return table;
    }

    /** Starts checking the operator's files for changes on {@code vertx}'s timer (reads off the event loop). */
    public void watch(Vertx vertx) {
        if (operatorDir == null && extraPairs.isEmpty()) {
            return;
        }
        timer = vertx.setPeriodic(CHECK_INTERVAL_MILLIS, id -> vertx.executeBlocking(() -> {
            if (!currentStamp().equals(stamp)) {
                reload();
            }
            return null;
        }, false));
    }

    public void close(Vertx vertx) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private synchronized void reload() {
        List<String> before = currentStamp();
        List<CertifiedKey> ordered = new ArrayList<>();
        List<FilePair> pairs = new ArrayList<>();
        if (operatorDir != null) {
            try {
                for (Path cert : CertificateFiles.certificatesIn(operatorDir)) {
                    pairs.add(new FilePair(cert, CertificateFiles.keyOf(cert)));
                }
            } catch (IOException e) {
                LOG.warn("https: cannot list the certificate directory {}: {}", operatorDir, e.getMessage());
            }
        }
        pairs.addAll(extraPairs);
        for (FilePair pair : pairs) {
            CertifiedKey loaded = readOrKeep(pair);
            if (loaded != null) {
                ordered.add(loaded);
            }
        }
        boolean first = table == null;
        table = new CertificateTable(ordered, fallback);
        stamp = before;
        if (first) {
            LOG.debug("https: {} operator certificate(s) loaded", ordered.size());
        } else {
            LOG.info("https: operator certificates re-read after a change: {} in force", ordered.size());
        }
    }

    private CertifiedKey readOrKeep(FilePair pair) {
        try {
            CertifiedKey loaded = CertificateFiles.read(pair.cert(), pair.key());
            lastGood.put(pair.cert(), loaded);
            return loaded;
        } catch (IOException | RuntimeException e) {
            CertifiedKey kept = lastGood.get(pair.cert());
            LOG.warn("https: cannot read the certificate {}: {}{}", pair.cert(), e.getMessage(),
                    kept == null ? "" : "; keeping the one read before");
            return kept;
        }
    }

    /** Names, sizes and modification times of the watched files: a change in any is a reason to reload. */
    private List<String> currentStamp() {
        List<String> stamps = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        if (operatorDir != null) {
            try (var listing = Files.list(operatorDir)) {
                listing.sorted().forEach(files::add);
            } catch (IOException e) {
                stamps.add("unlistable");
            }
        }
        extraPairs.forEach(pair -> {
            files.add(pair.cert());
            files.add(pair.key());
        });
        for (Path file : files) {
            try {
                stamps.add(file + "|" + Files.size(file) + "|" + Files.getLastModifiedTime(file).toMillis());
            } catch (IOException e) {
                stamps.add(file + "|gone");
            }
        }
        return stamps;
    }

    @Override
    public String toString() {
        return "PublicCertificates[" + Objects.toString(operatorDir, "no directory") + ", " + table.size() + " certificates]";
    }
}
