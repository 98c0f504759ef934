package dev.burrow.agent.api;

import io.vertx.core.json.JsonObject;

/**
 * The body of {@code PUT /api/endpoints/:name} (and {@code /api/tunnels/:name}): {@code traffic_policy}, as ngrok's API
 * carries it, either the document's text (YAML or JSON) or the policy as a JSON object; null or absent removes it.
 */
final class PolicyUpdateRequest {
    static final String KEY = "traffic_policy";

    private PolicyUpdateRequest() {
    }

    /** The document to send to the edge, or null for none; {@link TunnelRequest.Refused} (400) for another body. */
    static String document(JsonObject body) {
        if (body == null) {
            throw bad();
        }
        for (String key : body.fieldNames()) {
            if (!key.equals(KEY)) {
                throw new TunnelRequest.Refused(400, "unsupported setting \"" + key + "\": only \"" + KEY
                        + "\" can change on a running endpoint");
            }
        }
        Object value = body.getValue(KEY);
        if (value == null) {
            return null;
        }
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof JsonObject object) {
            return object.encode();
        }
        throw bad();
    }

    private static TunnelRequest.Refused bad() {
        return new TunnelRequest.Refused(400, "the body must be a JSON object such as {\"" + KEY
                + "\": \"on_http_request: ...\"} (the document as text, or as a JSON object)");
    }
}
