package dev.burrow.testsupport.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the kernel says about a server socket's TCP keep-alive, read with {@code ss -tno} (iproute2): the time left
 * before the next probe of the established connection between a server port and a client port. A socket without
 * keep-alive has no such timer; one with the kernel's default shows about two hours.
 */
public final class KeepAliveTimer {
    private static final Pattern TIMER = Pattern.compile("timer:\\(keepalive,(?:(\\d+)min)?(?:([0-9.]+)sec)?(?:([0-9]+)ms)?,");

    private KeepAliveTimer() {
    }

    /** Whether {@code ss} is installed ({@code .ci/setup.d/31-iproute2.sh} installs it). */
    public static boolean available() {
        return Tools.find("ss").isPresent();
    }

    /** The time left before the next probe on the server side of serverPort ↔ clientPort, or null without a timer. */
    public static Duration of(int serverPort, int clientPort) throws IOException, InterruptedException {
        Process ss = new ProcessBuilder("ss", "-tnoH", "state", "established",
                "( sport = :" + serverPort + " and dport = :" + clientPort + " )").redirectErrorStream(true).start();
        if (!ss.waitFor(10, TimeUnit.SECONDS)) {
            ss.destroyForcibly();
            throw new IOException("ss did not finish within 10 s");
        }
        String line = new String(ss.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        Matcher m = TIMER.matcher(line);
        if (!m.find()) {
            return null;
        }
        double seconds = (m.group(1) == null ? 0 : 60 * Long.parseLong(m.group(1)))
                + (m.group(2) == null ? 0 : Double.parseDouble(m.group(2)))
                + (m.group(3) == null ? 0 : Long.parseLong(m.group(3)) / 1000.0);
        return Duration.ofMillis((long) (seconds * 1000));
    }
}
