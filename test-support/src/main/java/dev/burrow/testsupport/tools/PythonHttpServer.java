package dev.burrow.testsupport.tools;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code python3 -m http.server} serving a directory on 127.0.0.1 (a port from the OS): it answers HTTP/1.0 and
 * closes the connection after every response, as the first upstream a new user tries does.
 */
public final class PythonHttpServer implements AutoCloseable {

    private static final Pattern SERVING = Pattern.compile("Serving HTTP on \\S+ port (\\d+)");

    private final ToolProcess process;
    private final int port;

    private PythonHttpServer(ToolProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    public static PythonHttpServer serve(Path dir) {
        Path python = Tools.require("python3");
        // -u: the "Serving HTTP on … port N" line must not wait in a pipe buffer
        ToolProcess p = ToolProcess.start("python-http-server",
                List.of(python.toString(), "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", dir.toString()),
                Map.of(), dir);
        try {
            int port = Integer.parseInt(p.awaitMatch(SERVING, Duration.ofSeconds(20)).group(1));
            p.awaitListening(port, Duration.ofSeconds(10));
            return new PythonHttpServer(p, port);
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
    }

    /** {@code 127.0.0.1:<port>}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    public ToolProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
    }
}
