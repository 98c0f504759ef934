package dev.burrow.edge.admin;

/**
 * Who calls the admin API: an administrator (every route) or a tenant's operator (only that tenant's routes).
 *
 * @param subject for logs: "bootstrap" or the token's {@code sub}
 */
public record Caller(boolean admin, String tenantId, String subject) {
    public static Caller administrator(String subject) {
        return new Caller(true, null, subject);
    }

    public static Caller ofTenant(String tenantId, String subject) {
        return new Caller(false, tenantId, subject);
    }

    public boolean mayAccess(String tenant) {
        return admin || (tenantId != null && tenantId.equals(tenant));
    }
}
