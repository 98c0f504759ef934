package dev.burrow.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real agent CLI ({@code dev.burrow.agent.cli.BurrowCli http|tcp …}) in its own JVM, pointed at an
 * {@link EdgeProcess} (its tunnel port, its authtoken, its dev CA unless told otherwise), with its web interface on a
 * port from the OS and its own empty HOME (so no {@code ~/.config/burrow/burrow.yml} of the developer applies).
 *
 * <pre>{@code
 * try (AgentProcess agent = AgentProcess.http(edge, upstream.httpAddress()).subdomain("demo").start()) {
 *     agent.publicUrl();   // http://demo.localhost:<port>
 *     agent.webPort();
 * }
 * // an agent that must fail:
 * AgentProcess bad = AgentProcess.http(edge, "3000").authtoken("wrong").launch();
 * int code = bad.awaitExit(Duration.ofSeconds(20));
 * }</pre>
 */
public final class AgentProcess implements AutoCloseable {

    public static final String MAIN_CLASS = "dev.burrow.agent.cli.BurrowCli";
    public static final Duration DEFAULT_START_TIMEOUT = JvmProcessBuilder.DEFAULT_START_TIMEOUT;

    public static final Pattern FORWARDING_LINE = Pattern.compile("^Forwarding (\\S+) -> (\\S+)\\s*$");
    public static final Pattern WEB_LINE = Pattern.compile("^Web interface (http://\\S+?)/?\\s*$");
    public static final Pattern LINK_LOST_LINE = Pattern.compile("^Link to the edge lost \\(.*\\); reconnecting");
    public static final Pattern RECONNECTED_LINE = Pattern.compile("^Reconnected; forwarding resumed");

    private final ManagedProcess process;
    private final Path home;
    private String publicUrl;
    private String upstream;
    private String webHost;
    private int webPort;

    private AgentProcess(ManagedProcess process, Path home) {
        this.process = process;
        this.home = home;
    }

    /** {@code burrow http <target>} against {@code edge}. */
    public static Builder http(EdgeProcess edge, String target) {
        return new Builder(edge, "http", target);
    }

    /**
     * {@code burrow start --all} against {@code edge}: the endpoints of the config file(s) given with
     * {@code .arg("--config", file)}; {@link #publicUrl()} is the first endpoint's.
     */
    public static Builder startAll(EdgeProcess edge) {
        return new Builder(edge, "start", "--all");
    }

    /** {@code burrow tcp <target>} against {@code edge}. */
    public static Builder tcp(EdgeProcess edge, String target) {
        return new Builder(edge, "tcp", target);
    }

    /** {@code burrow tls <target>} against {@code edge}: a TLS endpoint routed by SNI on the edge's HTTPS port. */
    public static Builder tls(EdgeProcess edge, String target) {
        return new Builder(edge, "tls", target);
    }

    /** {@code burrow udp <target>} against {@code edge}. */
    public static Builder udp(EdgeProcess edge, String target) {
        return new Builder(edge, "udp", target);
    }

    /** Waits for {@code Forwarding <url> -> <upstream>} and {@code Web interface http://host:port} on stdout. */
    public AgentProcess awaitForwarding(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Matcher fwd = matchStdout(FORWARDING_LINE, timeout);
        publicUrl = fwd.group(1);
        upstream = fwd.group(2);
        Matcher web = matchStdout(WEB_LINE, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        URI uri = URI.create(web.group(1));
        webHost = uri.getHost();
        webPort = uri.getPort();
        return this;
    }

    private Matcher matchStdout(Pattern pattern, Duration timeout) {
        ManagedProcess.OutputLine line = process.awaitLine(
                l -> l.stream() == ManagedProcess.Stream.STDOUT && pattern.matcher(l.text()).find(), timeout,
                "stdout line matching /" + pattern + "/");
        Matcher m = pattern.matcher(line.text());
        m.find();
        return m;
    }

    /** The public URL of the first {@code Forwarding} line, e.g. {@code http://NAME.localhost:PORT}. */
    public String publicUrl() {
        return publicUrl;
    }

    /** The upstream of the first {@code Forwarding} line, as the agent printed it. */
    public String upstream() {
        return upstream;
    }

    /** The host part of an HTTP public URL (with port), for the Host header. */
    public String publicHost() {
        return URI.create(publicUrl).getAuthority();
    }

    /** The port of the public URL (for tcp://localhost:PORT, the allocated TCP port). */
    public int publicPort() {
        return URI.create(publicUrl).getPort();
    }

    public String webHost() {
        return webHost;
    }

    public int webPort() {
        return webPort;
    }

    /** {@code http://host:port} of the agent's web interface / API. */
    public String webUrl() {
        return "http://" + webHost + ":" + webPort;
    }

    public ManagedProcess process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int awaitExit(Duration timeout) {
        return process.awaitExit(timeout);
    }

    /** Lines on stderr that begin with {@code ERROR: }. */
    public List<String> errorLines() {
        return process.output().stream().map(ManagedProcess.OutputLine::text).filter(t -> t.startsWith("ERROR: ")).toList();
    }

    /**
     * Lines a logging library wrote (slf4j-simple's "1234 [thread] WARN logger - …", java.util.logging's
     * "WARNING: …"): the agent's screen should carry only its own sentences.
     */
    public List<String> libraryLogLines() {
        Pattern logged = Pattern.compile("^\\d+ \\[[^\\]]+\\] (TRACE|DEBUG|INFO|WARN|ERROR) |^(WARNING|SEVERE): ");
        return process.output().stream().map(ManagedProcess.OutputLine::text).filter(t -> logged.matcher(t).find()).toList();
    }

    /** Lines that look like a Java stack trace (frames, "Caused by", "Exception in thread"). */
    public List<String> stackTraceLines() {
        Pattern frame = Pattern.compile("^\\s+at [\\w$.]+\\(.*\\)\\s*$|^Caused by: |^Exception in thread |^\\s+\\.\\.\\. \\d+ more");
        return process.output().stream().map(ManagedProcess.OutputLine::text).filter(t -> frame.matcher(t).find()).toList();
    }

    /** SIGKILL: the link drops without an unbind. */
    public void kill() {
        process.kill();
    }

    /** SIGTERM, SIGKILL after {@code grace}. */
    public void stop(Duration grace) {
        process.stop(grace);
    }

    @Override
    public void close() {
        process.close();
        EdgeProcess.deleteRecursively(home);
    }

    @Override
    public String toString() {
        return "agent(" + publicUrl + " -> " + upstream + ", " + process + ")";
    }

    public static final class Builder extends JvmProcessBuilder<Builder> {
        private final EdgeProcess edge;
        private final String command;
        private final String target;
        private String name;
        private String server;
        private String authtoken;
        private Path edgeCa;
        private boolean useEdgeCa = true;
        private String subdomain;
        private String url;
        private String webAddr = "127.0.0.1:0";
        private String heartbeatInterval;

        private Builder(EdgeProcess edge, String command, String target) {
            this.edge = edge;
            this.command = command;
            this.target = target;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** --server; default the edge's 127.0.0.1:tunnelPort. */
        public Builder server(String hostPort) {
            this.server = hostPort;
            return this;
        }

        /** --authtoken; default the one the edge printed. */
        public Builder authtoken(String token) {
            this.authtoken = token;
            return this;
        }

        /** --edge-ca; default the edge's dev CA. */
        public Builder edgeCa(Path caPem) {
            this.edgeCa = caPem;
            this.useEdgeCa = true;
            return this;
        }

        /** No --edge-ca at all: the agent must rely on the system trust store. */
        public Builder withoutEdgeCa() {
            this.edgeCa = null;
            this.useEdgeCa = false;
            return this;
        }

        public Builder subdomain(String subdomain) {
            this.subdomain = subdomain;
            return this;
        }

        /** --url NAME.DOMAIN */
        public Builder url(String url) {
            this.url = url;
            return this;
        }

        /** --web-addr; default 127.0.0.1:0 (a port from the OS, printed on the Web interface line). */
        public Builder webAddr(String webAddr) {
            this.webAddr = webAddr;
            return this;
        }

        public Builder heartbeatInterval(String interval) {
            this.heartbeatInterval = interval;
            return this;
        }

        /**
         * For an agent expected to exit within seconds: C1 only, which starts faster and costs less CPU than
         * tiered compilation (never for an agent that moves bulk data).
         */
        public Builder shortLived() {
            jvmArgs.add("-XX:TieredStopAtLevel=1");
            return this;
        }

        public List<String> cliArgs() {
            List<String> args = new ArrayList<>(List.of(command, target,
                    "--server", server != null ? server : edge.serverAddress(),
                    "--authtoken", authtoken != null ? authtoken : edge.authtoken(),
                    "--web-addr", webAddr));
            if (useEdgeCa) {
                args.add("--edge-ca");
                args.add((edgeCa != null ? edgeCa : edge.caPath()).toString());
            }
            if (subdomain != null) {
                args.add("--subdomain");
                args.add(subdomain);
            }
            if (url != null) {
                args.add("--url");
                args.add(url);
            }
            if (heartbeatInterval != null) {
                args.add("--heartbeat-interval");
                args.add(heartbeatInterval);
            }
            args.addAll(extraArgs);
            return args;
        }

        /** Starts the process and returns at once (for agents that are expected to fail). */
        public AgentProcess launch() {
            Path home;
            try {
                home = Files.createTempDirectory("burrow-agent-home-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String processName = name != null ? name : "agent-" + command + (subdomain != null ? "-" + subdomain : "");
            ManagedProcess p = new ManagedProcess(processName,
                    JavaCommand.of(heapMb, withUserHome(home), MAIN_CLASS, cliArgs()),
                    Map.of("HOME", home.toString()), home);
            return new AgentProcess(p, home);
        }

        private List<String> withUserHome(Path home) {
            List<String> all = new ArrayList<>(jvmArgs);
            all.add("-Duser.home=" + home);
            return all;
        }

        /** Starts the process and waits until it prints its Forwarding and Web interface lines. */
        public AgentProcess start() {
            AgentProcess agent = launch();
            try {
                return agent.awaitForwarding(MachineLoad.scaled(startTimeout));
            } catch (RuntimeException | Error e) {
                agent.close();
                throw e;
            }
        }
    }
}
