package dev.burrow.edge.tenancy;

import java.io.Serializable;
import java.util.List;

/**
 * A stored authtoken: never the token, only its SHA-256 ({@code hash}, hex), which is also the map key.
 *
 * @param id        public id used by the admin API ({@code tok_…})
 * @param scopes    ACL; empty means everything the tenant may bind ({@code bind:*.acme.example.com}, {@code bind:tcp:20022})
 * @param revokedAt 0 while valid
 */
public record TokenRecord(String id, String tenantId, String hash, String description, List<String> scopes,
                          long createdAt, long revokedAt) implements Serializable {
    public TokenRecord {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }

    public boolean revoked() {
        return revokedAt != 0;
    }

    public TokenRecord revoke(long at) {
        return new TokenRecord(id, tenantId, hash, description, scopes, createdAt, at);
    }

    @Override
    public String toString() {
        return "TokenRecord[id=" + id + ", tenantId=" + tenantId + ", hash=HIDDEN, scopes=" + scopes
                + ", revoked=" + revoked() + "]";
    }
}
