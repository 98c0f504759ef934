package dev.burrow.testsupport.tools;

import dev.burrow.testsupport.TempDirs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A short wrk run against an edge's public HTTP port (Host header names the endpoint) with a Lua script that checks
 * every response's status and body against a file, byte for byte.
 */
public final class Wrk {

    private static final String SCRIPT = "wrk-body-check.lua";
    private static final Pattern CHECK = Pattern.compile("body-check ok=(\\d+) wrong=(\\d+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    private Wrk() {
    }

    /** What wrk reported: responses whose body matched, those that did not, non-2xx/3xx, socket errors. */
    public record Result(ClientRun run, long matched, long wrong, long non2xx, long socketErrors) {
    }

    public static Result run(int edgePort, String host, String path, Path expectedBody, int connections, Duration duration) {
        Path wrk = Tools.require("wrk");
        Path dir = Tools.copyResourceToTempDir(SCRIPT);
        try {
            ClientRun run = ClientRun.run(List.of(wrk.toString(), "-t2", "-c" + connections, "-d" + duration.toSeconds() + "s",
                    "--timeout", "10s", "-H", "Host: " + host, "-s", dir.resolve(SCRIPT).toString(),
                    "http://127.0.0.1:" + edgePort + path, "--", expectedBody.toString()), duration.plusSeconds(30));
            String out = run.stdout();
            Matcher check = CHECK.matcher(out);
            if (!check.find()) {
                throw new AssertionError("wrk printed no body-check line: " + run.describe());
            }
            Matcher non2xx = NON_2XX.matcher(out);
            Matcher errors = SOCKET_ERRORS.matcher(out);
            long socketErrors = 0;
            if (errors.find()) {
                for (int g = 1; g <= 4; g++) {
                    socketErrors += Long.parseLong(errors.group(g));
                }
            }
            return new Result(run, Long.parseLong(check.group(1)), Long.parseLong(check.group(2)),
                    non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, socketErrors);
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }
}
