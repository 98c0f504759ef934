package dev.burrow.policy.actions.login;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A login in progress, sealed in the login cookie between the redirect to the provider and the callback: the
 * {@code state} the callback must echo, the OpenID {@code nonce} the id_token must carry, the PKCE verifier, where the
 * visitor was going (a path on this endpoint, never another site) and when the login started.
 */
record LoginState(String state, String nonce, String verifier, String returnTo, long startedEpochSecond) {

    String encode() {
        return new JsonObject().put("s", state).put("n", nonce).put("v", verifier).put("r", returnTo)
                .put("t", startedEpochSecond).encode();
    }

    /** Null when {@code text} is not one (it was sealed by us, so only a bug makes it so). */
    static LoginState decode(String text) {
        try {
            JsonObject json = new JsonObject(text);
            String state = json.getString("s");
            String verifier = json.getString("v");
            String returnTo = json.getString("r");
            Long started = json.getLong("t");
            if (state == null || verifier == null || returnTo == null || started == null) {
                return null;
            }
            return new LoginState(state, json.getString("n", ""), verifier, returnTo, started);
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }
}
