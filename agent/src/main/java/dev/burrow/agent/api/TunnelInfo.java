package dev.burrow.agent.api;

import io.vertx.core.json.JsonObject;

/**
 * One tunnel as the agent API lists it (ngrok's shape). {@code addr} is the upstream URL; {@code metrics}, when
 * present (UDP endpoints), is listed under {@code metrics.udp}.
 */
public record TunnelInfo(String name, String publicUrl, String proto, String addr, boolean inspect, JsonObject metrics) {

    public TunnelInfo(String name, String publicUrl, String proto, String addr) {
        this(name, publicUrl, proto, addr, false);
    }

    public TunnelInfo(String name, String publicUrl, String proto, String addr, boolean inspect) {
        this(name, publicUrl, proto, addr, inspect, null);
    }

    /** As {@code /api/endpoints} shows it: ngrok's newer shape, the URL and the upstream's. */
    JsonObject toEndpointJson() {
        return new JsonObject()
                .put("name", name)
                .put("uri", "/api/endpoints/" + name.replace(" ", "%20"))
                .put("url", publicUrl)
                .put("proto", proto)
                .put("upstream", new JsonObject().put("url", addr));
    }

    JsonObject toJson() {
        JsonObject json = new JsonObject()
                .put("name", name)
                .put("uri", "/api/tunnels/" + name.replace(" ", "%20"))
                .put("public_url", publicUrl)
                .put("proto", proto)
                .put("config", new JsonObject().put("addr", addr).put("inspect", inspect));
        return metrics == null ? json : json.put("metrics", new JsonObject().put("udp", metrics));
    }
}
