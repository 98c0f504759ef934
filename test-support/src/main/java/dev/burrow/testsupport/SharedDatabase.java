package dev.burrow.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

/**
 * One H2 database served over TCP on 127.0.0.1 (a port from the OS), for edges in separate JVMs that must share their
 * durable store, as regions do in production with PostgreSQL: pass {@link #jdbcUrl()} as {@code --db-url}. No extra
 * tool: H2 is already the edge's embedded database.
 */
public final class SharedDatabase implements AutoCloseable {
    static {
        // Read once when H2 loads: the server listens on loopback only.
        System.setProperty("h2.bindAddress", "127.0.0.1");
    }

    private final org.h2.tools.Server server;
    private final Path dir;

    private SharedDatabase(org.h2.tools.Server server, Path dir) {
        this.server = server;
        this.dir = dir;
    }

    public static SharedDatabase start() {
        try {
            Path dir = Files.createTempDirectory("burrow-shared-db-");
            org.h2.tools.Server server = org.h2.tools.Server.createTcpServer("-tcpPort", "0", "-ifNotExists",
                    "-baseDir", dir.toString()).start();
            return new SharedDatabase(server, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot start the shared H2 server: " + e.getMessage(), e);
        }
    }

    /** The {@code --db-url} every edge sharing this database gets. */
    public String jdbcUrl() {
        return "jdbc:h2:tcp://127.0.0.1:" + server.getPort() + "/shared";
    }

    @Override
    public void close() {
        server.stop();
        TempDirs.deleteRecursively(dir);
    }
}
