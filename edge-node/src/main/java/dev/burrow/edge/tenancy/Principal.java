package dev.burrow.edge.tenancy;

import java.util.List;

/**
 * Who an authenticated agent link acts for.
 *
 * @param tenantId         the tenant ({@link Tenant#DEFAULT_ID} for the dev token and {@code --authtoken})
 * @param tokenId          the managed token's id, or null for a configured token
 * @param sessionOwnerKey  fingerprint of the token: only the same token may resume a session
 * @param endpointOwnerKey owner of the endpoints it binds: the tenant for managed tokens (so its agents may pool
 *                         and take over each other's offline endpoints), the token fingerprint for configured ones
 * @param scopes           the token's ACL (empty: no restriction beyond the tenant's)
 */
public record Principal(String tenantId, String tokenId, String sessionOwnerKey, String endpointOwnerKey,
                        List<String> scopes, Quotas quotas) {
    public static final String TENANT_OWNER_PREFIX = "tenant:";

    public Principal {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        quotas = quotas == null ? Quotas.UNLIMITED : quotas;
    }

    /** A configured token (dev token or {@code --authtoken}): the default tenant, keyed by the token's fingerprint. */
    public static Principal configured(String ownerKey) {
        return new Principal(Tenant.DEFAULT_ID, null, ownerKey, ownerKey, List.of(), Quotas.UNLIMITED);
    }

    public static Principal managed(TokenRecord token, Tenant tenant, String sessionOwnerKey) {
        return new Principal(tenant.id(), token.id(), sessionOwnerKey, TENANT_OWNER_PREFIX + tenant.id(), token.scopes(),
                tenant.quotas());
    }

    /** The tenant id an endpoint owner key stands for. */
    public static String tenantOfOwnerKey(String ownerKey) {
        return ownerKey != null && ownerKey.startsWith(TENANT_OWNER_PREFIX)
                ? ownerKey.substring(TENANT_OWNER_PREFIX.length()) : Tenant.DEFAULT_ID;
    }
}
