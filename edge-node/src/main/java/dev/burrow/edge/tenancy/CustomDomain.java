package dev.burrow.edge.tenancy;

import java.io.Serializable;

/**
 * A hostname outside the edge's base domain that a tenant brings. Bindable only once {@code verified}: the owner
 * proves control by publishing {@code challenge} as a TXT record at {@code _burrow-challenge.HOSTNAME}.
 */
public record CustomDomain(String hostname, String tenantId, String challenge, boolean verified, long createdAt,
                           long verifiedAt) implements Serializable {
    public static final String TXT_PREFIX = "_burrow-challenge.";

    public CustomDomain markVerified(long at) {
        return new CustomDomain(hostname, tenantId, challenge, true, createdAt, at);
    }

    /** The DNS name the TXT record goes under. */
    public String txtName() {
        return TXT_PREFIX + hostname;
    }
}
