package dev.burrow.testsupport.tools;

import dev.burrow.testsupport.TempDirs;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The node scripts of the harness (resources beside this class), copied to a temporary directory and run with
 * {@code NODE_PATH} pointing at the npm packages they need: servers that print {@code listening PORT}, and clients
 * that run to their end.
 */
public final class NodeScript {

    /** Serves the files of a directory with node's http module, chunked (no Content-Length). Args: DIR. */
    public static final String CHUNKED_FILE_SERVER = "chunked-file-server.js";
    /** WebSocket echo server on the npm package ws. */
    public static final String WS_ECHO_SERVER = "ws-echo-server.js";
    /** WebSocket client on the npm package ws that checks echoes by digest. Args: URL HOST SIZE... */
    public static final String WS_ECHO_CLIENT = "ws-echo-client.js";

    private static final Pattern LISTENING = Pattern.compile("^listening (\\d+)$");

    private NodeScript() {
    }

    /** A node server running {@code script}; closing it stops the process and deletes the script's copy. */
    public record Server(ToolProcess process, int port, Path scriptDir) implements AutoCloseable {
        public String address() {
            return "127.0.0.1:" + port;
        }

        @Override
        public void close() {
            process.close();
            TempDirs.deleteRecursively(scriptDir);
        }
    }

    public static Server startServer(String script, boolean needsWs, String... args) {
        Path node = Tools.require("node");
        Map<String, String> env = needsWs ? Map.of("NODE_PATH", Tools.wsNodeModules().toString()) : Map.of();
        Path dir = Tools.copyResourceToTempDir(script);
        List<String> command = new ArrayList<>(List.of(node.toString(), dir.resolve(script).toString()));
        command.addAll(List.of(args));
        ToolProcess p = ToolProcess.start("node-" + script.replace(".js", ""), command, env, dir);
        try {
            int port = Integer.parseInt(p.awaitMatch(LISTENING, Duration.ofSeconds(20)).group(1));
            return new Server(p, port, dir);
        } catch (RuntimeException | Error e) {
            p.close();
            TempDirs.deleteRecursively(dir);
            throw e;
        }
    }

    /** Runs a client script to its end (killed after {@code limit}). */
    public static ClientRun runClient(String script, boolean needsWs, Duration limit, String... args) {
        Path node = Tools.require("node");
        Map<String, String> env = needsWs ? Map.of("NODE_PATH", Tools.wsNodeModules().toString()) : Map.of();
        Path dir = Tools.copyResourceToTempDir(script);
        try {
            List<String> command = new ArrayList<>(List.of(node.toString(), dir.resolve(script).toString()));
            command.addAll(List.of(args));
            return ClientRun.run(command, env, dir, limit);
        } finally {
            TempDirs.deleteRecursively(dir);
        }
    }
}
