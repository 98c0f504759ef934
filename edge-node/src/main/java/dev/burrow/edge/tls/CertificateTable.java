package dev.burrow.edge.tls;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The certificates the HTTPS listener presents, chosen per SNI: an exact name first, then a wildcard one level up
 * ({@code *.example.com} for {@code a.example.com}, never for {@code a.b.example.com} nor {@code example.com}), then
 * the fallback (the dev certificate), which also answers a ClientHello without SNI. Immutable: a reload builds a new
 * table and swaps it in, so a lookup on the handshake path is two hash lookups and no lock, no I/O, no cluster call.
 */
public final class CertificateTable {
    private final Map<String, CertifiedKey> exact = new HashMap<>();
    private final Map<String, CertifiedKey> wildcard = new HashMap<>();
    private final Map<String, CertifiedKey> byAlias = new HashMap<>();
    private final CertifiedKey fallback;

    /**
     * @param ordered certificates by precedence, strongest first: for a name served by two of them, the first wins
     * @param fallback presented when no certificate names the SNI, or when there is no SNI
     */
    public CertificateTable(List<CertifiedKey> ordered, CertifiedKey fallback) {
        this.fallback = fallback;
        byAlias.put(fallback.alias(), fallback);
        for (CertifiedKey certified : ordered) {
            byAlias.put(certified.alias(), certified);
            for (String name : certified.names()) {
                if (name.startsWith("*.")) {
                    wildcard.putIfAbsent(name.substring(2), certified);
                } else {
                    exact.putIfAbsent(name, certified);
                }
            }
        }
    }

    /** The certificate for {@code serverName} (null: no SNI). */
    public CertifiedKey select(String serverName) {
        if (serverName == null || serverName.isEmpty()) {
            return fallback;
        }
        String name = serverName.toLowerCase(Locale.ROOT);
        CertifiedKey found = exact.get(name);
        if (found != null) {
            return found;
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
            found = wildcard.get(name.substring(dot + 1));
        }
        return found != null ? found : fallback;
    }

    /** Whether a certificate other than the fallback names {@code serverName}. */
    public boolean names(String serverName) {
        return select(serverName) != fallback;
    }

    public CertifiedKey byAlias(String alias) {
        return alias == null ? null : byAlias.get(alias);
    }

    public CertifiedKey fallback() {
        return fallback;
    }

    /** Certificates held, the fallback included. */
    public int size() {
        return byAlias.size();
    }
}
