package dev.burrow.edge.tls.acme;

import dev.burrow.edge.registry.Hostnames;

/**
 * Which certificate a name is ordered as. With a DNS hook, every name one label under the edge's domain is covered by
 * one wildcard, {@code *.DOMAIN}, validated over DNS-01 and counted for the operator (it serves every tenant's
 * endpoint under the domain), so a thousand endpoints are one order, not a thousand. Any other name (a custom domain,
 * a name deeper under the domain) is ordered as itself. Without a hook, or with a one-label domain such as
 * {@code localhost} (no CA issues {@code *.localhost}), every name is ordered as itself.
 */
final class OrderNames {
    /** The owner counted for the edge's own wildcard: never a tenant, never capped by {@code --acme-max-per-tenant}. */
    static final String OPERATOR = "operator";

    private final String domain;
    private final String wildcard;

    OrderNames(String edgeDomain, boolean dnsHook) {
        String normalized = edgeDomain == null ? null : Hostnames.normalize(edgeDomain);
        this.domain = dnsHook && normalized != null && normalized.contains(".") ? normalized : null;
        this.wildcard = domain == null ? null : "*." + domain;
    }

    /** The name to order (and store) the certificate serving {@code name} as: the wildcard, or the name itself. */
    String orderFor(String name) {
        if (domain == null || !name.endsWith("." + domain)) {
            return name;
        }
        String label = name.substring(0, name.length() - domain.length() - 1);
        return label.isEmpty() || label.contains(".") || label.equals("*") ? name : wildcard;
    }

    /** True for the edge's own wildcard, whose owner is {@link #OPERATOR}. */
    boolean isOperatorWildcard(String orderName) {
        return orderName.equals(wildcard);
    }
}
