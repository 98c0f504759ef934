package dev.burrow.edge.tls.acme;

import dev.burrow.edge.registry.Hostnames;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * How the CA validates a certificate's name, decided for each order and each renewal. The operator's hooks can publish
 * only in the operator's zones: the edge's domain, the zones of {@code --acme-dns-zone-hook} and the delegation zone.
 * <ul>
 *   <li>A wildcard {@code *.BASE} with {@code BASE} in one of them: DNS-01 at {@code _acme-challenge.BASE.}, through the
 *   hook of that record ({@link DnsHooks}).</li>
 *   <li>Any other name whose owner pointed {@code _acme-challenge.NAME} by CNAME at {@code NAME.ZONE} (the delegation
 *   zone; checked by a DNS lookup each time): DNS-01 at {@code NAME.ZONE.}, which the CA reaches through the CNAME.</li>
 *   <li>Any other plain name: HTTP-01 or TLS-ALPN-01, as configured, whatever challenge issued its certificate
 *   before.</li>
 *   <li>Any other wildcard cannot be validated: {@link NoRoute}, so that its names are ordered each as itself.</li>
 * </ul>
 */
final class ChallengeRoutes {
    private static final String CHALLENGE_LABEL = "_acme-challenge.";

    /**
     * How an order is validated: DNS-01 through {@code hook} at the fully qualified {@code txtRecord}, or, for
     * {@link #AS_CONFIGURED}, the challenge of {@code --acme-challenge}.
     */
    record Route(TxtRecordHook hook, String txtRecord) {
        static final Route AS_CONFIGURED = new Route(null, null);

        boolean dns() {
            return hook != null;
        }
    }

    /** A wildcard that no hook may publish for: its names are ordered each as itself. */
    static final class NoRoute extends Exception {
        NoRoute(String message) {
            super(message, null, false, false);
        }
    }

    private final String edgeDomain;
    private final DnsHooks hooks;
    private final String delegationZone;
    private final Function<String, Future<String>> cnameOf;

    /**
     * @param delegationZone where delegated challenges are published, or null
     * @param cnameOf        the normalized target of a name's CNAME, or null when it has none
     */
    ChallengeRoutes(String edgeDomain, DnsHooks hooks, String delegationZone, Function<String, Future<String>> cnameOf) {
        this.edgeDomain = Hostnames.normalize(edgeDomain);
        this.hooks = hooks;
        this.delegationZone = delegationZone;
        this.cnameOf = cnameOf;
    }

    /** How {@code orderName} (a name, or a wildcard {@code *.BASE}) is validated; fails with {@link NoRoute} or a lookup's error. */
    Future<Route> of(String orderName) {
        boolean wildcard = orderName.startsWith("*.");
        String base = wildcard ? orderName.substring(2) : orderName;
        if (operatorZone(base)) {
            TxtRecordHook hook = hooks.forRecord(CHALLENGE_LABEL + base);
            if (!wildcard || hook != null) {
                return Future.succeededFuture(wildcard ? new Route(hook, CHALLENGE_LABEL + base + ".") : Route.AS_CONFIGURED);
            }
            return Future.failedFuture(new NoRoute("no DNS hook publishes " + CHALLENGE_LABEL + base
                    + " (give one with --acme-dns-zone-hook)"));
        }
        if (delegationZone == null) {
            return wildcard ? Future.failedFuture(new NoRoute(outside(base) + "; its owner can delegate " + CHALLENGE_LABEL + base
                    + " by CNAME to the operator's zone once --acme-dns-delegation-zone is set")) : Future.succeededFuture(Route.AS_CONFIGURED);
        }
        String delegated = base + "." + delegationZone;
        return cnameOf.apply(CHALLENGE_LABEL + base).compose(target -> {
            if (delegated.equals(target)) {
                return Future.succeededFuture(new Route(hooks.forRecord(delegated), delegated + "."));
            }
            if (target != null && (target.equals(delegationZone) || Hostnames.isUnder(target, delegationZone))) {
                return Future.failedFuture(new IllegalStateException(CHALLENGE_LABEL + base + " points by CNAME at " + target
                        + ", not at " + delegated + "; its owner should point it there"));
            }
            return wildcard ? Future.failedFuture(new NoRoute(outside(base) + " and " + CHALLENGE_LABEL + base
                    + (target == null ? " is not a CNAME" : " points at " + target + ", not") + " to " + delegated))
                    : Future.succeededFuture(Route.AS_CONFIGURED);
        });
    }

    private String outside(String base) {
        return base + " is in no zone the DNS hooks publish in (" + String.join(", ", operatorZones()) + ")";
    }

    /** The edge's domain, the zone hooks' zones and the delegation zone: where the operator's hooks may publish. */
    private List<String> operatorZones() {
        List<String> zones = new ArrayList<>();
        if (edgeDomain != null) {
            zones.add(edgeDomain);
        }
        zones.addAll(hooks.zones());
        if (delegationZone != null) {
            zones.add(delegationZone);
        }
        return zones;
    }

    private boolean operatorZone(String name) {
        return operatorZones().stream().anyMatch(zone -> name.equals(zone) || Hostnames.isUnder(name, zone));
    }
}
