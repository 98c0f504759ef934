package dev.burrow.protocol;

import java.util.Locale;

/**
 * ngrok's endpoint bindings: {@code public} (reachable from the public listeners) and {@code internal} (reached only
 * by a {@code forward-internal} of the same account). The hostname says which: an internal endpoint's name ends in
 * {@code .internal} (as on ngrok, ERR_NGROK_9029), so the edge needs no extra field to keep it off the public side.
 */
public final class Bindings {
    public static final String PUBLIC = "public";
    public static final String INTERNAL = "internal";
    public static final String INTERNAL_SUFFIX = ".internal";

    private Bindings() {
    }

    /** Whether a (normalized) hostname names an internal endpoint. */
    public static boolean isInternalHostname(String hostname) {
        return hostname != null && hostname.length() > INTERNAL_SUFFIX.length()
                && hostname.toLowerCase(Locale.ROOT).endsWith(INTERNAL_SUFFIX);
    }

    /**
     * Checks a binding asked for an endpoint against its hostname (null: none given); returns a sentence for the
     * user when they disagree, else null. No binding means whatever the hostname says.
     */
    public static String mismatch(String binding, String hostname) {
        if (binding == null) {
            return null;
        }
        boolean internal = isInternalHostname(hostname);
        return switch (binding.trim().toLowerCase(Locale.ROOT)) {
            case INTERNAL -> internal ? null : "an endpoint with the internal binding needs a url that ends in .internal, "
                    + "such as https://api.internal" + (hostname == null ? "" : " (not " + hostname + ")");
            case PUBLIC -> internal ? "a url that ends in .internal (" + hostname + ") is internal; "
                    + "use binding internal or another name" : null;
            default -> "unknown binding \"" + binding + "\": use public or internal";
        };
    }
}
