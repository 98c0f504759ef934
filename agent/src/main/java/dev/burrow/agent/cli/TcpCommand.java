package dev.burrow.agent.cli;

import dev.burrow.agent.internal.HostPort;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;

/** {@code burrow tcp <port|host:port>}: a public TCP port piped to a local service. */
@Command(name = "tcp", mixinStandardHelpOptions = true, versionProvider = BurrowCli.Version.class,
        description = "Forward a public TCP port to a local TCP service.")
final class TcpCommand extends TunnelCommand {
    @Parameters(index = "0", paramLabel = "UPSTREAM", description = "Local service: a port (22) or host:port.")
    String upstream;

    @Option(names = "--remote-port", paramLabel = "PORT", description = "Public port to ask the edge for (default: any free one).")
    int remotePort;

    HostPort target() {
        if (remotePort < 0 || remotePort > 65535) {
            throw new IllegalArgumentException("invalid --remote-port " + remotePort + ": not between 1 and 65535");
        }
        return UpstreamArgument.tcp(upstream);
    }

    @Option(names = "--traffic-policy-file", paramLabel = "FILE",
            description = "A traffic policy (ngrok's Traffic Policy, YAML or JSON) the edge applies to every connection "
                    + "and request before any reaches this agent.")
    java.nio.file.Path trafficPolicyFile;

    @Override
    public Integer call() {
        HostPort target = target();
        return runOne(settings -> new EndpointPlan("command_line", "tcp", URI.create("tcp://" + target),
                null, null, remotePort, settings.pooling(), false, false).withTrafficPolicy(TrafficPolicyFile.read(trafficPolicyFile)));
    }
}
