package dev.burrow.edge.tls.acme;

import dev.burrow.edge.registry.Hostnames;

/**
 * Which certificate a name is ordered as. With a DNS hook for the edge's domain, every name one label under it is
 * covered by one wildcard, {@code *.DOMAIN}, validated over DNS-01 and counted for the operator (it serves every
 * tenant's endpoint under the domain), so a thousand endpoints are one order, not a thousand. With any DNS hook, a name
 * one label under a tenant's reserved wildcard ({@code web.team.example.com} under {@code *.team.example.com}) is
 * covered by that wildcard, counted for the tenant, when that wildcard can be validated ({@link ChallengeRoutes}; else
 * the name is ordered as itself). Any other name (a custom domain, a name deeper under a wildcard) is ordered as
 * itself. Without a hook, or with a one-label domain such as {@code localhost} (no CA issues {@code *.localhost}),
 * every name is ordered as itself.
 */
final class OrderNames {
    /** The owner counted for the edge's own wildcard: never a tenant, never capped by {@code --acme-max-per-tenant}. */
    static final String OPERATOR = "operator";

    /** The certificate to order for a name: its name (as stored and locked) and whose cap it counts against. */
    record Order(String name, String owner) {
    }

    private final boolean tenantWildcards;
    private final String domain;
    private final String wildcard;

    /** With {@code dnsHook}, a hook for the edge's domain and for tenants' wildcards; without, none. */
    OrderNames(String edgeDomain, boolean dnsHook) {
        this(edgeDomain, dnsHook, dnsHook);
    }

    /**
     * @param operatorWildcard whether a hook publishes the challenge of the edge's own wildcard
     * @param tenantWildcards  whether any hook is configured, so that a tenant's reserved wildcard may be ordered
     */
    OrderNames(String edgeDomain, boolean operatorWildcard, boolean tenantWildcards) {
        String normalized = edgeDomain == null ? null : Hostnames.normalize(edgeDomain);
        this.tenantWildcards = tenantWildcards;
        this.domain = operatorWildcard && normalized != null && normalized.contains(".") ? normalized : null;
        this.wildcard = domain == null ? null : "*." + domain;
    }

    static OrderNames of(String edgeDomain, DnsHooks hooks) {
        String normalized = edgeDomain == null ? null : Hostnames.normalize(edgeDomain);
        return new OrderNames(edgeDomain, normalized != null && hooks.forRecord("_acme-challenge." + normalized) != null, hooks.any());
    }

    /**
     * The certificate serving an eligible name: the edge's wildcard (for the operator), the tenant's reserved wildcard
     * one label up when the tenant holds the name through it, or the name itself (for its owner).
     */
    Order orderFor(String name, NameEligibility.Eligible eligible) {
        String operator = orderFor(name);
        if (!operator.equals(name)) {
            return new Order(operator, OPERATOR);
        }
        String over = wildcardOver(name);
        return tenantWildcards && over != null && over.equals(eligible.wildcard()) ? new Order(over, eligible.owner())
                : new Order(name, eligible.owner());
    }

    /** The wildcard one label up that would serve {@code name} ({@code *.b.c} for {@code a.b.c}), or null. */
    static String wildcardOver(String name) {
        int dot = name.indexOf('.');
        String parent = dot > 0 ? name.substring(dot + 1) : null;
        return parent == null || !parent.contains(".") || name.startsWith("*.") ? null : "*." + parent;
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
