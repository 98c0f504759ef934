package dev.burrow.edge.tls;

import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.vertx.core.Vertx;
import io.vertx.core.net.KeyCertOptions;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.KeyManagerFactorySpi;
import javax.net.ssl.ManagerFactoryParameters;
import java.security.KeyStore;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The key certificate options of the HTTPS servers: one {@link SniKeyManager}, with the TLS engine's native key
 * material cached per certificate. Without a cache netty-tcnative converts the chosen chain and key for BoringSSL (PEM
 * encoding, parsing, the key's public point) on every full handshake; Netty's {@link OpenSslCachingX509KeyManagerFactory}
 * converts once per alias, and a {@link CertifiedKey}'s alias is a digest of its content, so a changed certificate is
 * a new alias and is never served stale from the cache.
 * <p>
 * Bounds: each TLS context caches at most {@link #MAX_ENTRIES} certificates (beyond that Netty converts per handshake
 * again, it never evicts). Certificates that left (an endpoint gone, a file replaced, a renewal) would stay cached
 * for the context's life, so once {@link #MAX_STALE} of them are {@link #worthRenewing()}, the owner calls
 * {@link #renew()} and rebuilds its servers' TLS contexts with a fresh, empty cache (open connections keep the old).
 * Equal to itself only: Vert.x keys its TLS contexts by these options, so a forced rebuild replaces the old context.
 */
public final class KeyMaterialCache implements KeyCertOptions {
    /** Certificates one TLS context caches at most (Netty's default; each is a few KiB of native memory). */
    public static final int MAX_ENTRIES = 1024;
    /** Cached certificates that left before a fresh cache is worth a new TLS context. */
    public static final int MAX_STALE = 64;

    private final SniKeyManager.Certificates certificates;
    private final SniKeyManager keyManager;
    /** Aliases the TLS engine asked for the chain of since the last {@link #renew()}: what its caches may hold. */
    private final Set<String> materialized = ConcurrentHashMap.newKeySet();
    private volatile KeyManagerFactory factory;

    public KeyMaterialCache(SniKeyManager.Certificates certificates) {
        this.certificates = certificates;
        this.keyManager = new SniKeyManager(new Recorded());
        this.factory = newFactory();
    }

    /** Whether enough cached certificates left that a fresh cache is worth new TLS contexts. */
    public boolean worthRenewing() {
        return materialized.stream().filter(alias -> certificates.byAlias(alias) == null).limit(MAX_STALE).count() >= MAX_STALE;
    }

    /** A new factory, so that the TLS contexts rebuilt next start with an empty cache. */
    public void renew() {
        materialized.clear();
        factory = newFactory();
    }

    /** Aliases whose key material the TLS engine has built since the last {@link #renew()}. */
    int materializedCount() {
        return materialized.size();
    }

    @Override
    public KeyCertOptions copy() {
        return this;
    }

    @Override
    public KeyManagerFactory getKeyManagerFactory(Vertx vertx) {
        return factory;
    }

    @Override
    public Function<String, KeyManagerFactory> keyManagerFactoryMapper(Vertx vertx) {
        return name -> null;
    }

    private KeyManagerFactory newFactory() {
        return new OpenSslCachingX509KeyManagerFactory(new OneKeyManager(keyManager), MAX_ENTRIES);
    }

    /** The certificates, noting each alias whose chain or key the engine reads (on a cache miss only). */
    private final class Recorded implements SniKeyManager.Certificates {
        @Override
        public CertifiedKey select(String serverName) {
            return certificates.select(serverName);
        }

        @Override
        public CertifiedKey byAlias(String alias) {
            if (alias != null) {
                materialized.add(alias);
            }
            return certificates.byAlias(alias);
        }
    }

    /** A factory that hands out one ready key manager. */
    private static final class OneKeyManager extends KeyManagerFactory {
        OneKeyManager(KeyManager keyManager) {
            super(new KeyManagerFactorySpi() {
                @Override
                protected void engineInit(KeyStore keyStore, char[] password) {
                }

                @Override
                protected void engineInit(ManagerFactoryParameters parameters) {
                }

                @Override
                protected KeyManager[] engineGetKeyManagers() {
                    return new KeyManager[]{keyManager};
                }
            }, null, "burrow-sni");
        }
    }
}
