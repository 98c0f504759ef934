package dev.burrow.edge.tls;

import dev.burrow.edge.pki.PolicyServerCertificate;
import dev.burrow.edge.registry.Hostnames;
import dev.burrow.policy.TlsTermination;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The certificates endpoints' policies serve their names with ({@code terminate-tls} {@code server_certificate}),
 * consulted before the edge's own sources. As {@link MutualTlsAuthorities} holds client CAs: the front door
 * {@link #remember}s an endpoint's certificate under the SNI it looked the endpoint up by, before that connection's
 * handshake starts, so the handshake reads memory only. The key is that SNI and nothing else: a certificate is served
 * for the name of the endpoint whose policy gave it, never for another name written in it (another tenant's). A
 * certificate is parsed when first remembered and again only when its PEM text changes.
 */
public final class EndpointCertificates implements SniKeyManager.Certificates {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointCertificates.class);
    /** Names held at most; a new name beyond it takes the place of another. */
    static final int MAX_NAMES = 10_000;

    private record Held(TlsTermination.ServerCertificate pem, CertifiedKey certified) {
    }

    private final SniKeyManager.Certificates edge;
    private final int maxNames;
    private final Map<String, Held> byServerName = new ConcurrentHashMap<>();
    private final Map<String, CertifiedKey> byAlias = new ConcurrentHashMap<>();

    /** @param edge the edge's own certificates (operator files, ACME, dev CA), for every other name */
    public EndpointCertificates(SniKeyManager.Certificates edge) {
        this(edge, MAX_NAMES);
    }

    EndpointCertificates(SniKeyManager.Certificates edge, int maxNames) {
        this.edge = edge;
        this.maxNames = maxNames;
    }

    /**
     * Parses (or reuses) the certificate {@code serverName}'s handshakes present; false when it cannot serve that name
     * (unreadable, a key that does not match, a certificate that does not name it: logged once per PEM text, and kept as
     * such so that connections for the name do not parse it again).
     */
    public boolean remember(String serverName, TlsTermination.ServerCertificate pem) {
        String key = Hostnames.normalize(serverName);
        if (key == null) {
            return false;
        }
        Held known = byServerName.get(key);
        if (known != null && known.pem().equals(pem)) {
            return known.certified() != null;
        }
        if (known == null && byServerName.size() >= maxNames) {
            makeRoom();
        }
        CertifiedKey certified = certified(key, pem);
        if (certified != null) {
            byAlias.put(certified.alias(), certified);
        }
        dropAlias(byServerName.put(key, new Held(pem, certified)));
        return certified != null;
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
            dropAlias(byServerName.remove(names.next()));
        }
    }

    /** Forgets a name whose endpoint no longer gives a certificate. */
    public void forget(String serverName) {
        if (byServerName.isEmpty()) {
            return; // every connection of a name without a certificate passes here
        }
        String key = Hostnames.normalize(serverName);
        if (key != null) {
            dropAlias(byServerName.remove(key));
        }
    }

    private void dropAlias(Held gone) {
        if (gone == null || gone.certified() == null) {
            return;
        }
        String alias = gone.certified().alias();
        if (byServerName.values().stream().noneMatch(h -> h.certified() != null && h.certified().alias().equals(alias))) {
            byAlias.remove(alias);
        }
    }

    @Override
    public CertifiedKey select(String serverName) {
        if (byServerName.isEmpty()) {
            return edge.select(serverName);
        }
        String key = serverName == null ? null : Hostnames.normalize(serverName);
        Held held = key == null ? null : byServerName.get(key);
        return held != null && held.certified() != null ? held.certified() : edge.select(serverName);
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
