package dev.burrow.testsupport.tools;

import dev.burrow.testsupport.ManagedProcess;

import java.io.IOException;
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
