package dev.burrow.k8s;

/**
 * What a {@link BurrowEndpoint} asks for: the public {@code url} ({@code http://name}, {@code https://name} or
 * {@code tcp://} with an optional port), the {@code upstream} Service port ({@code service:port}, by number or name),
 * an optional traffic policy (a YAML or JSON string, or the policy written inline as an object) and pooling.
 */
public class BurrowEndpointSpec {
    private String url;
    private String upstream;
    /** A YAML or JSON document as a String, or the policy written inline (maps and lists). */
    private Object trafficPolicy;
    private Boolean pooling;

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
