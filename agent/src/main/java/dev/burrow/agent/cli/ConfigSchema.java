package dev.burrow.agent.cli;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The keys a config file may have, each with its check. A check throws {@link IllegalArgumentException} with the
 * fix in its sentence; the loader adds file and line.
 */
final class ConfigSchema {
    static final int VERSION = 1;
    static final Set<String> TOP_LEVEL = Set.of("version", "agent", "endpoints");
    static final Set<String> LOG_LEVELS = Set.of("debug", "info", "warn", "error");
    static final Set<String> LOG_FORMATS = Set.of("term", "logfmt", "json");
    static final Set<String> UPSTREAM_PROTOCOLS = Set.of("http1", "http2");

    /** agent: key → check of its text. */
    static final Map<String, Consumer<String>> AGENT = Map.ofEntries(
            Map.entry("authtoken", v -> { }),
            Map.entry("server_addr", CommonOptions::servers),
            Map.entry("region", CommonOptions::regionName),
            Map.entry("regions", v -> { }), // a mapping, read by ConfigFile itself
            Map.entry("edge_ca", v -> { }),
            Map.entry("web_addr", v -> WebAddress.parse(v, true)),
            Map.entry("log", v -> { }),
            Map.entry("log_level", v -> oneOf(v, LOG_LEVELS)),
            Map.entry("log_format", v -> oneOf(v, LOG_FORMATS)),
            Map.entry("heartbeat_interval", v -> Durations.parse(v, "duration")),
            Map.entry("heartbeat_tolerance", v -> Durations.parse(v, "duration")),
            Map.entry("response_timeout", v -> Durations.parse(v, "duration")),
            Map.entry("links", CommonOptions::linkCount),
            Map.entry("pooling", v -> bool(v)),
            Map.entry("inspect", v -> bool(v)),
            Map.entry("inspect_buffer_size", v -> count(v, 0, 100_000)),
            Map.entry("inspect_body_bytes", v -> ByteSizes.parse(v)));

    static final Set<String> ENDPOINT = Set.of("name", "url", "upstream", "pooling", "inspect", "traffic_policy", "bindings",
            "mutual_tls_cas", "mutual_tls_crls", "crt", "key");
    static final Set<String> UPSTREAM = Set.of("url", "protocol", "tls_verify", "tls_verify_cas");

    private ConfigSchema() {
    }

    static void oneOf(String value, Set<String> allowed) {
        if (!allowed.contains(value.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("\"" + value + "\" is not one of " + String.join(", ", List.copyOf(new java.util.TreeSet<>(allowed))));
        }
    }

    static boolean bool(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new IllegalArgumentException("\"" + value + "\" is not true or false");
        };
    }

    static int count(String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("\"" + value + "\" is not a whole number from " + min + " to " + max);
    }

    /** The closest known key within two edits, for "did you mean …?". */
    static String suggestion(String unknown, Set<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int d = distance(unknown.toLowerCase(Locale.ROOT), candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
