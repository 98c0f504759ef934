package dev.burrow.policy.actions.login;

import dev.burrow.policy.VisitorIdentity;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/**
 * A logged-in visitor, sealed in the session cookie: who ({@link VisitorIdentity}), when the login happened (for
 * {@code max_session_duration}), when the visitor was last seen (for {@code idle_session_timeout}), and the
 * {@link LoginSettings#binding} of the action that logged the visitor in (only that action accepts the session).
 */
record VisitorSession(VisitorIdentity identity, String binding, long loggedInEpochSecond, long seenEpochSecond) {

    VisitorSession seenAt(long epochSecond) {
        return new VisitorSession(identity, binding, loggedInEpochSecond, epochSecond);
    }

    String encode() {
        return new JsonObject().put("p", identity.provider()).put("sub", identity.subject()).put("email", identity.email())
                .put("name", identity.name()).put("iss", identity.issuer()).put("b", binding).put("li", loggedInEpochSecond)
                .put("seen", seenEpochSecond).encode();
    }

    static VisitorSession decode(String text) {
        try {
            JsonObject json = new JsonObject(text);
            String subject = json.getString("sub");
            Long loggedIn = json.getLong("li");
            Long seen = json.getLong("seen");
            if (subject == null || loggedIn == null || seen == null) {
                return null;
            }
            return new VisitorSession(new VisitorIdentity(json.getString("p", ""), subject, json.getString("email"),
                    json.getString("name"), json.getString("iss", "")), json.getString("b", ""), loggedIn, seen);
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }
}
