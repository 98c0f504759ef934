package dev.burrow.agent.cli;

import dev.burrow.agent.UdpFlowSettings;
import dev.burrow.agent.internal.HostPort;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;

/** {@code burrow udp <port|host:port>}: a public UDP port whose datagrams reach a local UDP service. */
@Command(name = "udp", mixinStandardHelpOptions = true, versionProvider = BurrowCli.Version.class,
        description = "Forward a public UDP port to a local UDP service (DNS, games, VoIP).")
final class UdpCommand extends TunnelCommand {
    @Parameters(index = "0", paramLabel = "UPSTREAM", description = "Local service: a port (53) or host:port.")
    String upstream;

    @Option(names = "--remote-port", paramLabel = "PORT", description = "Public UDP port to ask the edge for (default: any free one).")
    int remotePort;

    @Option(names = "--idle-timeout", paramLabel = "DURATION",
            description = "Close a visitor's flow (and its upstream socket) after this long without a datagram (default 120s; 1s to 1h).")
    String idleTimeout;

    @Option(names = "--max-flows", paramLabel = "N",
            description = "Visitors served at once; datagrams of more are dropped and counted (default 1024).")
    int maxFlows = UdpFlowSettings.DEFAULT_MAX_FLOWS;

    @Option(names = "--traffic-policy-file", paramLabel = "FILE",
            description = "A traffic policy (ngrok's Traffic Policy, YAML or JSON); its on_tcp_connect phase (restrict-ips, "
                    + "deny) runs at the edge once per visitor address.")
    java.nio.file.Path trafficPolicyFile;

    HostPort target() {
        if (remotePort < 0 || remotePort > 65535) {
            throw new IllegalArgumentException("invalid --remote-port " + remotePort + ": not between 1 and 65535");
        }
        return UpstreamArgument.udp(upstream);
    }

    UdpFlowSettings flowSettings() {
        return new UdpFlowSettings(idleTimeout == null ? UdpFlowSettings.DEFAULT_IDLE_TIMEOUT
                : Durations.parse(idleTimeout, "--idle-timeout"), maxFlows);
    }

    @Override
    public Integer call() {
        HostPort target = target();
        UdpFlowSettings flows = flowSettings();
        return runOne(settings -> new EndpointPlan("command_line", "udp", URI.create("udp://" + target),
                null, null, remotePort, false, false, false).withUdp(flows).withTrafficPolicy(TrafficPolicyFile.read(trafficPolicyFile)));
    }
}
