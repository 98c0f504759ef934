package dev.burrow.edge.registry;

import java.net.IDN;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.regex.Pattern;

/** Hostname rules in one place: normalization before any lookup or check, validation, random names. */
public final class Hostnames {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final String NAME_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    /** Length of generated endpoint names. */
    public static final int RANDOM_NAME_LENGTH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Hostnames() {
    }

    /**
     * Lowercases, strips a {@code :port} suffix, brackets of an IPv6 literal and a trailing dot. Returns null for a
     * null or empty input. {@code "App.Localhost.:8080"} becomes {@code "app.localhost"}.
     */
    public static String normalize(String host) {
        if (host == null) {
            return null;
        }
        String value = host.trim().toLowerCase(Locale.ROOT);
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            value = close > 0 ? value.substring(1, close) : value.substring(1);
        } else {
            int colon = value.indexOf(':');
            if (colon >= 0 && value.indexOf(':', colon + 1) < 0) {
                value = value.substring(0, colon);
            }
        }
        value = toAscii(value);
        while (value.endsWith(".")) {
            value = value.substring(0, value.length() - 1);
        }
        return value.isEmpty() ? null : value;
    }

    /**
     * IDNA to ASCII when the name has non-ASCII characters: compatibility forms fold (fullwidth {@code ｂ} is
     * {@code b}, the ideographic full stop is a dot) and other scripts become {@code xn--} labels. A name IDNA
     * refuses is left as is (it then fails validation).
     */
    private static String toAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0x7f) {
                try {
                    return IDN.toASCII(value, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
                } catch (IllegalArgumentException e) {
                    return value;
                }
            }
        }
        return value;
    }

    /** Whether {@code host} is strictly under {@code suffix} on a label boundary: {@code a.b.c} is under {@code b.c}; {@code xb.c} is not. */
    public static boolean isUnder(String host, String suffix) {
        return host != null && suffix != null && host.length() > suffix.length() + 1 && host.endsWith("." + suffix);
    }

    /** The names a wildcard could cover {@code host} with, closest first: {@code a.b.c} gives {@code [b.c, c]}. */
    public static java.util.List<String> wildcardAncestors(String host) {
        java.util.List<String> ancestors = new java.util.ArrayList<>();
        int dot = host.indexOf('.');
        while (dot >= 0 && dot + 1 < host.length()) {
            ancestors.add(host.substring(dot + 1));
            dot = host.indexOf('.', dot + 1);
        }
        return ancestors;
    }

    /** Whether a normalized name is a syntactically valid DNS hostname (labels of a-z, 0-9 and inner '-'). */
    public static boolean isValidHostname(String host) {
        if (host == null || host.isEmpty() || host.length() > 253) {
            return false;
        }
        for (String label : host.split("\\.", -1)) {
            if (!isValidLabel(label)) {
                return false;
            }
        }
        return true;
    }

    /** Whether a single DNS label is valid (what a subdomain must be). */
    public static boolean isValidLabel(String label) {
        return label != null && LABEL.matcher(label).matches();
    }

    /** Whether {@code host} is exactly one label under {@code domain}, for example {@code app.localhost}. */
    public static boolean isDirectSubdomain(String host, String domain) {
        if (host == null || !host.endsWith("." + domain)) {
            return false;
        }
        return isValidLabel(host.substring(0, host.length() - domain.length() - 1));
    }

    /** A random endpoint name: {@value #RANDOM_NAME_LENGTH} lowercase letters and digits. */
    public static String randomName() {
        char[] name = new char[RANDOM_NAME_LENGTH];
        for (int i = 0; i < name.length; i++) {
            name[i] = NAME_ALPHABET.charAt(RANDOM.nextInt(NAME_ALPHABET.length()));
        }
        return new String(name);
    }
}
