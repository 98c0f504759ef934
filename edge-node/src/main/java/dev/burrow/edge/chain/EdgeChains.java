package dev.burrow.edge.chain;

import dev.burrow.edge.config.ProxyProtocolSettings;
import dev.burrow.edge.identity.IdentityKeyRing;
import dev.burrow.edge.registry.Endpoint;

import java.time.Clock;
import java.util.List;

/**
 * The edge's module chains, in order: the one place to add a module (docs/architecture.md). Operator modules come
 * first; the endpoint's own traffic policy runs last in each phase, so it sees what the operator's modules made and
 * cannot undo them.
 */
public final class EdgeChains {
    private EdgeChains() {
    }

    public static Chains standard(ProxyProtocolSettings proxyProtocol, RequestQuota tenantQuota, EndpointPolicies policies) {
        return standard(proxyProtocol, tenantQuota, new PolicyLayers(OperatorPolicies.NONE, policies, PolicyDecisions.unobserved()),
                new IdentityAssertions(IdentityKeyRing.ephemeral(), "https://burrow.invalid", Endpoint::address, Clock.systemUTC()));
    }

    /**
     * Visitor-sent identity headers go before any policy reads the request; the edge's own are added after the last
     * policy, which may have proven who the visitor is. The key set is answered first, whatever the policies say.
     */
    public static Chains standard(ProxyProtocolSettings proxyProtocol, RequestQuota tenantQuota, PolicyLayers policies,
                                  IdentityAssertions identity) {
        TrafficPolicyModule endpointPolicy = new TrafficPolicyModule(policies);
        HopByHopModule hopByHop = new HopByHopModule();
        IdentityAssertionModule assertion = new IdentityAssertionModule(identity);
        return new Chains(
                List.of(new ProxyTrustModule(proxyProtocol), endpointPolicy),
                List.of(new IdentityKeysModule(identity), new TenantRateLimitModule(tenantQuota), hopByHop,
                        new ForwardedHeadersModule(), new IdentityHeaders(), endpointPolicy, assertion),
                List.of(hopByHop, endpointPolicy),
                List.of(endpointPolicy, assertion),
                policies);
    }
}
