package dev.burrow.policy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The URL of an internal endpoint: {@code http[s]://NAME.internal[:PORT]}, nothing after the authority. */
public final class InternalUrl {
    public static final String PROBLEM = "an internal endpoint's url is https://NAME.internal (or http://), with no path";

    private InternalUrl() {
    }

    /** Whether a normalized hostname names an internal endpoint (which only forward-internal reaches). */
    public static boolean isInternalHostname(String hostname) {
        return dev.burrow.protocol.Bindings.isInternalHostname(hostname);
    }

    /** The lower-cased internal hostname of {@code url}, or null when it is not an internal endpoint's url. */
    public static String hostOf(String url) {
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
            boolean bare = (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
                    && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null;
            return (scheme.equals("https") || scheme.equals("http")) && bare && isInternalHostname(host) ? host : null;
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
