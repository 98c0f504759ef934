package dev.burrow.edge.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A throw-away PostgreSQL server on loopback from the machine's PostgreSQL binaries (Debian's {@code postgresql}
 * package, which {@code .ci/setup.d/10-postgres.sh} installs): initdb into a temp directory, trust authentication,
 * a port from the OS. As root, the server runs as the {@code postgres} user (initdb refuses root).
 */
final class PostgresServer implements AutoCloseable {
    private final Path bin;
    private final Path dir;
    private final int port;
    private final boolean asPostgresUser;

    private PostgresServer(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** The directory with initdb and pg_ctl, or null when PostgreSQL is not installed. */
    static Path findBinaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return null;
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .max(Comparator.naturalOrder()).orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    static PostgresServer start() throws Exception {
        Path bin = findBinaries();
        if (bin == null) {
            throw new IllegalStateException("PostgreSQL binaries not found under /usr/lib/postgresql");
        }
        boolean root = isRoot();
        Path dir = Files.createTempDirectory("burrow-pg-");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PostgresServer server = new PostgresServer(bin, dir, port, root);
        if (root) {
            server.run(Duration.ofSeconds(10), "chown", "-R", "postgres:postgres", dir.toString());
            server.run(Duration.ofSeconds(10), "chmod", "755", dir.toString());
        }
        server.runAsOwner(Duration.ofSeconds(60), bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(),
                "-U", "postgres", "--auth=trust", "--no-sync", "-E", "UTF8");
        server.runAsOwner(Duration.ofSeconds(60), bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                "-l", dir.resolve("server.log").toString(), "-w", "-t", "50", "-o",
                "-p " + port + " -k " + dir + " -h 127.0.0.1 -F", "start");
        return server;
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    private void runAsOwner(Duration timeout, String... command) throws Exception {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        run(timeout, full.toArray(String[]::new));
    }

    private void run(Duration timeout, String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("commands.log").toFile()).start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within " + timeout);
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + process.exitValue() + ": "
                    + Files.readString(dir.resolve("commands.log")));
        }
    }

    @Override
    public void close() throws Exception {
        try {
            runAsOwner(Duration.ofSeconds(30), bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                    "-m", "immediate", "-w", "stop");
        } finally {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
