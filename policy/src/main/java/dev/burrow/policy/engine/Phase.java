package dev.burrow.policy.engine;

/** The three phases of a policy document, by the names the document uses. */
public enum Phase {
    CONNECT("on_tcp_connect"),
    REQUEST("on_http_request"),
    RESPONSE("on_http_response");

    private final String key;

    Phase(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static Phase byKey(String key) {
        for (Phase phase : values()) {
            if (phase.key.equals(key)) {
                return phase;
            }
        }
        return null;
    }
}
