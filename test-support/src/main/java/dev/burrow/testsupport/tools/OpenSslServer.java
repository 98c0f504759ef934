package dev.burrow.testsupport.tools;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code openssl s_server -www} on a port from the OS, presenting the given certificate: a TLS upstream that answers
 * {@code GET /} with a status page (it names the cipher), as a stand-in for any service holding its own certificate.
 */
public final class OpenSslServer implements AutoCloseable {
    private static final Pattern ACCEPT = Pattern.compile("^ACCEPT \\S*:(\\d+)\\s*$");

    private final ToolProcess process;
    private final int port;

    private OpenSslServer(ToolProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    public static OpenSslServer start(Path cert, Path key) {
        Path openssl = Tools.require("openssl");
        ToolProcess p = ToolProcess.start("openssl-s_server", List.of(openssl.toString(), "s_server", "-accept", "0",
                "-cert", cert.toString(), "-key", key.toString(), "-www"), Map.of(), cert.getParent());
        try {
            int port = Integer.parseInt(p.awaitMatch(ACCEPT, Duration.ofSeconds(20)).group(1));
            p.awaitListening(port, Duration.ofSeconds(10));
            return new OpenSslServer(p, port);
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public ToolProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
