package dev.burrow.agent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;

/** {@code burrow http <port|host:port|url>}: a public HTTP endpoint forwarding to a local server. */
@Command(name = "http", mixinStandardHelpOptions = true, versionProvider = BurrowCli.Version.class,
        description = "Forward a public HTTP endpoint to a local HTTP server.")
final class HttpCommand extends TunnelCommand {
    @Parameters(index = "0", paramLabel = "UPSTREAM", description = "Local server: a port (8080), host:port or URL (http://host:8080).")
    String upstream;

    @Option(names = "--url", paramLabel = "[http://]NAME.DOMAIN",
            description = "The public hostname to use, e.g. demo.localhost (public endpoints are plain HTTP: https:// is refused).")
    String url;

    @Option(names = "--subdomain", paramLabel = "NAME", description = "A name under the edge's domain (random if neither is given).")
    String subdomain;

    /** Validated arguments; throws IllegalArgumentException with a sentence for the user. */
    record Arguments(URI upstream, String hostname, String subdomain) {
    }

    Arguments arguments() {
        URI target = UpstreamArgument.http(upstream);
        if (url != null && subdomain != null) {
            throw new IllegalArgumentException("pass either --url or --subdomain, not both");
        }
        return new Arguments(target, hostname(url), subdomain);
    }

    static String hostname(String url) {
        return hostname(url, "--url");
    }

    /** The hostname of an HTTP endpoint's url ({@code what} names it in messages: --url, or a config file's url). */
    static String hostname(String url, String what) {
        if (url == null) {
            return null;
        }
        String value = url.trim();
        int scheme = value.indexOf("://");
        if (scheme >= 0) {
            refuseScheme(value.substring(0, scheme).toLowerCase(java.util.Locale.ROOT), url, what);
            value = value.substring(scheme + 3);
        }
        if (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        if (value.isEmpty() || value.contains("/") || !value.contains(".")) {
            throw new IllegalArgumentException("invalid " + what + " \"" + url + "\": expected a hostname like demo.localhost");
        }
        return value;
    }

    /**
     * Only plain HTTP endpoints exist today: an {@code https://} URL would silently be served as {@code http://}, and
     * must mean HTTPS once the edge terminates public TLS; {@code tcp://} belongs to {@code burrow tcp}.
     */
    private static void refuseScheme(String scheme, String url, String what) {
        switch (scheme) {
            case "http" -> {
            }
            case "https" -> throw new IllegalArgumentException("invalid " + what + " \"" + url + "\": the edge serves public "
                    + "endpoints over plain HTTP only, so https:// cannot be honoured; write http:// or just the hostname");
            case "tcp" -> throw new IllegalArgumentException("invalid " + what + " \"" + url + "\": tcp:// is a TCP endpoint; "
                    + "use burrow tcp (or url: tcp://:PORT in a config file endpoint)");
            default -> throw new IllegalArgumentException("invalid " + what + " \"" + url + "\": scheme " + scheme
                    + ":// is not served; an HTTP endpoint's url is http://NAME.DOMAIN or just NAME.DOMAIN");
        }
    }

    @Option(names = "--traffic-policy-file", paramLabel = "FILE",
            description = "A traffic policy (ngrok's Traffic Policy, YAML or JSON) the edge applies to every connection "
                    + "and request before any reaches this agent.")
    java.nio.file.Path trafficPolicyFile;

    @Override
    public Integer call() {
        Arguments arguments = arguments();
        return runOne(settings -> new EndpointPlan("command_line", "http", arguments.upstream(),
                arguments.hostname(), arguments.subdomain(), 0, settings.pooling(), settings.inspect().enabled(), false).withTrafficPolicy(TrafficPolicyFile.read(trafficPolicyFile)));
    }
}
