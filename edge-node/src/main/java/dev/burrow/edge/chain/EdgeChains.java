package dev.burrow.edge.chain;

import dev.burrow.edge.config.ProxyProtocolSettings;

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
        return standard(proxyProtocol, tenantQuota, new PolicyLayers(OperatorPolicies.NONE, policies, PolicyDecisions.unobserved()));
    }

    public static Chains standard(ProxyProtocolSettings proxyProtocol, RequestQuota tenantQuota, PolicyLayers policies) {
        TrafficPolicyModule endpointPolicy = new TrafficPolicyModule(policies);
        HopByHopModule hopByHop = new HopByHopModule();
        return new Chains(
                List.of(new ProxyTrustModule(proxyProtocol), endpointPolicy),
                List.of(new TenantRateLimitModule(tenantQuota), hopByHop, new ForwardedHeadersModule(), endpointPolicy),
                List.of(hopByHop, endpointPolicy),
                List.of(endpointPolicy));
    }
}
