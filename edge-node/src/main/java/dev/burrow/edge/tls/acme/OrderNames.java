package dev.burrow.edge.tls.acme;

import dev.burrow.edge.registry.Hostnames;

/**
 * Which certificate a name is ordered as. With a DNS hook, every name one label under the edge's domain is covered by
 * one wildcard, {@code *.DOMAIN}, validated over DNS-01 and counted for the operator (it serves every tenant's
 * endpoint under the domain), so a thousand endpoints are one order, not a thousand. A name one label under a
 * tenant's reserved wildcard ({@code web.team.example.com} under {@code *.team.example.com}) is covered by that
 * wildcard, counted for the tenant. Any other name (a custom domain, a name deeper under a wildcard) is ordered as
 * itself. Without a hook, or with a one-label domain such as {@code localhost} (no CA issues {@code *.localhost}),
 * every name is ordered as itself.
 * <p>
 * With a delegation zone, a name outside the edge's domain (a custom domain) is validated over DNS-01 at a record the
 * hook can publish, {@code NAME.ZONE.}, which the name's owner made {@code _acme-challenge.NAME} point at by CNAME.
 */
final class OrderNames {
    /** The owner counted for the edge's own wildcard: never a tenant, never capped by {@code --acme-max-per-tenant}. */
    static final String OPERATOR = "operator";

    /** The certificate to order for a name: its name (as stored and locked) and whose cap it counts against. */
    record Order(String name, String owner) {
    }

    private final boolean dnsHook;
    private final String edgeDomain;
    private final String domain;
    private final String wildcard;
    private final String delegationZone;

    OrderNames(String edgeDomain, boolean dnsHook) {
        this(edgeDomain, dnsHook, null);
    }

    /** @param delegationZone where the hook publishes the challenges of names outside the edge's domain, or null */
    OrderNames(String edgeDomain, boolean dnsHook, String delegationZone) {
        String normalized = edgeDomain == null ? null : Hostnames.normalize(edgeDomain);
        this.dnsHook = dnsHook;
        this.edgeDomain = normalized;
        this.domain = dnsHook && normalized != null && normalized.contains(".") ? normalized : null;
        this.wildcard = domain == null ? null : "*." + domain;
        this.delegationZone = dnsHook ? delegationZone : null;
    }

    /**
     * The fully qualified TXT record where the challenge of {@code orderName} is published when its owner delegated it
     * ({@code shop.customer.com.acme-delegate.example.com.}), or null: validated as usual.
     */
    String delegatedRecord(String orderName) {
        if (delegationZone == null || orderName.startsWith("*.")
                || (edgeDomain != null && (orderName.equals(edgeDomain) || orderName.endsWith("." + edgeDomain)))) {
            return null;
        }
        return orderName + "." + delegationZone + ".";
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
        return dnsHook && over != null && over.equals(eligible.wildcard()) ? new Order(over, eligible.owner())
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
