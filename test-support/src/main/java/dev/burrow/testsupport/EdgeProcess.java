package dev.burrow.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real edge node ({@code dev.burrow.edge.EdgeMain}) in its own JVM, on loopback, with ports from the OS and a
 * fresh data directory. {@link #restart()} brings it back on the same ports and data directory (same CA, same
 * authtoken), which is what an agent's reconnect needs.
 *
 * <pre>{@code
 * try (EdgeProcess edge = EdgeProcess.builder().heartbeatInterval("1s").start()) {
 *     edge.httpPort(); edge.tunnelPort(); edge.caPath(); edge.authtoken();
 * }
 * }</pre>
 */
public final class EdgeProcess implements AutoCloseable {

    public static final String MAIN_CLASS = "dev.burrow.edge.EdgeMain";
    public static final Duration DEFAULT_START_TIMEOUT = JvmProcessBuilder.DEFAULT_START_TIMEOUT;
    /**
     * The operator's opt-in that lets policies fetch from loopback (the test's JWKS and OpenID provider live there); an
     * edge without it refuses such fetches.
     */
    public static final String[] ALLOW_LOOPBACK_POLICY_FETCHES = {"--policy-fetch-allow", "127.0.0.0/8,::1/128"};

    private static final Pattern HTTP_LINE = Pattern.compile("^Public HTTP listening on (\\S+):(\\d+)\\s*$");
    private static final Pattern HTTPS_LINE = Pattern.compile("^Public HTTPS listening on (\\S+):(\\d+)\\s*$");
    private static final Pattern TUNNEL_LINE = Pattern.compile("^Agent link \\(TLS\\) listening on (\\S+):(\\d+)\\s*$");
    private static final Pattern TCP_LINE = Pattern.compile("^TCP endpoints allocated from (\\d+)-(\\d+)\\s*$");
    private static final Pattern CA_LINE = Pattern.compile("^Dev CA certificate: (.+?)\\s*$");
    private static final Pattern TOKEN_LINE = Pattern.compile("^Authtoken: (\\S+)\\s*$");
    private static final Pattern ADMIN_TOKEN_LINE = Pattern.compile("^Admin token: (\\S+)");
    private static final Pattern RELAY_LINE = Pattern.compile("^Relay link \\(TLS\\) listening on (\\S+):(\\d+)\\s*$");
    private static final Pattern OPS_LINE = Pattern.compile("^Ops \\(healthz, readyz, metrics\\) listening on (\\S+):(\\d+)\\s*$");
    private static final String READY_LINE = "Edge node ready";

    private final Builder options;
    private final Path dataDir;
    private final FreePorts.Range tcpPorts;
    private final List<ManagedProcess> generations = new ArrayList<>();
    private ManagedProcess current;
    private int httpPort;
    private int httpsPort;
    private int tunnelPort;
    private Path caPath;
    private String authtoken;
    private String adminToken;
    private int opsPort;
    private int relayPort;

    private EdgeProcess(Builder options) {
        this.options = options;
        try {
            this.dataDir = options.dataDir != null ? options.dataDir : Files.createTempDirectory("burrow-edge-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.tcpPorts = options.tcpPorts != null ? options.tcpPorts : FreePorts.freeRange(options.tcpPortCount);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** An edge with every default: 256 MiB heap, domain localhost, a generated authtoken. */
    public static EdgeProcess start() {
        return builder().start();
    }

    private void launch(int httpPortArg, int tunnelPortArg) {
        awaitReady(spawn(httpPortArg, tunnelPortArg));
    }

    private ManagedProcess spawn(int httpPortArg, int tunnelPortArg) {
        List<String> args = new ArrayList<>(List.of(
                "--http-port", Integer.toString(httpPortArg),
                "--tunnel-port", Integer.toString(tunnelPortArg),
                "--bind-address", options.bindAddress,
                "--domain", options.domain,
                "--tcp-ports", tcpPorts.flag(),
                "--data-dir", dataDir.toString()));
        if (options.authtoken != null) {
            args.add("--authtoken");
            args.add(options.authtoken);
        }
        if (options.heartbeatInterval != null) {
            args.add("--heartbeat-interval");
            args.add(options.heartbeatInterval);
        }
        if (options.offlineGrace != null) {
            args.add("--offline-grace");
            args.add(options.offlineGrace);
        }
        if (!options.extraArgs.contains("--https-port")) {
            // The HTTPS port defaults to 8443; a restart keeps the port of the first run.
            args.add("--https-port");
            args.add(Integer.toString(httpsPort));
        }
        if (!options.extraArgs.contains("--ops-port")) {
            // The ops port defaults to 9090; many edges run side by side in the tests.
            args.add("--ops-port");
            args.add("0");
        }
        args.addAll(options.extraArgs);
        String name = options.name + (generations.isEmpty() ? "" : "-restart" + generations.size());
        ManagedProcess p = new ManagedProcess(name,
                JavaCommand.of(options.heapMb, options.jvmArgs, MAIN_CLASS, args),
                Map.of("HOME", dataDir.toString()), dataDir);
        generations.add(p);
        current = p;
        return p;
    }

    private void awaitReady(ManagedProcess p) {
        p.awaitLine(l -> l.stream() == ManagedProcess.Stream.STDOUT && l.text().trim().equals(READY_LINE),
                MachineLoad.scaled(options.startTimeout), "'" + READY_LINE + "' on stdout");
        Matcher http = stdoutMatch(p, HTTP_LINE);
        Matcher tunnel = stdoutMatch(p, TUNNEL_LINE);
        Matcher tcp = stdoutMatch(p, TCP_LINE);
        Matcher ca = stdoutMatch(p, CA_LINE);
        Matcher token = stdoutMatch(p, TOKEN_LINE);
        int newHttp = Integer.parseInt(http.group(2));
        int newTunnel = Integer.parseInt(tunnel.group(2));
        if (httpPort != 0 && (newHttp != httpPort || newTunnel != tunnelPort)) {
            throw new AssertionError("edge restarted on other ports: http " + newHttp + " (was " + httpPort
                    + "), tunnel " + newTunnel + " (was " + tunnelPort + ")\n" + p.tail(40));
        }
        httpPort = newHttp;
        tunnelPort = newTunnel;
        String https = optionalStdoutGroup(p, HTTPS_LINE, 2);
        httpsPort = https == null ? 0 : Integer.parseInt(https);
        if (!tcp.group(1).equals(Integer.toString(tcpPorts.low())) || !tcp.group(2).equals(Integer.toString(tcpPorts.high()))) {
            throw new AssertionError("edge printed TCP range " + tcp.group(1) + "-" + tcp.group(2) + ", asked for "
                    + tcpPorts.flag() + "\n" + p.tail(40));
        }
        caPath = Path.of(ca.group(1));
        if (!caPath.isAbsolute() || !Files.isRegularFile(caPath)) {
            throw new AssertionError("Dev CA certificate path is not an absolute path of a file: " + caPath);
        }
        authtoken = token.group(1);
        adminToken = adminTokenOf(optionalStdoutGroup(p, ADMIN_TOKEN_LINE, 1));
        String ops = optionalStdoutGroup(p, OPS_LINE, 2);
        opsPort = ops == null ? 0 : Integer.parseInt(ops);
        String relay = optionalStdoutGroup(p, RELAY_LINE, 2);
        relayPort = relay == null ? 0 : Integer.parseInt(relay);
    }

    /** The node prints the admin token only when it creates it; on later starts it is read from the data directory. */
    private String adminTokenOf(String printed) {
        if (printed != null && !printed.equals("in")) {
            return printed;
        }
        Path file = dataDir.resolve("admin-token");
        try {
            return Files.isRegularFile(file) ? Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII).trim() : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the admin token file " + file, e);
        }
    }

    private static String optionalStdoutGroup(ManagedProcess p, Pattern pattern, int group) {
        for (String line : p.stdoutLines()) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m.group(group);
            }
        }
        return null;
    }

    private static Matcher stdoutMatch(ManagedProcess p, Pattern pattern) {
        for (String line : p.stdoutLines()) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                return m;
            }
        }
        throw new AssertionError("edge said it was ready but printed no stdout line matching /" + pattern + "/\n"
                + p.tail(40));
    }

    /** SIGKILL (kill -9): the agent's link drops without a go-away. */
    public void kill() {
        current.kill();
    }

    /** SIGTERM without waiting: the node drains; {@code process().awaitExit(...)} waits for it. */
    public void terminate() {
        current.terminate();
    }

    /** SIGTERM, SIGKILL after {@code grace}. */
    public void stop(Duration grace) {
        current.stop(grace);
    }

    /** Kills the node if it still runs, then starts it again on the same ports and data directory. */
    public void restart() {
        if (current.isAlive()) {
            current.kill();
        }
        launch(httpPort, tunnelPort);
    }

    /** Starts the node again after {@link #kill()} or {@link #stop}, on the same ports and data directory. */
    public void startAgain() {
        if (current.isAlive()) {
            throw new IllegalStateException("edge is running");
        }
        launch(httpPort, tunnelPort);
    }

    public boolean isAlive() {
        return current.isAlive();
    }

    /** The process of the current run (after a restart, the new one). */
    public ManagedProcess process() {
        return current;
    }

    /** Every process this edge has been, oldest first. */
    public List<ManagedProcess> generations() {
        return List.copyOf(generations);
    }

    public int httpPort() {
        return httpPort;
    }

    /** The public HTTPS port (kept across restarts); 0 when the node printed none. */
    public int httpsPort() {
        return httpsPort;
    }

    public int tunnelPort() {
        return tunnelPort;
    }

    /** The ops port of the current run (/healthz, /readyz, /metrics, admin API); it changes on a restart unless fixed by a flag. */
    /** The node-to-node relay port it printed (0 if it printed none). */
    public int relayPort() {
        return relayPort;
    }

    public int opsPort() {
        return opsPort;
    }

    /** The HTTP status of {@code GET /readyz} on the ops port, or -1 when it does not answer. */
    public int readyStatus() {
        return Integer.parseInt(readiness().split(" ", 2)[0]);
    }

    /** {@code GET /readyz} as "STATUS BODY" (for example "503 not ready: draining"), or "-1 ERROR" when it does not answer. */
    public String readiness() {
        try {
            java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://" + options.bindAddress + ":" + opsPort + "/readyz"))
                            .timeout(Duration.ofSeconds(2)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return response.statusCode() + " " + response.body().trim();
        } catch (IOException e) {
            return "-1 " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "-1 interrupted";
        }
    }

    /** {@code <bind address>:<tunnel port>} (127.0.0.1 unless told otherwise), for the agent's --server. */
    public String serverAddress() {
        return options.bindAddress + ":" + tunnelPort;
    }

    /** The loopback address the node's listeners bind to. */
    public String bindAddress() {
        return options.bindAddress;
    }

    public Path caPath() {
        return caPath;
    }

    public String authtoken() {
        return authtoken;
    }

    /** The bootstrap admin token: printed by the node when it created it ("Admin token: …"), else read from its data directory. */
    public String adminToken() {
        return adminToken;
    }

    /** A client of this node's admin API, authenticated with the bootstrap admin token. */
    public AdminClient admin() {
        return new AdminClient(options.bindAddress, opsPort, adminToken);
    }

    public String domain() {
        return options.domain;
    }

    public FreePorts.Range tcpPorts() {
        return tcpPorts;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The Host header of an HTTP endpoint: {@code NAME.localhost:<http port>}. */
    public String hostHeader(String name) {
        return name + "." + options.domain + ":" + httpPort;
    }

    /** {@code http://NAME.localhost:<http port>}, the public URL an agent should print for subdomain NAME. */
    public String publicHttpUrl(String name) {
        return "http://" + hostHeader(name);
    }

    /** Stops the node (SIGTERM, then SIGKILL) and deletes its data directory unless it was given by the caller. */
    @Override
    public void close() {
        for (ManagedProcess p : generations) {
            p.close();
        }
        if (options.dataDir == null) {
            deleteRecursively(dataDir);
        }
    }

    static void deleteRecursively(Path dir) {
        TempDirs.deleteRecursively(dir);
    }

    @Override
    public String toString() {
        return "edge(http " + httpPort + ", tunnel " + tunnelPort + ", " + current + ")";
    }

    public static final class Builder extends JvmProcessBuilder<Builder> {
        private String name = "edge";
        private String bindAddress = "127.0.0.1";
        private String domain = "localhost";
        private String authtoken;
        private String heartbeatInterval;
        private String offlineGrace;
        private Path dataDir;
        private FreePorts.Range tcpPorts;
        private int tcpPortCount = 8;
        private int firstTunnelPort;
        private int firstHttpPort;

        private Builder() {
        }

        /** Names the log file and the process in failure output. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** --bind-address: another loopback address (127.0.0.2, …) lets several nodes of one cluster share TCP ports. */
        public Builder bindAddress(String address) {
            this.bindAddress = address;
            return this;
        }

        public Builder domain(String domain) {
            this.domain = domain;
            return this;
        }

        /** Accept this authtoken (--authtoken); without it the node makes and prints its own. */
        public Builder authtoken(String authtoken) {
            this.authtoken = authtoken;
            return this;
        }

        /** --heartbeat-interval, for example "1s". */
        public Builder heartbeatInterval(String interval) {
            this.heartbeatInterval = interval;
            return this;
        }

        /** --offline-grace, for example "60s": how long an endpoint whose agent vanished stays (as offline). */
        public Builder offlineGrace(String grace) {
            this.offlineGrace = grace;
            return this;
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder tcpPorts(FreePorts.Range range) {
            this.tcpPorts = range;
            return this;
        }

        /** How many TCP endpoint ports to reserve when no range is given (a free run is probed). */
        public Builder tcpPortCount(int count) {
            this.tcpPortCount = count;
            return this;
        }

        /**
         * Starts a node that is expected to refuse to start (a bad setting): waits up to {@code timeout} for it to
         * exit and returns it; {@code process()} has the exit code and output. Close it to delete its data directory.
         */
        public EdgeProcess launchExpectingExit(Duration timeout) {
            EdgeProcess edge = new EdgeProcess(this);
            try {
                edge.spawn(0, 0).awaitExit(timeout);
            } catch (RuntimeException | Error e) {
                edge.close();
                throw e;
            }
            return edge;
        }

        /** The public HTTP port of the first start (default 0: a free one), for a test that must know it in advance. */
        public Builder httpPort(int port) {
            this.firstHttpPort = port;
            return this;
        }

        /** The agent link port of the first start (default 0: a free one), for a test that must know it in advance. */
        public Builder tunnelPort(int port) {
            this.firstTunnelPort = port;
            return this;
        }

        /** Lets policies fetch from loopback ({@link #ALLOW_LOOPBACK_POLICY_FETCHES}). */
        public Builder allowingLoopbackPolicyFetches() {
            return arg(ALLOW_LOOPBACK_POLICY_FETCHES);
        }

        public EdgeProcess start() {
            EdgeProcess edge = new EdgeProcess(this);
            try {
                edge.launch(firstHttpPort, firstTunnelPort);
            } catch (RuntimeException | Error e) {
                edge.close();
                throw e;
            }
            return edge;
        }
    }
}
