package dev.burrow.k8s;

/**
 * What a {@link BurrowEndpoint} asks for: the public {@code url} ({@code http://name}, {@code https://name} or
 * {@code tcp://} with an optional port), the {@code upstream} Service port ({@code service:port}, by number or name),
 * an optional traffic policy (a YAML or JSON string, the policy written inline as an object, or a reference to a key of
 * a ConfigMap in the same namespace), pooling (the controller pools every endpoint, so this changes nothing) and
 * bindings.
 */
public class BurrowEndpointSpec {
    /** A key of a ConfigMap in the BurrowEndpoint's namespace whose value is the traffic policy document. */
    public static class PolicyRef {
        private String name;
        private String key;

        public String getName() {
            return name;
        }

        public void setName(String name) {
            this.name = name;
        }

        public String getKey() {
            return key;
        }

        public void setKey(String key) {
            this.key = key;
        }
    }

    private String url;
    private String upstream;
    /** A YAML or JSON document as a String, or the policy written inline (maps and lists). */
    private Object trafficPolicy;
    private PolicyRef trafficPolicyRef;
    private Boolean pooling;
    /** ngrok's bindings: {@code [public]} (the default) or {@code [internal]} (a name ending in .internal). */
    private java.util.List<String> bindings;

    public java.util.List<String> getBindings() {
        return bindings;
    }

    public void setBindings(java.util.List<String> bindings) {
        this.bindings = bindings;
    }

    public PolicyRef getTrafficPolicyRef() {
        return trafficPolicyRef;
    }

    public void setTrafficPolicyRef(PolicyRef trafficPolicyRef) {
        this.trafficPolicyRef = trafficPolicyRef;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getUpstream() {
        return upstream;
    }

    public void setUpstream(String upstream) {
        this.upstream = upstream;
    }

    public Object getTrafficPolicy() {
        return trafficPolicy;
    }

    public void setTrafficPolicy(Object trafficPolicy) {
        this.trafficPolicy = trafficPolicy;
    }

    public Boolean getPooling() {
        return pooling;
    }

    public void setPooling(Boolean pooling) {
        this.pooling = pooling;
    }
}
