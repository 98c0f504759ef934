package dev.burrow.agent.cli;

import dev.burrow.agent.internal.HostPort;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;

/** {@code burrow tls <port|host:port>}: a hostname on the edge's HTTPS port, routed by SNI, piped to a local TLS server. */
@Command(name = "tls", mixinStandardHelpOptions = true, versionProvider = BurrowCli.Version.class,
        description = "Forward a public TLS hostname (routed by SNI, not terminated at the edge) to a local TLS server.")
final class TlsCommand extends TunnelCommand {
    @Parameters(index = "0", paramLabel = "UPSTREAM",
            description = "Local TLS server: a port (8443) or host:port (a plain TCP server with --crt/--key).")
    String upstream;

    @Option(names = "--url", paramLabel = "[tls://]NAME.DOMAIN", description = "The public hostname, e.g. db.localhost.")
    String url;

    @Option(names = "--subdomain", paramLabel = "NAME", description = "A name under the edge's domain (random if neither is given).")
    String subdomain;

    @Option(names = "--crt", paramLabel = "FILE",
            description = "Terminate TLS in the agent with this certificate chain (PEM, with --key); the upstream then gets plaintext.")
    java.nio.file.Path crt;

    @Option(names = "--key", paramLabel = "FILE", description = "The private key (PEM) of --crt.")
    java.nio.file.Path key;

    /** The hostname of a {@code tls://NAME.DOMAIN} (or bare {@code NAME.DOMAIN}) url; {@code what} names it in messages. */
    static String hostname(String url, String what) {
        if (url == null) {
            return null;
        }
        String value = url.trim();
        if (value.toLowerCase(java.util.Locale.ROOT).startsWith("tls://")) {
            value = value.substring("tls://".length());
        } else if (value.contains("://")) {
            throw new IllegalArgumentException("invalid " + what + " \"" + url + "\": a TLS endpoint's url is tls://NAME.DOMAIN");
        }
        return HttpCommand.hostname(value, what);
    }

    @Override
    public Integer call() {
        if (url != null && subdomain != null) {
            throw new IllegalArgumentException("pass either --url or --subdomain, not both");
        }
        HostPort target = UpstreamArgument.tcp(upstream);
        String hostname = hostname(url, "--url");
        EndpointTls termination = EndpointTls.termination(crt, key);
        return runOne(settings -> new EndpointPlan("command_line", dev.burrow.protocol.BindProtocols.TLS,
                URI.create("tcp://" + target), hostname, subdomain, 0, settings.pooling(), false, false).withTls(termination));
    }
}
