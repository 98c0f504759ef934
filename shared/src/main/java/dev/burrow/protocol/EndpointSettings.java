package dev.burrow.protocol;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

/**
 * What an agent asks of an endpoint beyond its address, as one typed value: carried in {@link ControlMessage.Bind},
 * stored in the cluster's registry record, and read by every node that serves the endpoint. On the wire it travels in
 * the bind's {@code options} map (the keys below), so edges and agents that predate a field ignore it.
 *
 * @param pooling       serve the same address from several sessions of the same owner (endpoint pooling)
 * @param trafficPolicy the endpoint's traffic policy document (ngrok Traffic Policy, YAML or JSON), or null for none
 * @param mutualTlsCas  PEM certificates of the CAs whose client certificates the edge accepts (mutual TLS on an HTTPS
 *                      endpoint), or null: no client certificate is asked for
 * @param mutualTlsCrls PEM text of CRLs of those CAs (a revoked client certificate is refused), or null: none
 */
public record EndpointSettings(boolean pooling, String trafficPolicy, String mutualTlsCas, String mutualTlsCrls)
        implements Serializable {
    public static final EndpointSettings DEFAULTS = new EndpointSettings(false, null, null, null);
    static final String POOLING = "pooling";
    static final String TRAFFIC_POLICY = "traffic_policy";
    static final String MUTUAL_TLS_CAS = "mutual_tls_cas";
    static final String MUTUAL_TLS_CRLS = "mutual_tls_crls";

    public EndpointSettings {
        trafficPolicy = trafficPolicy == null || trafficPolicy.isBlank() ? null : trafficPolicy;
        mutualTlsCas = mutualTlsCas == null || mutualTlsCas.isBlank() ? null : mutualTlsCas;
        mutualTlsCrls = mutualTlsCrls == null || mutualTlsCrls.isBlank() ? null : mutualTlsCrls;
    }

    public EndpointSettings(boolean pooling, String trafficPolicy, String mutualTlsCas) {
        this(pooling, trafficPolicy, mutualTlsCas, null);
    }

    public EndpointSettings(boolean pooling, String trafficPolicy) {
        this(pooling, trafficPolicy, null, null);
    }

    public boolean hasMutualTls() {
        return mutualTlsCas != null;
    }

    /** What {@code mutual_tls_cas} (and its {@code mutual_tls_crls}) ask of visitors (require and verify), or null without it. */
    public ClientCertificates clientCertificates() {
        return mutualTlsCas == null ? null
                : new ClientCertificates(mutualTlsCas, ClientCertificates.Verification.REQUIRE_AND_VERIFY, mutualTlsCrls);
    }

    public EndpointSettings withMutualTlsCas(String pem) {
        return new EndpointSettings(pooling, trafficPolicy, pem, mutualTlsCrls);
    }

    public EndpointSettings withMutualTlsCrls(String pem) {
        return new EndpointSettings(pooling, trafficPolicy, mutualTlsCas, pem);
    }

    public boolean hasTrafficPolicy() {
        return trafficPolicy != null;
    }

    public EndpointSettings withPooling(boolean on) {
        return new EndpointSettings(on, trafficPolicy, mutualTlsCas, mutualTlsCrls);
    }

    public EndpointSettings withTrafficPolicy(String document) {
        return new EndpointSettings(pooling, document, mutualTlsCas, mutualTlsCrls);
    }

    /** The bind's {@code options} map; absent keys mean the defaults. */
    public static EndpointSettings fromOptions(Map<String, String> options) {
        if (options == null || options.isEmpty()) {
            return DEFAULTS;
        }
        return new EndpointSettings("true".equalsIgnoreCase(options.get(POOLING)), options.get(TRAFFIC_POLICY),
                options.get(MUTUAL_TLS_CAS), options.get(MUTUAL_TLS_CRLS));
    }

    /** As the bind's {@code options} map: only what differs from the defaults. */
    public Map<String, String> toOptions() {
        Map<String, String> options = new HashMap<>(4);
        if (pooling) {
            options.put(POOLING, "true");
        }
        if (trafficPolicy != null) {
            options.put(TRAFFIC_POLICY, trafficPolicy);
        }
        if (mutualTlsCas != null) {
            options.put(MUTUAL_TLS_CAS, mutualTlsCas);
        }
        if (mutualTlsCrls != null) {
            options.put(MUTUAL_TLS_CRLS, mutualTlsCrls);
        }
        return options;
    }
}
