package dev.burrow.edge.config;

import dev.burrow.edge.registry.Hostnames;
import dev.burrow.policy.engine.CidrRange;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything an edge node needs to start. Build one with {@link #defaults()} and the {@code with…} methods, or
 * from flags, environment and YAML with {@link ConfigResolver}; {@link #validate()} checks it with messages a
 * user can act on.
 *
 * @param httpPort          public HTTP port; 0 picks a free one
 * @param tunnelPort        agent link (TLS) port; 0 picks a free one
 * @param domain            base domain of HTTP endpoints ({@code NAME.domain})
 * @param tcpPorts          ports TCP endpoints are allocated from
 * @param dataDir           where the dev CA, the server certificate and the dev authtoken live
 * @param authtokens        tokens accepted from agents besides the dev authtoken of the data directory
 * @param bindAddress       address all listeners bind to
 * @param heartbeatInterval how often links are pinged
 * @param offlineGrace      how long the endpoints of an agent whose link dropped stay reserved for it
 * @param opsPort           health and metrics port ({@code /healthz}, {@code /readyz}, {@code /metrics}); 0 picks one
 * @param drainTimeout      how long a stopping node lets open exchanges finish
 * @param cluster           how the node joins its cluster
 * @param eventLoops        event-loop threads; 0 means one per two cores (see {@link #effectiveEventLoops()})
 * @param tls               the certificate chain and key the agent link presents ({@code --tls-cert}, {@code --tls-key});
 *                          null: the dev certificate of the data directory
 * @param proxyProtocol     PROXY protocol on the public listeners ({@code --proxy-protocol}, trusted senders)
 * @param timeouts          response and pipe idle bounds ({@code --response-timeout}, {@code --pipe-idle-timeout})
 * @param httpLimits        deadlines and limits of public HTTP connections ({@code --http-head-timeout} ...)
 * @param https             the public HTTPS listener and the operator's certificates ({@code --https-port}, {@code --https-certs})
 * @param policyFetchAllow  address ranges (CIDR) the URLs of tenants' policies may lead to besides public addresses
 *                          ({@code --policy-fetch-allow}); empty: public addresses only
 */
public record EdgeConfig(int httpPort, int tunnelPort, String domain, PortRange tcpPorts, Path dataDir,
                         List<String> authtokens, String bindAddress, Duration heartbeatInterval,
                         Duration offlineGrace, int opsPort, Duration drainTimeout, ClusterSettings cluster,
                         int eventLoops, TlsFiles tls, ProxyProtocolSettings proxyProtocol, StreamTimeouts timeouts,
                         PublicHttpLimits httpLimits, HttpsSettings https, List<String> policyFetchAllow) {
    public static final int DEFAULT_OPS_PORT = 9090;

    public EdgeConfig {
        authtokens = authtokens == null ? List.of() : List.copyOf(authtokens);
        cluster = cluster == null ? ClusterSettings.defaults() : cluster;
        proxyProtocol = proxyProtocol == null ? ProxyProtocolSettings.off() : proxyProtocol;
        timeouts = timeouts == null ? StreamTimeouts.defaults() : timeouts;
        httpLimits = httpLimits == null ? PublicHttpLimits.defaults() : httpLimits;
        https = https == null ? HttpsSettings.defaults() : https;
        policyFetchAllow = policyFetchAllow == null ? List.of() : List.copyOf(policyFetchAllow);
    }

    /** Without {@code --policy-fetch-allow}: policies fetch from public addresses only. */
    public EdgeConfig(int httpPort, int tunnelPort, String domain, PortRange tcpPorts, Path dataDir,
                      List<String> authtokens, String bindAddress, Duration heartbeatInterval, Duration offlineGrace,
                      int opsPort, Duration drainTimeout, ClusterSettings cluster, int eventLoops, TlsFiles tls,
                      ProxyProtocolSettings proxyProtocol, StreamTimeouts timeouts, PublicHttpLimits httpLimits,
                      HttpsSettings https) {
        this(httpPort, tunnelPort, domain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval, offlineGrace,
                opsPort, drainTimeout, cluster, eventLoops, tls, proxyProtocol, timeouts, httpLimits, https, null);
    }

    /** Without HTTPS settings: the default HTTPS port and no operator certificates. */
    public EdgeConfig(int httpPort, int tunnelPort, String domain, PortRange tcpPorts, Path dataDir,
                      List<String> authtokens, String bindAddress, Duration heartbeatInterval, Duration offlineGrace,
                      int opsPort, Duration drainTimeout, ClusterSettings cluster, int eventLoops, TlsFiles tls,
                      ProxyProtocolSettings proxyProtocol, StreamTimeouts timeouts, PublicHttpLimits httpLimits) {
        this(httpPort, tunnelPort, domain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval, offlineGrace,
                opsPort, drainTimeout, cluster, eventLoops, tls, proxyProtocol, timeouts, httpLimits, null);
    }

    public EdgeConfig(int httpPort, int tunnelPort, String domain, PortRange tcpPorts, Path dataDir,
                      List<String> authtokens, String bindAddress, Duration heartbeatInterval, Duration offlineGrace) {
        this(httpPort, tunnelPort, domain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval, offlineGrace,
                DEFAULT_OPS_PORT, Duration.ofSeconds(30), ClusterSettings.defaults(), 0, null, null, null, null,
                HttpsSettings.defaults().withPort(0));
    }

    /** The defaults of {@code java -jar burrow-edge.jar} with no arguments. */
    public static EdgeConfig defaults() {
        return new EdgeConfig(8080, 4443, "localhost", new PortRange(20000, 20999), Path.of("burrow-data"),
                List.of(), "0.0.0.0", Duration.ofSeconds(10), Duration.ofSeconds(60), DEFAULT_OPS_PORT,
                Duration.ofSeconds(30), ClusterSettings.defaults(), 0, null, null, null, null, HttpsSettings.defaults());
    }

    /** Checks every value and returns this config with the domain normalized; throws {@link ConfigException}. */
    public EdgeConfig validate() {
        checkPort("--http-port", httpPort);
        checkPort("--tunnel-port", tunnelPort);
        if (httpPort != 0 && httpPort == tunnelPort) {
            throw new ConfigException("--http-port and --tunnel-port are both " + httpPort + "; give them different ports");
        }
        if (tcpPorts == null) {
            throw new ConfigException("--tcp-ports is missing; give a range such as 20000-20999");
        }
        if (httpPort != 0 && tcpPorts.contains(httpPort)) {
            throw new ConfigException("--tcp-ports " + tcpPorts + " contains the --http-port " + httpPort + "; move one of them");
        }
        if (tunnelPort != 0 && tcpPorts.contains(tunnelPort)) {
            throw new ConfigException("--tcp-ports " + tcpPorts + " contains the --tunnel-port " + tunnelPort + "; move one of them");
        }
        String normalizedDomain = Hostnames.normalize(domain);
        if (normalizedDomain == null || !Hostnames.isValidHostname(normalizedDomain)) {
            throw new ConfigException("--domain \"" + domain + "\" is not a valid DNS name (letters, digits, '-' and '.')");
        }
        if (dataDir == null || dataDir.toString().isBlank()) {
            throw new ConfigException("--data-dir is empty; give a directory such as ./burrow-data");
        }
        for (String token : authtokens) {
            if (token == null || token.isBlank() || token.chars().anyMatch(Character::isWhitespace)) {
                throw new ConfigException("an --authtoken is empty or contains whitespace");
            }
        }
        if (bindAddress == null || bindAddress.isBlank()) {
            throw new ConfigException("--bind-address is empty; use 0.0.0.0 for all interfaces or 127.0.0.1 for loopback");
        }
        if (heartbeatInterval == null || heartbeatInterval.toMillis() < 100) {
            throw new ConfigException("--heartbeat-interval must be at least 100ms (got "
                    + (heartbeatInterval == null ? "nothing" : DurationText.format(heartbeatInterval)) + ")");
        }
        if (offlineGrace == null || offlineGrace.isNegative()) {
            throw new ConfigException("--offline-grace must be zero or positive");
        }
        checkPort("--ops-port", opsPort);
        if (eventLoops < 0 || eventLoops > 1024) {
            throw new ConfigException("--event-loops must be between 1 and 1024, or 0 for one per core (got " + eventLoops + ")");
        }
        if (drainTimeout == null || drainTimeout.isNegative()) {
            throw new ConfigException("--drain-timeout must be zero or positive");
        }
        ClusterSettings validCluster = cluster.validate(bindAddress.trim());
        TlsFiles validTls = tls == null ? null : tls.validate();
        return new EdgeConfig(httpPort, tunnelPort, normalizedDomain, tcpPorts, dataDir, authtokens, bindAddress.trim(),
                heartbeatInterval, offlineGrace, opsPort, drainTimeout, validCluster, eventLoops, validTls, proxyProtocol.validate(), timeouts.validate(),
                httpLimits.validate(), validHttps(https.validate()), validFetchAllow());
    }

    public EdgeConfig withPolicyFetchAllow(List<String> ranges) {
        return new EdgeConfig(httpPort, tunnelPort, domain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval,
                offlineGrace, opsPort, drainTimeout, cluster, eventLoops, tls, proxyProtocol, timeouts, httpLimits, https, ranges);
    }

    /** The ranges of {@code --policy-fetch-allow}, parsed (the guard of every fetch a policy makes). */
    public List<CidrRange> policyFetchRanges() {
        return policyFetchAllow.stream().map(CidrRange::parse).toList();
    }

    private List<String> validFetchAllow() {
        for (String range : policyFetchAllow) {
            if (CidrRange.parse(range) == null) {
                throw new ConfigException("--policy-fetch-allow \"" + range + "\" is not an address range; give CIDRs such as "
                        + "10.1.2.0/24 or 127.0.0.0/8,::1/128");
            }
        }
        return policyFetchAllow;
    }

    private HttpsSettings validHttps(HttpsSettings valid) {
        int port = valid.port();
        if (port != 0 && (port == httpPort || port == tunnelPort)) {
            throw new ConfigException("--https-port " + port + " is also the " + (port == httpPort ? "--http-port" : "--tunnel-port")
                    + "; give them different ports");
        }
        if (port != 0 && tcpPorts.contains(port)) {
            throw new ConfigException("--tcp-ports " + tcpPorts + " contains the --https-port " + port + "; move one of them");
        }
        return valid;
    }

    private static void checkPort(String flag, int port) {
        if (port < 0 || port > 65_535) {
            throw new ConfigException(flag + " " + port + " is not a port; use 1-65535, or 0 to pick a free port");
        }
    }

    public EdgeConfig withHttpPort(int port) {
        return new EdgeConfig(port, tunnelPort, domain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval, offlineGrace, opsPort, drainTimeout, cluster, eventLoops, tls, proxyProtocol, timeouts, httpLimits, https, policyFetchAllow);
    }

    public EdgeConfig withTunnelPort(int port) {
        return new EdgeConfig(httpPort, port, domain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval, offlineGrace, opsPort, drainTimeout, cluster, eventLoops, tls, proxyProtocol, timeouts, httpLimits, https, policyFetchAllow);
    }

    public EdgeConfig withDomain(String newDomain) {
        return new EdgeConfig(httpPort, tunnelPort, newDomain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval, offlineGrace, opsPort, drainTimeout, cluster, eventLoops, tls, proxyProtocol, timeouts, httpLimits, https, policyFetchAllow);
    }

    public EdgeConfig withTcpPorts(PortRange range) {
        return new EdgeConfig(httpPort, tunnelPort, domain, range, dataDir, authtokens, bindAddress, heartbeatInterval, offlineGrace, opsPort, drainTimeout, cluster, eventLoops, tls, proxyProtocol, timeouts, httpLimits, https, policyFetchAllow);
    }

    public EdgeConfig withDataDir(Path dir) {
        return new EdgeConfig(httpPort, tunnelPort, domain, tcpPorts, dir, authtokens, bindAddress, heartbeatInterval, offlineGrace, opsPort, drainTimeout, cluster, eventLoops, tls, proxyProtocol, timeouts, httpLimits, https, policyFetchAllow);
    }

    public EdgeConfig withAuthtokens(List<String> tokens) {
        return new EdgeConfig(httpPort, tunnelPort, domain, tcpPorts, dataDir, tokens, bindAddress, heartbeatInterval, offlineGrace, opsPort, drainTimeout, cluster, eventLoops, tls, proxyProtocol, timeouts, httpLimits, https, policyFetchAllow);
    }

    public EdgeConfig withBindAddress(String address) {
        return new EdgeConfig(httpPort, tunnelPort, domain, tcpPorts, dataDir, authtokens, address, heartbeatInterval, offlineGrace, opsPort, drainTimeout, cluster, eventLoops, tls, proxyProtocol, timeouts, httpLimits, https, policyFetchAllow);
    }

    public EdgeConfig withHeartbeatInterval(Duration interval) {
        return new EdgeConfig(httpPort, tunnelPort, domain, tcpPorts, dataDir, authtokens, bindAddress, interval, offlineGrace, opsPort, drainTimeout, cluster, eventLoops, tls, proxyProtocol, timeouts, httpLimits, https, policyFetchAllow);
    }

    public EdgeConfig withOfflineGrace(Duration grace) {
        return new EdgeConfig(httpPort, tunnelPort, domain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval, grace, opsPort, drainTimeout, cluster, eventLoops, tls, proxyProtocol, timeouts, httpLimits, https, policyFetchAllow);
    }

    public EdgeConfig withOpsPort(int port) {
        return new EdgeConfig(httpPort, tunnelPort, domain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval,
                offlineGrace, port, drainTimeout, cluster, eventLoops, tls, proxyProtocol, timeouts, httpLimits, https, policyFetchAllow);
    }

    public EdgeConfig withDrainTimeout(Duration timeout) {
        return new EdgeConfig(httpPort, tunnelPort, domain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval,
                offlineGrace, opsPort, timeout, cluster, eventLoops, tls, proxyProtocol, timeouts, httpLimits, https, policyFetchAllow);
    }

    public EdgeConfig withEventLoops(int loops) {
        return new EdgeConfig(httpPort, tunnelPort, domain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval,
                offlineGrace, opsPort, drainTimeout, cluster, loops, tls, proxyProtocol, timeouts, httpLimits, https, policyFetchAllow);
    }

    public EdgeConfig withTls(TlsFiles files) {
        return new EdgeConfig(httpPort, tunnelPort, domain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval,
                offlineGrace, opsPort, drainTimeout, cluster, eventLoops, files, proxyProtocol, timeouts, httpLimits, https, policyFetchAllow);
    }

    public EdgeConfig withProxyProtocol(ProxyProtocolSettings settings) {
        return new EdgeConfig(httpPort, tunnelPort, domain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval,
                offlineGrace, opsPort, drainTimeout, cluster, eventLoops, tls, settings, timeouts, httpLimits, https, policyFetchAllow);
    }

    public EdgeConfig withTimeouts(StreamTimeouts bounds) {
        return new EdgeConfig(httpPort, tunnelPort, domain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval,
                offlineGrace, opsPort, drainTimeout, cluster, eventLoops, tls, proxyProtocol, bounds, httpLimits, https, policyFetchAllow);
    }

    public EdgeConfig withHttpLimits(PublicHttpLimits limits) {
        return new EdgeConfig(httpPort, tunnelPort, domain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval,
                offlineGrace, opsPort, drainTimeout, cluster, eventLoops, tls, proxyProtocol, timeouts, limits, https, policyFetchAllow);
    }

    /**
     * The event-loop threads to run: the configured count, or one per two cores (at least one). An agent's link is
     * served by one loop, so a public request read on another loop crosses threads twice (there and back); on a 2-core
     * machine one loop cut the edge's CPU per request by a fifth to a third and the added latency at one connection by
     * a third (docs/benchmarks.md), and the kernel's network work, the JIT and the GC need the other core anyway.
     */
    public int effectiveEventLoops() {
        return eventLoops > 0 ? eventLoops : defaultEventLoops(Runtime.getRuntime().availableProcessors());
    }

    /** One event loop per two cores, at least one. */
    public static int defaultEventLoops(int cores) {
        return Math.max(1, cores / 2);
    }

    public EdgeConfig withHttps(HttpsSettings settings) {
        return new EdgeConfig(httpPort, tunnelPort, domain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval,
                offlineGrace, opsPort, drainTimeout, cluster, eventLoops, tls, proxyProtocol, timeouts, httpLimits, settings, policyFetchAllow);
    }

    /** With the public HTTPS port; 0 picks a free one. */
    public EdgeConfig withHttpsPort(int port) {
        return withHttps(https.withPort(port));
    }

    public EdgeConfig withCluster(ClusterSettings settings) {
        return new EdgeConfig(httpPort, tunnelPort, domain, tcpPorts, dataDir, authtokens, bindAddress, heartbeatInterval,
                offlineGrace, opsPort, drainTimeout, settings, eventLoops, tls, proxyProtocol, timeouts, httpLimits, https, policyFetchAllow);
    }

    @Override
    public String toString() {
        return "EdgeConfig[httpPort=" + httpPort + ", tunnelPort=" + tunnelPort + ", domain=" + domain + ", tcpPorts="
                + tcpPorts + ", dataDir=" + dataDir + ", authtokens=" + authtokens.size() + " HIDDEN, bindAddress="
                + bindAddress + ", heartbeatInterval=" + heartbeatInterval + ", offlineGrace=" + offlineGrace + ", opsPort="
                + opsPort + ", drainTimeout=" + drainTimeout + ", cluster=" + cluster + ", eventLoops=" + eventLoops + ", tls=" + tls + ", proxyProtocol=" + proxyProtocol
                + ", httpLimits=" + httpLimits + ", https=" + https + ", policyFetchAllow=" + policyFetchAllow + "]";
    }
}
