package dev.burrow.edge.tenancy;

import java.io.Serializable;

/** An account: the unit that owns tokens, reserved names, custom domains and quotas. */
public record Tenant(String id, String name, Quotas quotas, long createdAt) implements Serializable {
    /** The tenant of the dev authtoken and of {@code --authtoken}: no quotas, no reservations of its own. */
    public static final String DEFAULT_ID = "default";

    public Tenant {
        quotas = quotas == null ? Quotas.UNLIMITED : quotas;
    }

    public Tenant withQuotas(Quotas newQuotas) {
        return new Tenant(id, name, newQuotas, createdAt);
    }

    public Tenant withName(String newName) {
        return new Tenant(id, newName, quotas, createdAt);
    }
}
