package dev.burrow.edge.tenancy;

import dev.burrow.edge.pki.TokenVerifier;
import io.vertx.core.Future;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * Authenticates agent links: the configured tokens (dev token, {@code --authtoken}) act for the default tenant;
 * any other token is looked up by its SHA-256 among the managed tokens, whose stored hash is then compared in
 * constant time; a revoked token, or one whose tenant is gone, is refused.
 */
public final class TenantAuthenticator {
    private final TokenVerifier configured;
    private final TenantStore store;

    public TenantAuthenticator(TokenVerifier configured, TenantStore store) {
        this.configured = configured;
        this.store = store;
    }

    /** The principal, or a failed future with an {@link AuthRefused} sentence; managed tokens from this node's copy. */
    public Future<Principal> authenticate(String token) {
        return authenticate(token, store::tokenByHash);
    }

    /**
     * As {@link #authenticate}, but reads the token and its tenant from the cluster's maps, not this node's copy: for
     * the re-check once a session is listed, which a revocation racing the login must not slip past.
     */
    public Future<Principal> recheck(String token) {
        return authenticate(token, store::currentTokenByHash);
    }

    private Future<Principal> authenticate(String token, Function<String, Future<TokenRecord>> lookup) {
        if (token == null || token.isEmpty()) {
            return Future.failedFuture(new AuthRefused(false));
        }
        var ownerKey = configured.verify(token);
        if (ownerKey.isPresent()) {
            return Future.succeededFuture(Principal.configured(ownerKey.get()));
        }
        byte[] digest = Authtoken.sha256(token);
        return lookup.apply(HexFormat.of().formatHex(digest)).compose(record -> {
            if (record == null || !MessageDigest.isEqual(HexFormat.of().parseHex(record.hash()), digest)) {
                return Future.failedFuture(new AuthRefused(false));
            }
            if (record.revoked()) {
                return Future.failedFuture(new AuthRefused(true));
            }
            return store.tenant(record.tenantId()).compose(tenant -> tenant == null
                    ? Future.failedFuture(new AuthRefused(true))
                    : Future.succeededFuture(Principal.managed(record, tenant, TokenVerifier.ownerKey(token))));
        });
    }

    /** A refused token; {@code revoked} when it was valid once. */
    public static final class AuthRefused extends RuntimeException {
        private final boolean revoked;

        AuthRefused(boolean revoked) {
            super(revoked ? "the authtoken was revoked; ask the account's administrator for a new one"
                    : "the authtoken was not accepted by this edge; check --authtoken", null, false, false);
            this.revoked = revoked;
        }

        public boolean revoked() {
            return revoked;
        }
    }
}
