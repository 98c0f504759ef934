package dev.burrow.edge.chain;

import dev.burrow.policy.Verdict;
import io.vertx.core.Future;

import java.util.List;
import java.util.Map;

/**
 * The headers in which the edge tells the upstream who the visitor is, and the module that removes every header a
 * visitor sent under their names before anything else reads the request: every name that starts with
 * {@code Burrow-Auth-} in any case, also when written with underscores ({@code Burrow_Auth_User_Email}), since CGI,
 * PHP, WSGI and Rack upstreams read {@code _} and {@code -} alike. It runs on every request, with or without identity.
 */
public final class IdentityHeaders implements RequestModule {
    public static final String PREFIX = "Burrow-Auth-";
    /** The edge's signed assertion: a JWT the upstream verifies against the edge's key set. */
    public static final String ASSERTION = "Burrow-Auth-Assertion";
    public static final String PROVIDER = "Burrow-Auth-Provider";
    public static final String USER_ID = "Burrow-Auth-User-Id";
    public static final String USER_EMAIL = "Burrow-Auth-User-Email";
    public static final String USER_NAME = "Burrow-Auth-User-Name";

    @Override
    public Future<Verdict> onRequest(Exchange exchange) {
        strip(exchange.forwardHeaders());
        return Chains.PROCEED;
    }

    /** Removes every header under the reserved prefix (in place). */
    static void strip(List<Map.Entry<String, String>> headers) {
        headers.removeIf(header -> reserved(header.getKey()));
    }

    static boolean reserved(String name) {
        if (name.length() < PREFIX.length()) {
            return false;
        }
        for (int i = 0; i < PREFIX.length(); i++) {
            char c = name.charAt(i);
            char expected = PREFIX.charAt(i);
            boolean same = expected == '-' ? c == '-' || c == '_' : Character.toLowerCase(c) == Character.toLowerCase(expected);
            if (!same) {
                return false;
            }
        }
        return true;
    }
}
