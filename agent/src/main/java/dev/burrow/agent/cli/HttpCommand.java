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

    @Option(names = "--url", paramLabel = "NAME.DOMAIN", description = "The public hostname to use, e.g. demo.localhost.")
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
        if (url == null) {
            return null;
        }
        String value = url.trim();
        int scheme = value.indexOf("://");
        if (scheme >= 0) {
            value = value.substring(scheme + 3);
        }
        if (value.endsWith("/")) {
            value = value.substring(0, value.length() - 1);
        }
        if (value.isEmpty() || value.contains("/") || !value.contains(".")) {
            throw new IllegalArgumentException("invalid --url \"" + url + "\": expected a hostname like demo.localhost");
        }
        return value;
    }

    @Override
    public Integer call() {
        Arguments arguments = arguments();
        return runOne(settings -> new EndpointPlan("command_line", "http", arguments.upstream(),
                arguments.hostname(), arguments.subdomain(), 0, settings.pooling(), settings.inspect().enabled(), false));
    }
}
