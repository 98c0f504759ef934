package dev.burrow.edge.tenancy;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.io.Serializable;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Tenants and token hashes in Hazelcast maps that a MapStore keeps in the database ({@link TenancyMaps}), so every
 * node sees the same and a full restart loses nothing; the names tenants hold are {@link ReservedNames}. Blocking map
 * calls run on worker threads; every method returns a future failing with {@link TenancyException}.
 */
public final class TenantStore {
    public static final String TENANTS_MAP = "burrow.tenants";
    public static final String TOKENS_MAP = "burrow.authtokens";
    private static final Pattern TENANT_ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Vertx vertx;
    private final IMap<String, Tenant> tenants;
    private final IMap<String, TokenRecord> tokens;
    /** Token hash → record on this node: an unknown token (anyone can send one) costs no map miss, so no SELECT. */
    private final LocalMirror<TokenRecord, TokenRecord> tokenMirror;
    private volatile boolean mirrored;

    public TenantStore(Vertx vertx, HazelcastInstance hazelcast) {
        this.vertx = vertx;
        this.tenants = hazelcast.getMap(TENANTS_MAP);
        this.tokens = hazelcast.getMap(TOKENS_MAP);
        this.tokenMirror = LocalMirror.of(tokens);
    }

    /** Keeps a local copy of the token records, for {@link #tokenByHash}. Blocking. */
    public void startMirror() {
        tokenMirror.start();
        mirrored = true;
    }

    public void stopMirror() {
        mirrored = false;
        tokenMirror.stop();
    }

    // ---- tenants ----

    public Future<Tenant> createTenant(String id, String name, Quotas quotas) {
        String tenantId = id == null || id.isBlank() ? "t-" + randomHex(6) : id.trim();
        if (!TENANT_ID.matcher(tenantId).matches()) {
            return failed(TenancyError.INVALID_REQUEST, "tenant id \"" + id + "\" is not valid; use 1-63 lowercase letters, digits and '-'");
        }
        if (Tenant.DEFAULT_ID.equals(tenantId)) {
            return failed(TenancyError.TENANT_EXISTS, "tenant id \"default\" is the built-in tenant of the dev and --authtoken tokens");
        }
        Tenant tenant = new Tenant(tenantId, name == null || name.isBlank() ? tenantId : name.trim(), quotas,
                System.currentTimeMillis());
        return blocking(() -> {
            Tenant existing = tenants.putIfAbsent(tenantId, tenant);
            if (existing != null) {
                throw new TenancyException(TenancyError.TENANT_EXISTS, "tenant " + tenantId + " already exists");
            }
            return tenant;
        });
    }

    public Future<Tenant> tenant(String id) {
        if (id == null) {
            return Future.succeededFuture(null);
        }
        return fromStage(tenants.getAsync(id));
    }

    /** The tenant, or a TENANT_NOT_FOUND failure. */
    public Future<Tenant> requireTenant(String id) {
        return tenant(id).compose(t -> t != null ? Future.succeededFuture(t)
                : failed(TenancyError.TENANT_NOT_FOUND, "no tenant " + id));
    }

    public Future<List<Tenant>> tenants() {
        return blocking(() -> tenants.values().stream().sorted(Comparator.comparing(Tenant::id)).toList());
    }

    public Future<Tenant> updateTenant(String id, String name, Quotas quotas) {
        return requireTenant(id).compose(existing -> {
            Tenant next = existing;
            if (name != null && !name.isBlank()) {
                next = next.withName(name.trim());
            }
            if (quotas != null) {
                next = next.withQuotas(quotas);
            }
            Tenant updated = next;
            return fromStage(tenants.setAsync(id, updated)).map(updated);
        });
    }

    /** Deletes a tenant and revokes its tokens (its names: {@link ReservedNames#releaseAll}); returns the revoked token ids. */
    public Future<List<String>> deleteTenant(String id) {
        return requireTenant(id).compose(t -> blocking(() -> {
            List<String> revoked = new ArrayList<>();
            long now = System.currentTimeMillis();
            for (Map.Entry<String, TokenRecord> entry : tokens.entrySet(new TokensOf(id))) {
                if (!entry.getValue().revoked()) {
                    TokenRecord record = entry.getValue().revoke(now);
                    tokens.set(entry.getKey(), record);
                    tokenMirror.put(entry.getKey(), record);
                    revoked.add(entry.getValue().id());
                }
            }
            tenants.delete(id);
            return revoked;
        }));
    }

    // ---- tokens ----

    /** A new token and its stored record; the secret is in {@link Issued#token()} and nowhere else. */
    public record Issued(TokenRecord record, Authtoken token) {
    }

    public Future<Issued> issueToken(String tenantId, String description, List<String> scopes) {
        List<String> valid;
        try {
            valid = Scopes.validate(scopes);
        } catch (IllegalArgumentException e) {
            return failed(TenancyError.INVALID_REQUEST, e.getMessage());
        }
        return requireTenant(tenantId).compose(t -> {
            Authtoken token = Authtoken.generate();
            TokenRecord record = new TokenRecord("tok_" + randomHex(8), tenantId, token.hash(), description, valid,
                    System.currentTimeMillis(), 0);
            return fromStage(tokens.setAsync(record.hash(), record)).map(v -> {
                tokenMirror.put(record.hash(), record);
                return new Issued(record, token);
            });
        });
    }

    /** The record stored for a token hash, or null: from this node's copy once {@link #startMirror()} ran. */
    public Future<TokenRecord> tokenByHash(String hashHex) {
        if (mirrored) {
            return Future.succeededFuture(tokenMirror.get(hashHex));
        }
        return fromStage(tokens.getAsync(hashHex));
    }

    /**
     * The record as the cluster holds it now, read from the map rather than this node's copy (which learns other
     * nodes' writes from events, in no set order with the event bus): for the re-check after a session is listed, where
     * a revocation must not be missed. The key is a known token's, so the read is no MapStore miss.
     */
    public Future<TokenRecord> currentTokenByHash(String hashHex) {
        return fromStage(tokens.getAsync(hashHex));
    }

    public Future<List<TokenRecord>> tokens(String tenantId) {
        return blocking(() -> tokens.values(new TokensOf(tenantId)).stream()
                .sorted(Comparator.comparingLong(TokenRecord::createdAt)).toList());
    }

    /** Marks a token revoked (kept, so its id stays known); fails with TOKEN_NOT_FOUND. */
    public Future<TokenRecord> revokeToken(String tenantId, String tokenId) {
        return blocking(() -> {
            for (Map.Entry<String, TokenRecord> entry : tokens.entrySet(new TokensOf(tenantId))) {
                if (entry.getValue().id().equals(tokenId)) {
                    TokenRecord revoked = entry.getValue().revoked() ? entry.getValue()
                            : entry.getValue().revoke(System.currentTimeMillis());
                    tokens.set(entry.getKey(), revoked);
                    tokenMirror.put(entry.getKey(), revoked);
                    return revoked;
                }
            }
            throw new TenancyException(TenancyError.TOKEN_NOT_FOUND, "tenant " + tenantId + " has no token " + tokenId);
        });
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

    static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    // ---- predicates (run on the partition owners) ----

    record TokensOf(String tenantId) implements Predicate<String, TokenRecord>, Serializable {
        @Override
        public boolean apply(Map.Entry<String, TokenRecord> entry) {
            return entry.getValue() != null && entry.getValue().tenantId().equals(tenantId);
        }
    }
}
