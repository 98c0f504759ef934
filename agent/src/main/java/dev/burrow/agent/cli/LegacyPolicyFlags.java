package dev.burrow.agent.cli;

import picocli.CommandLine.Option;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * ngrok's older per-endpoint flags of {@code http}, compiled into traffic-policy rules that run before the
 * {@code --traffic-policy-file}'s own (as ngrok does): each flag is one rule, named after it, so the inspector's trail
 * and {@code burrow policy test} show where a decision came from. Bad values are refused with a sentence
 * (IllegalArgumentException), before anything is sent.
 */
final class LegacyPolicyFlags {
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+");

    @Option(names = "--basic-auth", paramLabel = "USER:PASSWORD",
            description = "Ask visitors for this user and password (HTTP basic auth); repeat for more users.")
    List<String> basicAuth = new ArrayList<>();

    @Option(names = "--cidr-allow", paramLabel = "CIDR", description = "Accept connections only from these addresses (repeatable), e.g. 203.0.113.0/24.")
    List<String> cidrAllow = new ArrayList<>();

    @Option(names = "--cidr-deny", paramLabel = "CIDR", description = "Refuse connections from these addresses (repeatable).")
    List<String> cidrDeny = new ArrayList<>();

    @Option(names = "--compression", arity = "0..1", paramLabel = "true|false", fallbackValue = "true",
            description = "Compress responses (gzip, br, deflate) for clients that accept it.")
    boolean compression;

    @Option(names = "--request-header-add", paramLabel = "'NAME: VALUE'", description = "Add a header to each request (repeatable).")
    List<String> requestHeaderAdd = new ArrayList<>();

    @Option(names = "--request-header-remove", paramLabel = "NAME", description = "Remove a header from each request (repeatable).")
    List<String> requestHeaderRemove = new ArrayList<>();

    @Option(names = "--response-header-add", paramLabel = "'NAME: VALUE'", description = "Add a header to each response (repeatable).")
    List<String> responseHeaderAdd = new ArrayList<>();

    @Option(names = "--response-header-remove", paramLabel = "NAME", description = "Remove a header from each response (repeatable).")
    List<String> responseHeaderRemove = new ArrayList<>();

    @Option(names = "--host-header", paramLabel = "rewrite|VALUE",
            description = "The Host the upstream sees: 'rewrite' for the upstream's own host:port, or a value.")
    String hostHeader;

    @Option(names = "--circuit-breaker", paramLabel = "RATIO",
            description = "Answer 503 for a while once this share (0-1] of the upstream's answers are 5xx errors.")
    String circuitBreaker;

    /** The rules these flags make, for an endpoint forwarding to {@code upstream}. */
    PolicyRules rules(URI upstream) {
        PolicyRules.Builder rules = new PolicyRules.Builder();
        if (!cidrAllow.isEmpty() || !cidrDeny.isEmpty()) {
            Map<String, Object> config = new LinkedHashMap<>();
            if (!cidrAllow.isEmpty()) {
                config.put("allow", cidrs(cidrAllow, "--cidr-allow"));
            }
            if (!cidrDeny.isEmpty()) {
                config.put("deny", cidrs(cidrDeny, "--cidr-deny"));
            }
            rules.rule("on_tcp_connect", "--cidr-allow/--cidr-deny", "restrict-ips", config);
        }
        if (!basicAuth.isEmpty()) {
            rules.rule("on_http_request", "--basic-auth", "basic-auth", Map.of("credentials", credentials(basicAuth)));
        }
        if (circuitBreaker != null) {
            rules.rule("on_http_request", "--circuit-breaker", "circuit-breaker", Map.of("error_threshold", ratio(circuitBreaker)));
        }
        if (!requestHeaderRemove.isEmpty()) {
            rules.rule("on_http_request", "--request-header-remove", "remove-headers",
                    Map.of("headers", names(requestHeaderRemove, "--request-header-remove")));
        }
        for (String header : requestHeaderAdd) {
            rules.rule("on_http_request", "--request-header-add", "add-headers", Map.of("headers", header(header, "--request-header-add")));
        }
        if (hostHeader != null) {
            rules.rule("on_http_request", "--host-header", "add-headers", Map.of("headers", Map.of("host", host(hostHeader, upstream))));
        }
        if (!responseHeaderRemove.isEmpty()) {
            rules.rule("on_http_response", "--response-header-remove", "remove-headers",
                    Map.of("headers", names(responseHeaderRemove, "--response-header-remove")));
        }
        for (String header : responseHeaderAdd) {
            rules.rule("on_http_response", "--response-header-add", "add-headers", Map.of("headers", header(header, "--response-header-add")));
        }
        if (compression) {
            rules.rule("on_http_response", "--compression", "compress-response", null);
        }
        return rules.build();
    }

    private static List<String> cidrs(List<String> values, String flag) {
        List<String> checked = new ArrayList<>();
        for (String value : values) {
            String cidr = value.trim();
            int slash = cidr.indexOf('/');
            String address = slash < 0 ? cidr : cidr.substring(0, slash);
            boolean v6 = address.contains(":");
            int maxPrefix = v6 ? 128 : 32;
            boolean ok = !address.isEmpty() && IP_LITERAL.matcher(address).matches() && isAddress(address)
                    && (slash < 0 || prefixWithin(cidr.substring(slash + 1), maxPrefix));
            if (!ok) {
                throw new IllegalArgumentException("invalid " + flag + " \"" + value + "\": expected an IP address or "
                        + "ADDRESS/PREFIX, e.g. 203.0.113.0/24 or 2001:db8::/32");
            }
            checked.add(slash < 0 ? cidr + "/" + maxPrefix : cidr);
        }
        return checked;
    }

    private static boolean isAddress(String literal) {
        if (!literal.contains(":") && literal.split("\\.", -1).length != 4) {
            return false;
        }
        try {
            java.net.InetAddress.getByName(literal); // a literal only (checked above): no name lookup
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static boolean prefixWithin(String prefix, int max) {
        try {
            int bits = Integer.parseInt(prefix);
            return bits >= 0 && bits <= max;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static List<String> credentials(List<String> values) {
        for (String value : values) {
            int colon = value.indexOf(':');
            if (colon <= 0 || colon == value.length() - 1) {
                throw new IllegalArgumentException("invalid --basic-auth: expected USER:PASSWORD with both parts non-empty");
            }
        }
        return List.copyOf(values);
    }

    private static double ratio(String value) {
        double ratio;
        try {
            ratio = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            ratio = Double.NaN;
        }
        if (!(ratio > 0 && ratio <= 1)) {
            throw new IllegalArgumentException("invalid --circuit-breaker \"" + value + "\": expected the share of 5xx "
                    + "answers that trips it, a number above 0 and at most 1 (e.g. 0.5)");
        }
        return ratio;
    }

    private static List<String> names(List<String> values, String flag) {
        for (String value : values) {
            if (!HEADER_NAME.matcher(value.trim()).matches()) {
                throw new IllegalArgumentException("invalid " + flag + " \"" + value + "\": expected a header name such as X-Debug");
            }
        }
        return values.stream().map(String::trim).toList();
    }

    private static Map<String, Object> header(String value, String flag) {
        int colon = value.indexOf(':');
        String name = colon < 0 ? "" : value.substring(0, colon).trim();
        if (colon < 0 || !HEADER_NAME.matcher(name).matches() || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("invalid " + flag + " \"" + value + "\": expected 'NAME: VALUE', e.g. 'X-Env: staging'");
        }
        return Map.of(name.toLowerCase(Locale.ROOT), value.substring(colon + 1).trim());
    }

    private static String host(String value, URI upstream) {
        String host = value.trim();
        if (host.equalsIgnoreCase("rewrite")) {
            return upstream.getAuthority();
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.:\\[\\]_-]+")) {
            throw new IllegalArgumentException("invalid --host-header \"" + value + "\": expected 'rewrite' or a host[:port] "
                    + "such as localhost:5173");
        }
        return host;
    }
}
