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
