package dev.burrow.edge.tenancy;

import dev.burrow.edge.registry.Hostnames;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Token ACLs. A token without scopes may bind whatever its tenant may; with scopes, only what one of them allows:
 * {@code bind:app.example.com} (that hostname), {@code bind:*.acme.example.com} (names under it, on a label
 * boundary), {@code bind:tcp:20022} (that port), {@code bind:tcp:*} (any TCP port), {@code bind:udp:20053} and
 * {@code bind:udp:*} (the same for UDP), {@code bind:*} (anything).
 */
public final class Scopes {
    public static final String BIND = "bind:";

    private Scopes() {
    }

    /** Normalized scopes (hostnames lowercased, IDN to ASCII); IllegalArgumentException naming a bad one. */
    public static List<String> validate(List<String> scopes) {
        List<String> valid = new ArrayList<>();
        if (scopes == null) {
            return valid;
        }
        for (String scope : scopes) {
            String s = scope == null ? "" : scope.trim();
            if (!s.toLowerCase(Locale.ROOT).startsWith(BIND)) {
                throw new IllegalArgumentException("scope \"" + scope + "\" is not known; use bind:HOST, bind:*.DOMAIN, bind:tcp:PORT,"
                        + " bind:tcp:*, bind:udp:PORT or bind:udp:*");
            }
            String target = s.substring(BIND.length()).trim();
            String lower = target.toLowerCase(Locale.ROOT);
            if (target.equals("*") || lower.equals("tcp:*") || lower.equals("udp:*")) {
                valid.add(BIND + lower);
            } else if (lower.startsWith("tcp:") || lower.startsWith("udp:")) {
                String protocol = lower.substring(0, 3);
                try {
                    int port = Integer.parseInt(target.substring(4));
                    if (port < 1 || port > 65_535) {
                        throw new NumberFormatException();
                    }
                    valid.add(BIND + protocol + ":" + port);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("scope \"" + scope + "\" has no valid port; use bind:" + protocol + ":PORT");
                }
            } else {
                boolean wildcard = target.startsWith("*.");
                String host = Hostnames.normalize(wildcard ? target.substring(2) : target);
                if (host == null || !Hostnames.isValidHostname(host)) {
                    throw new IllegalArgumentException("scope \"" + scope + "\" has no valid hostname");
                }
                valid.add(BIND + (wildcard ? "*." : "") + host);
            }
        }
        return valid;
    }

    /** Whether the scopes allow binding a normalized hostname. */
    public static boolean allowsHostname(List<String> scopes, String hostname) {
        if (scopes.isEmpty()) {
            return true;
        }
        for (String scope : scopes) {
            String target = scope.substring(BIND.length());
            if (target.equals("*") || target.equals(hostname)
                    || (target.startsWith("*.") && Hostnames.isUnder(hostname, target.substring(2)))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the scopes allow binding a TCP port. */
    public static boolean allowsPort(List<String> scopes, int port) {
        return allowsPort(scopes, "tcp", port);
    }

    /** Whether the scopes allow binding a port of {@code proto} ("tcp" or "udp"); port 0 means a random one. */
    public static boolean allowsPort(List<String> scopes, String proto, int port) {
        if (scopes.isEmpty()) {
            return true;
        }
        for (String scope : scopes) {
            String target = scope.substring(BIND.length());
            if (target.equals("*") || target.equals(proto + ":*") || (port != 0 && target.equals(proto + ":" + port))) {
                return true;
            }
        }
        return false;
    }
}
