package dev.burrow.edge;

import dev.burrow.edge.config.ConfigException;
import dev.burrow.edge.config.ConfigKey;
import dev.burrow.edge.config.ConfigResolver;
import dev.burrow.edge.config.EdgeConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar burrow-edge.jar [options]}: starts an edge node. Settings come from flags, then {@code BURROW_*}
 * environment variables, then the {@code --config} YAML file, then defaults. Prints the lines of the startup
 * contract on stdout (see {@link #printReady}); logs go to stderr. Exit code 2 for a bad setting, 1 when the node
 * cannot start.
 */
@Command(name = "burrow-edge", mixinStandardHelpOptions = true, version = "burrow-edge 0.1.0",
        description = "Runs a Burrow edge node: public HTTP and TCP endpoints served by agents over TLS links.",
        sortOptions = false, subcommands = dev.burrow.edge.admin.AdminCommand.class)
public final class EdgeMain implements Callable<Integer> {
    /**
     * How long the start (cluster join, store migrations, listeners) may take before the node gives up: an idle 2-core
     * machine starts in 3-6 s, one at a load of 30 took over 60 s to get Hazelcast going.
     */
    static final java.time.Duration START_TIMEOUT = java.time.Duration.ofSeconds(180);

    static final int EXIT_BAD_CONFIG = 2;
    static final int EXIT_START_FAILED = 1;

    @Option(names = "--http-port", paramLabel = "PORT", description = "Public HTTP port; 0 picks a free one (default 8080).")
    String httpPort;
    @Option(names = "--https-port", paramLabel = "PORT", description = "Public HTTPS port (TLS 1.2/1.3, certificate per SNI); 0 picks a free one (default 8443; 443 in production).")
    String httpsPort;
    @Option(names = "--https-certs", paramLabel = "DIR",
            description = "Directory of the operator's HTTPS certificates: NAME.crt (PEM chain) beside NAME.key, names from each certificate; re-read when they change. Default: none (the dev certificate).")
    String httpsCerts;
    @Option(names = "--acme-directory", paramLabel = "URL",
            description = "ACME directory of a CA that issues the public HTTPS certificates on demand (e.g. https://acme-v02.api.letsencrypt.org/directory); default: none.")
    String acmeDirectory;
    @Option(names = "--acme-email", paramLabel = "EMAIL", description = "Contact address of the ACME account.")
    String acmeEmail;
    @Option(names = "--acme-eab-kid", paramLabel = "KID", description = "External account binding key id, for CAs that need one (with --acme-eab-hmac-key).")
    String acmeEabKid;
    @Option(names = "--acme-eab-hmac-key", paramLabel = "KEY", description = "External account binding MAC key, base64url (prefer BURROW_ACME_EAB_HMAC_KEY).")
    String acmeEabHmacKey;
    @Option(names = "--acme-directory-ca", paramLabel = "FILE", description = "PEM CA that signed the ACME server's HTTPS certificate (a private ACME server); default: the JVM's CAs.")
    String acmeDirectoryCa;
    @Option(names = "--acme-max-per-tenant", paramLabel = "N", description = "Automatic certificates one tenant's names may hold (default 100).")
    String acmeMaxPerTenant;
    @Option(names = "--acme-challenge", paramLabel = "http-01|tls-alpn-01",
            description = "How the CA validates a name: http-01 on the HTTP port (reachable on 80), tls-alpn-01 on the HTTPS port (reachable on 443); default http-01.")
    String acmeChallenge;
    @Option(names = "--acme-dns-hook-command", paramLabel = "PROGRAM",
            description = "Program that sets and clears the DNS-01 TXT record, so that *.DOMAIN gets a wildcard certificate: PROGRAM set|clear DOMAIN RECORD VALUE (docs/https.md).")
    String acmeDnsHookCommand;
    @Option(names = "--acme-dns-hook-url", paramLabel = "URL",
            description = "Webhook that sets and clears the DNS-01 TXT record (POST JSON {action, domain, record, value}), instead of a program.")
    String acmeDnsHookUrl;
    @Option(names = "--acme-dns-hook-timeout", paramLabel = "DURATION", description = "Longest a DNS hook call may take (default 60s, at most 120s).")
    String acmeDnsHookTimeout;
    @Option(names = "--acme-dns-delegation-zone", paramLabel = "ZONE",
            description = "Zone the DNS hook publishes in for custom domains: NAME is validated over DNS-01 at NAME.ZONE, where its owner points _acme-challenge.NAME by CNAME (docs/https.md).")
    String acmeDnsDelegationZone;
    @Option(names = "--acme-dns-zone-hook", paramLabel = "ZONE=PROGRAM|URL",
            description = "DNS hook for the DNS-01 records at or under ZONE (repeatable; the longest zone wins, the other records go to --acme-dns-hook-command/-url): a program or an http(s) webhook with the same contract (docs/https.md).")
    List<String> acmeDnsZoneHooks;
    @Option(names = "--acme-dns-resolver", paramLabel = "HOST[:PORT]",
            description = "DNS server asked whether a custom domain's _acme-challenge is a CNAME into --acme-dns-delegation-zone (default: the system's resolver).")
    String acmeDnsResolver;
    @Option(names = "--tunnel-port", paramLabel = "PORT", description = "Agent link (TLS) port; 0 picks a free one (default 4443).")
    String tunnelPort;
    @Option(names = "--domain", paramLabel = "DOMAIN", description = "Base domain: endpoints are NAME.DOMAIN (default localhost).")
    String domain;
    @Option(names = "--tcp-ports", paramLabel = "LOW-HIGH", description = "Ports TCP endpoints are allocated from (default 20000-20999).")
    String tcpPorts;
    @Option(names = "--udp-ports", paramLabel = "LOW-HIGH", description = "Ports UDP endpoints are allocated from (default 20000-20999; UDP ports are a space of their own).")
    String udpPorts;
    @Option(names = "--udp-max-datagram", paramLabel = "BYTES", description = "Largest UDP datagram carried; larger ones are dropped and counted (default and maximum 65507).")
    String udpMaxDatagram;
    @Option(names = "--data-dir", paramLabel = "DIR", description = "Where the dev CA, certificates and dev authtoken live (default ./burrow-data).")
    String dataDir;
    @Option(names = "--authtoken", paramLabel = "TOKEN", description = "Accept this authtoken from agents (repeatable), besides the dev authtoken.")
    List<String> authtokens;
    @Option(names = "--bind-address", paramLabel = "ADDRESS", description = "Address the listeners bind to (default 0.0.0.0).")
    String bindAddress;
    @Option(names = "--heartbeat-interval", paramLabel = "DURATION", description = "Link heartbeat interval (default 10s).")
    String heartbeatInterval;
    @Option(names = "--offline-grace", paramLabel = "DURATION", description = "How long endpoints of a disconnected agent stay reserved for it (default 60s).")
    String offlineGrace;
    @Option(names = "--ops-port", paramLabel = "PORT", description = "Health and metrics port (/healthz, /readyz, /metrics); 0 picks a free one (default 9090).")
    String opsPort;
    @Option(names = "--drain-timeout", paramLabel = "DURATION", description = "On SIGTERM, how long open exchanges may take to finish (default 30s).")
    String drainTimeout;

    @Option(names = "--event-loops", paramLabel = "N",
            description = "Event-loop threads; 0 = one per two cores, at least one (default). Fewer loops mean fewer hand-overs between threads per request; more serve more agents at once on a large machine.")
    String eventLoops;
    @Option(names = "--cluster-port", paramLabel = "PORT", description = "Hazelcast member port (default 5701).")
    String clusterPort;
    @Option(names = "--cluster-members", paramLabel = "HOST:PORT,...", description = "Other cluster members to join over TCP/IP; none: a cluster of one.")
    String clusterMembers;
    @Option(names = "--cluster-name", paramLabel = "NAME", description = "Cluster name; nodes with another name never join (default burrow).")
    String clusterName;
    @Option(names = "--cluster-join-wait", paramLabel = "DURATION", description = "How long to wait for members before forming a cluster alone (default 0s without --cluster-members, 5s with).")
    String clusterJoinWait;
    @Option(names = "--advertise-address", paramLabel = "ADDRESS", description = "Address other nodes and agents reach this node at (default: --bind-address, or 127.0.0.1 for 0.0.0.0).")
    String advertiseAddress;
    @Option(names = "--agent-advertise-address", paramLabel = "HOST[:PORT]",
            description = "Address agents are told to reach this node's agent port at (default: --advertise-address and --tunnel-port).")
    String agentAdvertiseAddress;
    @Option(names = "--region", paramLabel = "NAME", description = "This node's region; each region is its own cluster (default default).")
    String region;
    @Option(names = "--region-peers", paramLabel = "NAME=HOST:PORT,...",
            description = "The other regions and a relay address (host:relay-port) of each, overriding the region directory of the shared database (--db-url); requests for endpoints bound there are relayed.")
    String regionPeers;
    @Option(names = "--relay-port", paramLabel = "PORT", description = "Node-to-node relay link port (TLS); 0 picks a free one (default 0).")
    String relayPort;
    @Option(names = "--node-id", paramLabel = "ID", description = "This node's name in logs and metrics (default: generated).")
    String nodeId;
    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "PEM certificate chain the agent link presents (node certificate first); with --tls-key. Default: the dev certificate of the data directory.")
    String tlsCert;
    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM private key of --tls-cert.")
    String tlsKey;
    @Option(names = "--db-url", paramLabel = "JDBC_URL", description = "Tenancy database, e.g. jdbc:postgresql://db:5432/burrow (default: an H2 file in the data directory).")
    String dbUrl;
    @Option(names = "--db-user", paramLabel = "USER", description = "Tenancy database user.")
    String dbUser;
    @Option(names = "--db-password", paramLabel = "PASSWORD", description = "Tenancy database password (prefer BURROW_DB_PASSWORD).")
    String dbPassword;
    @Option(names = "--oidc-issuer", paramLabel = "URL", description = "OpenID provider whose access tokens the admin API accepts (default: only the bootstrap admin token).")
    String oidcIssuer;
    @Option(names = "--oidc-audience", paramLabel = "AUDIENCE", description = "Audience admin API access tokens must carry (default burrow).")
    String oidcAudience;
    @Option(names = "--domain-verifier", paramLabel = "dns|accept-all", description = "How custom domains are verified (default dns: a TXT record).")
    String domainVerifier;
    @Option(names = "--proxy-protocol", paramLabel = "BOOL", arity = "0..1", fallbackValue = "true",
            description = "Public HTTP and TCP connections start with a PROXY protocol v1/v2 header (from a load balancer); default false.")
    String proxyProtocol;
    @Option(names = "--proxy-protocol-trusted", paramLabel = "CIDR,...",
            description = "Peers allowed to send the PROXY header; others are disconnected (default 127.0.0.0/8,::1/128).")
    String proxyProtocolTrusted;
    @Option(names = "--policy-fetch-allow", paramLabel = "CIDR,...",
            description = "Address ranges the URLs in tenants' traffic policies (JWKS, OpenID issuer, OAuth endpoints) may lead to besides public addresses; "
                    + "loopback, link-local (169.254.169.254), private, unique-local, multicast and unspecified addresses are refused otherwise (default: none).")
    String policyFetchAllow;
    @Option(names = "--response-timeout", paramLabel = "DURATION",
            description = "How long an HTTP request waits for the agent's response head before the client gets a 504; keep it above the agents' --response-timeout (default 90s).")
    String responseTimeout;
    @Option(names = "--pipe-idle-timeout", paramLabel = "DURATION",
            description = "TCP endpoint connections and upgraded HTTP connections (WebSocket) idle this long both ways are closed at both ends; 0 = never (default 1h).")
    String pipeIdleTimeout;
    @Option(names = "--http-head-timeout", paramLabel = "DURATION",
            description = "A public request head must arrive whole within this, from the connection's start or the head's first byte (default 15s).")
    String httpHeadTimeout;
    @Option(names = "--http-idle-timeout", paramLabel = "DURATION",
            description = "Close a public keep-alive connection idle this long between requests (default 60s).")
    String httpIdleTimeout;
    @Option(names = "--http-body-idle-timeout", paramLabel = "DURATION",
            description = "A public request body that sends no byte this long is given up: 408 (or the connection closed if the answer had begun), the upstream sees the request aborted; 0 = never (default 60s).")
    String httpBodyIdleTimeout;
    @Option(names = "--http-max-header-fields", paramLabel = "N", description = "More request header fields than this get 431 (default 100).")
    String httpMaxHeaderFields;
    @Option(names = "--tcp-keepalive", paramLabel = "DURATION",
            description = "Idle time before TCP keep-alive probes on public HTTP connections; 0 turns them off (default 60s).")
    String tcpKeepalive;
    @Option(names = "--config", paramLabel = "FILE", description = "YAML file with the same keys, e.g. 'http-port: 8080' (or BURROW_CONFIG).")
    Path configFile;
    @Option(names = "--log-level", paramLabel = "debug|info|warn|error",
            description = "Lowest level of the node's log lines (or BURROW_LOG_LEVEL; default info); libraries log warnings only, unless debug.")
    String logLevel;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        AsyncCallbackPool.keepCallbacksPooled();
        System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
        int exitCode = new CommandLine(new EdgeMain()).execute(args);
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    @Override
    public Integer call() {
        String badLevel = EdgeLogging.configure(logLevel != null ? logLevel : System.getenv("BURROW_LOG_LEVEL"));
        if (badLevel != null) {
            System.err.println("burrow-edge: " + badLevel);
            return EXIT_BAD_CONFIG;
        }
        EdgeConfig config;
        dev.burrow.edge.config.TenancySettings tenancy;
        dev.burrow.edge.config.UdpSettings udp;
        try {
            config = ConfigResolver.resolve(flags(), System.getenv(), configFile);
            tenancy = ConfigResolver.resolveTenancy(flags(), System.getenv(), configFile);
            udp = ConfigResolver.resolveUdp(flags(), System.getenv(), configFile);
        } catch (ConfigException e) {
            System.err.println("burrow-edge: " + e.getMessage());
            return EXIT_BAD_CONFIG;
        }
        EdgeNode node;
        try {
            node = EdgeNode.start(config, tenancy, udp).toCompletionStage().toCompletableFuture()
                    .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            System.err.println("burrow-edge: the edge node did not finish starting within " + START_TIMEOUT.toSeconds()
                    + " s (the cluster join or the tenancy store is not answering, or the machine is overloaded); "
                    + "run with --log-level debug to see which step it was in");
            return EXIT_START_FAILED;
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.err.println("burrow-edge: " + (cause instanceof EdgeStartException || cause instanceof ConfigException
                    ? cause.getMessage() : "the edge node could not start: " + cause));
            return EXIT_START_FAILED;
        }
        printReady(node, System.out);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // shutting down anyway
            }
        }, "burrow-edge-shutdown"));
        drainOnSigterm(node, config);
        return 0;
    }

    /**
     * SIGTERM drains the node ({@link EdgeNode#drain()}) and then exits 0; a second SIGTERM, or the drain overrunning
     * its timeout by {@link #DRAIN_SLACK}, still exits. Other signals (SIGINT) take the plain shutdown hook. Where the
     * JVM offers no signal API, SIGTERM falls back to the shutdown hook too.
     */
    private static void drainOnSigterm(EdgeNode node, EdgeConfig config) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
                if (node.isDraining()) {
                    return;
                }
                Thread drainer = new Thread(() -> {
                    int exitCode = 0;
                    try {
                        java.time.Duration took = node.drain().toCompletionStage().toCompletableFuture()
                                .get(config.drainTimeout().plus(DRAIN_SLACK).toMillis(), TimeUnit.MILLISECONDS);
                        System.err.println("burrow-edge: drained in " + took.toMillis() + " ms; exiting");
                    } catch (Exception e) {
                        System.err.println("burrow-edge: the drain did not finish cleanly: " + e);
                        exitCode = 1;
                    }
                    System.exit(exitCode);
                }, "burrow-edge-drain");
                drainer.setDaemon(true);
                drainer.start();
            });
        } catch (IllegalArgumentException | LinkageError e) {
            System.err.println("burrow-edge: cannot handle SIGTERM (" + e + "); it will stop the node without draining");
        }
    }

    /** Time a drain may overrun its timeout (closing links, leaving the cluster) before the process exits anyway. */
    static final java.time.Duration DRAIN_SLACK = java.time.Duration.ofSeconds(15);

    /** The startup contract: these lines, once each, in this order (tests parse them). */
    static void printReady(EdgeNode node, PrintStream out) {
        EdgeConfig config = node.config();
        out.println("Public HTTP listening on " + config.bindAddress() + ":" + node.httpPort());
        out.println("Public HTTPS listening on " + config.bindAddress() + ":" + node.httpsPort());
        out.println("Agent link (TLS) listening on " + config.bindAddress() + ":" + node.tunnelPort());
        out.println("TCP endpoints allocated from " + config.tcpPorts().low() + "-" + config.tcpPorts().high());
        out.println("UDP endpoints allocated from " + node.udpPorts());
        out.println("Dev CA certificate: " + node.caCertPath().toAbsolutePath());
        out.println("Authtoken: " + node.devAuthtoken());
        // The admin token is a full administrator credential: print it once, when created, never on every start.
        out.println("Admin token: " + (node.adminTokenCreated() ? node.adminToken() + " (saved in " + node.adminTokenFile().toAbsolutePath() + ")"
                : "in " + node.adminTokenFile().toAbsolutePath()));
        out.println("Relay link (TLS) listening on " + config.bindAddress() + ":" + node.relayPort());
        out.println("Ops (healthz, readyz, metrics) listening on " + config.bindAddress() + ":" + node.opsPort());
        out.println("Cluster member " + node.nodeId() + " at " + config.cluster().advertiseAddress() + ":" + node.clusterPort()
                + " in cluster " + config.cluster().name() + " (" + node.clusterMemberCount() + " members)");
        if (!config.cluster().regionPeers().isEmpty() || !config.cluster().region().equals(dev.burrow.edge.config.ClusterSettings.DEFAULT_REGION)) {
            out.println("Region " + config.cluster().region() + " (peer regions from the region directory"
                    + (config.cluster().regionPeers().isEmpty() ? "" : ", and " + config.cluster().regionPeers().stream()
                    .map(p -> p.region() + "=" + p.address()).toList()) + ")");
        }
        if (config.tls() != null) {
            out.println("Agent link certificate: " + config.tls().cert() + " (--tls-cert)");
        }
        out.println("Edge node ready");
        out.flush();
    }

    /**
     * The flags given, by setting: every option named after a {@link ConfigKey} ({@code --http-port} is
     * {@code HTTP_PORT}), so a new setting needs only its key and its option field.
     */
    Map<ConfigKey, List<String>> flags() {
        Map<ConfigKey, List<String>> flags = new EnumMap<>(ConfigKey.class);
        for (CommandLine.Model.OptionSpec option : spec.options()) {
            ConfigKey key = ConfigKey.fromYamlKey(option.longestName().replaceFirst("^--", ""));
            Object value = option.getValue();
            if (key == null || value == null) {
                continue;
            }
            List<String> values = value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of(value.toString());
            if (!values.isEmpty()) {
                flags.put(key, values);
            }
        }
        return flags;
    }
}
