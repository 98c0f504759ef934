package dev.burrow.testsupport.tools;

import dev.burrow.testsupport.FreePorts;
import dev.burrow.testsupport.ManagedProcess;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A long-running third-party program (nginx, sshd, python3, node) under the harness's process management: output
 * kept and logged, listed in failure reports, killed by PID when closed or when the test JVM exits.
 */
public final class ToolProcess extends ManagedProcess {

    private ToolProcess(String name, List<String> command, Map<String, String> environment, Path workDir) {
        super(name, command, environment, workDir);
    }

    public static ToolProcess start(String name, List<String> command, Map<String, String> environment, Path workDir) {
        return new ToolProcess(name, command, environment, workDir);
    }

    /** Writes what a server needs to listen on {@code port} (its configuration) and returns its command line. */
    @FunctionalInterface
    public interface PortCommand {
        List<String> forPort(int port) throws IOException;
    }

    /** A server process and the port it listens on. */
    public record Listening(ToolProcess process, int port) {
    }

    private static final int PORT_ATTEMPTS = 3;

    /**
     * Starts a server that cannot listen on port 0 (nginx, sshd): probes a free port, starts it there and waits until
     * it accepts connections; on another port if something took that one in between (3 attempts).
     */
    public static Listening startOnFreePort(String name, Path workDir, PortCommand command) {
        AssertionError last = null;
        for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
            int port = FreePorts.closedPort();
            ToolProcess p;
            try {
                p = start(name, command.forPort(port), Map.of(), workDir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                p.awaitListening(port, Duration.ofSeconds(20));
                return new Listening(p, port);
            } catch (AssertionError e) {
                last = e;
                p.close();
            }
        }
        throw last;
    }

    /** Waits until 127.0.0.1:{@code port} accepts a connection; fails with the output if the process exits first. */
    public ToolProcess awaitListening(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return this;
            } catch (IOException notYet) {
                if (!isAlive()) {
                    throw new AssertionError(name() + " exited before it listened on " + port + "\n" + tail(40));
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(name() + " did not listen on " + port + " within " + timeout + "\n" + tail(40));
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted", e);
                }
            }
        }
    }
}
