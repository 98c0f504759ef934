package dev.burrow.testsupport.tools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * curl against an edge's public HTTP port: connects to 127.0.0.1 and names the endpoint in the Host header, as a
 * browser resolving *.localhost would. The body goes to stdout (digested by {@link ClientRun}); the status and the
 * byte count curl saw go to stderr, where {@link Result} reads them.
 */
public final class Curl {

    /** The HTTP version curl speaks to the edge. */
    public enum Version {
        HTTP_1_0("--http1.0"), HTTP_1_1("--http1.1");

        private final String flag;

        Version(String flag) {
            this.flag = flag;
        }

        public String flag() {
            return flag;
        }
    }

    private static final String WRITE_OUT = "%{stderr}\\ncurl-result status=%{http_code} bytes=%{size_download}\\n";
    private static final Pattern RESULT = Pattern.compile("curl-result status=(\\d+) bytes=(\\d+)");

    private Curl() {
    }

    /** What one GET gave: the run (exit code, body digest) and the status line's code (0 if none came). */
    public record Result(ClientRun run, int status) {
        public boolean cleanExit() {
            return !run.timedOut() && run.exitCode() == 0;
        }
    }

    /**
     * {@code curl -i --http1.1} over HTTPS to {@code https://NAME:httpsPort/path}, NAME resolved to loopback, trusting
     * only {@code caPem}; headers and body on stdout. {@code extra} goes before the URL.
     */
    public static ClientRun https(int httpsPort, java.nio.file.Path caPem, String name, String path, String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-sS", "-i", "--http1.1", "--max-time", "10",
                "--cacert", caPem.toString(), "--resolve", name + ":" + httpsPort + ":127.0.0.1"));
        args.addAll(java.util.List.of(extra));
        args.add("https://" + name + ":" + httpsPort + path);
        return run(args.toArray(new String[0]));
    }

    /** curl with these arguments, bounded to 20 s. */
    public static ClientRun run(String... args) {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(Tools.require("curl").toString());
        command.addAll(java.util.List.of(args));
        return ClientRun.run(command, Duration.ofSeconds(20));
    }

    /** The first line of what curl printed with {@code -i} (the status line), without its CRLF. */
    public static String statusLine(ClientRun run) {
        String out = run.stdout() == null ? "" : run.stdout();
        int end = out.indexOf("\r\n");
        return end < 0 ? out : out.substring(0, end);
    }

    /** GET {@code http://127.0.0.1:<edgePort><path>} with {@code Host: <host>}, bounded by {@code maxTime}. */
    public static Result get(Version version, int edgePort, String host, String path, Duration maxTime) {
        return result(start(version, edgePort, host, path, maxTime).await());
    }

    /** The same GET, started in the background; {@link #result} reads what it gave. */
    public static ClientRun.Running start(Version version, int edgePort, String host, String path, Duration maxTime) {
        List<String> command = new ArrayList<>(List.of(Tools.require("curl").toString(), "-sS", version.flag(),
                "-o", "-", "-H", "Host: " + host, "--max-time", Long.toString(maxTime.toSeconds()),
                "-w", WRITE_OUT, "http://127.0.0.1:" + edgePort + path));
        return ClientRun.start(command, maxTime.plusSeconds(10));
    }

    public static Result result(ClientRun run) {
        Matcher m = RESULT.matcher(run.stderr());
        return new Result(run, m.find() ? Integer.parseInt(m.group(1)) : 0);
    }
}
