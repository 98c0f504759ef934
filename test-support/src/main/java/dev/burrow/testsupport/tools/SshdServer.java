package dev.burrow.testsupport.tools;

import dev.burrow.testsupport.TempDirs;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenSSH's sshd on 127.0.0.1 in the foreground, from a temporary directory holding its own host key, a client key
 * and the authorized_keys that admits it, with the {@code sftp} subsystem (OpenSSH 9's scp speaks SFTP). The
 * current user logs in with the client key only.
 */
public final class SshdServer implements AutoCloseable {

    private static final Path SFTP_SERVER = Path.of("/usr/lib/openssh/sftp-server");

    private final ToolProcess process;
    private final Path dir;
    private final int port;

    private SshdServer(ToolProcess process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    public static SshdServer start() {
        Path sshd = Tools.require("sshd");
        Path keygen = Tools.require("ssh-keygen");
        Tools.assumeInstalled("ssh", "scp");
        Assumptions.assumeTrue(Files.isExecutable(SFTP_SERVER),
                () -> SFTP_SERVER + " is missing (package openssh-sftp-server), so scp cannot work");
        Path dir = keys(keygen);
        try {
            ToolProcess.Listening listening = ToolProcess.startOnFreePort("sshd", dir, port -> {
                Files.writeString(dir.resolve("sshd_config"), config(dir, port));
                return List.of(sshd.toString(), "-D", "-e", "-f", dir.resolve("sshd_config").toString());
            });
            return new SshdServer(listening.process(), dir, listening.port());
        } catch (RuntimeException | Error e) {
            TempDirs.deleteRecursively(dir);
            throw e;
        }
    }

    private static Path keys(Path keygen) {
        try {
            // sshd's privilege separation directory; Debian's package creates it only when its service starts
            Path privsep = Path.of("/run/sshd");
            if (!Files.isDirectory(privsep)) {
                try {
                    Files.createDirectories(privsep);
                } catch (IOException e) {
                    Assumptions.abort(privsep + " is missing and cannot be made here (" + e
                            + "); sshd needs it: run as root, or mkdir -p " + privsep);
                }
            }
            Path dir = Files.createTempDirectory("burrow-sshd-");
            for (String key : List.of("host_key", "client_key")) {
                ClientRun gen = ClientRun.run(List.of(keygen.toString(), "-q", "-t", "ed25519", "-N", "", "-C", "burrow-e2e",
                        "-f", dir.resolve(key).toString()), Duration.ofSeconds(30));
                if (gen.exitCode() != 0) {
                    throw new AssertionError("ssh-keygen failed: " + gen.describe());
                }
            }
            Path authorized = dir.resolve("authorized_keys");
            Files.copy(dir.resolve("client_key.pub"), authorized);
            Files.setPosixFilePermissions(authorized, PosixFilePermissions.fromString("rw-------"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String config(Path dir, int port) {
        return """
                Port %2$d
                ListenAddress 127.0.0.1
                HostKey %1$s/host_key
                PidFile %1$s/sshd.pid
                AuthorizedKeysFile %1$s/authorized_keys
                StrictModes no
                PubkeyAuthentication yes
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                PermitRootLogin prohibit-password
                UsePAM no
                PrintMotd no
                LogLevel INFO
                Subsystem sftp %3$s
                """.formatted(dir, port, SFTP_SERVER);
    }

    public int port() {
        return port;
    }

    /** {@code 127.0.0.1:<port>}. */
    public String address() {
        return "127.0.0.1:" + port;
    }

    /** The private key that sshd admits for the current user. */
    public Path clientKey() {
        return dir.resolve("client_key");
    }

    /** Options for ssh and scp that log in with {@link #clientKey()} on {@code port}, trusting any host key. */
    public List<String> clientOptions(String portFlag, int port) {
        return new ArrayList<>(List.of(portFlag, Integer.toString(port), "-i", clientKey().toString(),
                "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "ConnectTimeout=20"));
    }

    /** {@code user@127.0.0.1} for the user this JVM runs as. */
    public static String login() {
        return System.getProperty("user.name") + "@127.0.0.1";
    }

    public ToolProcess process() {
        return process;
    }

    @Override
    public void close() {
        process.close();
        TempDirs.deleteRecursively(dir);
    }
}
