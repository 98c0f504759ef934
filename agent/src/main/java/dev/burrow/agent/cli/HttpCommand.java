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

    @Option(names = "--url", paramLabel = "[http[s]://]NAME.DOMAIN",
            description = "The public hostname to use, e.g. demo.localhost; https://NAME.DOMAIN serves it over HTTPS only "
                    + "(plain HTTP is redirected), http:// or no scheme over both HTTP and HTTPS.")
    String url;

    @Option(names = "--binding", paramLabel = "public|internal",
            description = "internal: an endpoint no public listener routes to, reached only by a forward-internal traffic "
                    + "policy action of the same account; its --url must end in .internal (a .internal url is internal anyway).")
    String binding;

    @Option(names = "--subdomain", paramLabel = "NAME", description = "A name under the edge's domain (random if neither is given).")
    String subdomain;

    @Option(names = "--upstream-tls-verify", arity = "0..1", paramLabel = "true|false", fallbackValue = "true",
            description = "Check an https:// upstream's certificate (default true); false accepts any, e.g. a local self-signed one.")
    boolean upstreamTlsVerify = true;

    @Option(names = "--upstream-tls-verify-cas", paramLabel = "FILE",
            description = "PEM file of the CAs an https:// upstream's certificate must chain to (a private CA or a self-signed certificate).")
    java.nio.file.Path upstreamTlsCas;

    @Option(names = "--upstream-protocol", paramLabel = "http1|http2", defaultValue = "http1",
            description = "What the agent speaks to the upstream: http1 (default), or http2 (h2c with prior knowledge for "
                    + "http://, h2 by ALPN for https://), which gRPC servers need.")
    String upstreamProtocol = "http1";

    /** Validated arguments; throws IllegalArgumentException with a sentence for the user. */
    record Arguments(URI upstream, String hostname, String subdomain, String proto) {
    }

    Arguments arguments() {
        URI target = UpstreamArgument.http(upstream);
        if (url != null && subdomain != null) {
            throw new IllegalArgumentException("pass either --url or --subdomain, not both");
        }
        String hostname = hostname(url);
        String mismatch = dev.burrow.protocol.Bindings.mismatch(binding, hostname);
        if (mismatch != null) {
            throw new IllegalArgumentException("invalid --binding: " + mismatch);
        }
        return new Arguments(target, hostname, subdomain, proto(url));
    }

    /** The bind protocol a url asks for: "https" for an https:// url, else "http". */
    static String proto(String url) {
        return url != null && url.trim().toLowerCase(java.util.Locale.ROOT).startsWith("https://")
                ? dev.burrow.protocol.BindProtocols.HTTPS : dev.burrow.protocol.BindProtocols.HTTP;
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

    /** http:// and https:// name HTTP endpoints; {@code tcp://} belongs to {@code burrow tcp}, {@code tls://} to {@code burrow tls}. */
    private static void refuseScheme(String scheme, String url, String what) {
        switch (scheme) {
            case "http", "https" -> {
            }
            case "tls" -> throw new IllegalArgumentException("invalid " + what + " \"" + url + "\": tls:// is a TLS endpoint; "
                    + "use burrow tls (or url: tls://NAME.DOMAIN in a config file endpoint)");
            case "tcp" -> throw new IllegalArgumentException("invalid " + what + " \"" + url + "\": tcp:// is a TCP endpoint; "
                    + "use burrow tcp (or url: tcp://:PORT in a config file endpoint)");
            default -> throw new IllegalArgumentException("invalid " + what + " \"" + url + "\": scheme " + scheme
                    + ":// is not served; an HTTP endpoint's url is http://NAME.DOMAIN, https://NAME.DOMAIN or just NAME.DOMAIN");
        }
    }

    @Option(names = "--traffic-policy-file", paramLabel = "FILE",
            description = "A traffic policy (ngrok's Traffic Policy, YAML or JSON) the edge applies to every connection "
                    + "and request before any reaches this agent.")
    java.nio.file.Path trafficPolicyFile;

    @Option(names = "--mutual-tls-cas", paramLabel = "FILE",
            description = "PEM file of the CAs whose client certificates the edge requires of HTTPS visitors (mutual TLS); "
                    + "a visitor without one, or with another, fails its TLS handshake.")
    java.nio.file.Path mutualTlsCas;

    @Option(names = "--mutual-tls-crls", paramLabel = "FILE",
            description = "Certificate revocation lists (PEM or DER, one or more) of the --mutual-tls-cas CAs: a client "
                    + "certificate listed in its issuer's CRL fails the handshake (alert certificate_revoked). Checked at "
                    + "start (signed by one of the CAs, not past its nextUpdate); restart with a fresh file to update.")
    java.nio.file.Path mutualTlsCrls;

    @picocli.CommandLine.Mixin
    LegacyPolicyFlags policyFlags = new LegacyPolicyFlags();

    @Override
    public Integer call() {
        Arguments arguments = arguments();
        String protocol = upstreamProtocol.toLowerCase(java.util.Locale.ROOT);
        try {
            ConfigSchema.oneOf(protocol, ConfigSchema.UPSTREAM_PROTOCOLS);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--upstream-protocol: " + e.getMessage());
        }
        dev.burrow.agent.forward.UpstreamTls tls = new dev.burrow.agent.forward.UpstreamTls(upstreamTlsVerify, upstreamTlsCas).validate();
        TrafficPolicyFile policy = TrafficPolicyFile.read(trafficPolicyFile).withRulesFirst(policyFlags.rules(arguments.upstream()));
        policy.sent();
        EndpointTls clientCas = EndpointTls.mutualTls(mutualTlsCas, mutualTlsCrls);
        return runOne(settings -> new EndpointPlan("command_line", arguments.proto(), arguments.upstream(),
                arguments.hostname(), arguments.subdomain(), 0, settings.pooling(), settings.inspect().enabled(), protocol.equals("http2"))
                .withUpstreamTls(tls).withTrafficPolicy(policy).withTls(clientCas));
    }
}
