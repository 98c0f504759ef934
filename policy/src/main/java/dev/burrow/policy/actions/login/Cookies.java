package dev.burrow.policy.actions.login;

import dev.burrow.policy.PolicyRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reading the request's Cookie headers and writing the edge's own Set-Cookie values. */
final class Cookies {
    private Cookies() {
    }

    /** The first value of cookie {@code name} in any Cookie header, or null. */
    static String value(PolicyRequest request, String name) {
        for (Map.Entry<String, String> header : request.headers()) {
            if (header.getKey().equalsIgnoreCase("cookie")) {
                for (String pair : header.getValue().split(";")) {
                    int equals = pair.indexOf('=');
                    if (equals > 0 && pair.substring(0, equals).strip().equals(name)) {
                        return pair.substring(equals + 1).strip();
                    }
                }
            }
        }
        return null;
    }

    /** Removes the cookies named {@code names} from the request, so the upstream never sees the edge's own. */
    static void remove(PolicyRequest request, String... names) {
        List<String> kept = new ArrayList<>();
        boolean found = false;
        for (Map.Entry<String, String> header : request.headers()) {
            if (!header.getKey().equalsIgnoreCase("cookie")) {
                continue;
            }
            for (String pair : header.getValue().split(";")) {
                int equals = pair.indexOf('=');
                String name = equals > 0 ? pair.substring(0, equals).strip() : pair.strip();
                if (List.of(names).contains(name)) {
                    found = true;
                } else if (!pair.isBlank()) {
                    kept.add(pair.strip());
                }
            }
        }
        if (found) {
            request.removeHeader("cookie");
            if (!kept.isEmpty()) {
                request.addHeader("Cookie", String.join("; ", kept));
            }
        }
    }

    /**
     * A cookie for this endpoint only (no Domain), every path, hidden from scripts, sent on top-level navigations from
     * the provider back to the callback (Lax), and Secure on HTTPS. {@code maxAgeSeconds} 0 deletes it.
     */
    static String set(String name, String value, long maxAgeSeconds, boolean secure) {
        return name + "=" + value + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }
}
