package dev.burrow.edge.store;

import dev.burrow.edge.EdgeNode;
import dev.burrow.edge.config.ClusterSettings;
import dev.burrow.edge.config.EdgeConfig;
import dev.burrow.edge.config.PortRange;
import dev.burrow.edge.config.TenancySettings;
import dev.burrow.edge.tenancy.Quotas;
import dev.burrow.edge.tenancy.TenantStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The PostgreSQL path against a real server: a two-node cluster shares one database (--db-url), the schema is created
 * at start, only token hashes are stored, and a restart of every node keeps tenants, tokens and reservations.
 * Skipped, with the reason, where PostgreSQL is not installed ({@code .ci/setup.d/10-postgres.sh} installs it in CI).
 */
class PostgresStoreTest {
    private static PostgresServer postgres;

    @TempDir
    Path dirA;
    @TempDir
    Path dirB;

    @BeforeAll
    static void startPostgres() throws Exception {
        assumeTrue(PostgresServer.findBinaries() != null,
                "PostgreSQL is not installed (apt-get install postgresql, or run .ci/setup.d/10-postgres.sh); skipping the PostgreSQL store test");
        postgres = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private List<EdgeNode> startCluster(Vertx vertx, String clusterName, int portA, int portB) throws Exception {
        TenancySettings tenancy = TenancySettings.defaults().withStore(new StoreSettings(postgres.jdbcUrl(), "postgres", null));
        List<EdgeNode> nodes = new ArrayList<>();
        Path[] dirs = {dirA, dirB};
        int[] ports = {portA, portB};
        List<Future<EdgeNode>> starting = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            ClusterSettings cluster = new ClusterSettings(ports[i], List.of("127.0.0.1:" + ports[1 - i]), clusterName,
                    "127.0.0.1", 0, "pg-node-" + i, Duration.ofSeconds(3));
            EdgeConfig config = EdgeConfig.defaults().withHttpPort(0).withHttpsPort(0).withTunnelPort(0).withOpsPort(0).withBindAddress("127.0.0.1")
                    .withDataDir(dirs[i]).withDomain("example.com").withTcpPorts(new PortRange(44000, 44099)).withCluster(cluster);
            starting.add(EdgeNode.start(vertx, config, tenancy));
        }
        for (Future<EdgeNode> node : starting) {
            nodes.add(await(node));
        }
        return nodes;
    }

    @Test
    void aTwoNodeClusterOnPostgresKeepsEverythingAcrossAFullRestart() throws Exception {
        Vertx vertx = Vertx.vertx();
        String clusterName = "pg-" + UUID.randomUUID();
        int portA = freePort();
        int portB = freePort();
        String secret;
        try {
            List<EdgeNode> nodes = startCluster(vertx, clusterName, portA, portB);
            assertEquals(2, nodes.get(0).clusterMemberCount());
            TenantStore store = nodes.get(0).tenantStore();
            dev.burrow.edge.tenancy.ReservedNames names = nodes.get(0).reservedNames();
            await(store.createTenant("pg-tenant", "On PostgreSQL", new Quotas(5, 2, 100, 1)));
            secret = await(store.issueToken("pg-tenant", "ci", List.of("bind:*.pg.example.com"))).token().reveal();
            await(names.reserve("pg-tenant", "*.pg.example.com"));
            await(names.reserve("pg-tenant", "tcp:44001"));
            for (EdgeNode node : nodes) {
                await(node.close());
            }
        } finally {
            await(vertx.close());
        }

        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "")) {
            ResultSet rows = connection.createStatement().executeQuery("SELECT body FROM authtokens WHERE tenant_id = 'pg-tenant'");
            assertTrue(rows.next(), "the token row is in PostgreSQL");
            assertFalse(rows.getString(1).contains(secret), "only the hash is stored");
            ResultSet count = connection.createStatement().executeQuery("SELECT count(*) FROM reservations");
            assertTrue(count.next());
            assertEquals(2, count.getInt(1));
        }

        Vertx again = Vertx.vertx();
        try {
            List<EdgeNode> nodes = startCluster(again, clusterName, portA, portB);
            TenantStore store = nodes.get(1).tenantStore();
            dev.burrow.edge.tenancy.ReservedNames names = nodes.get(1).reservedNames();
            assertEquals(new Quotas(5, 2, 100, 1), await(store.requireTenant("pg-tenant")).quotas());
            assertEquals(1, await(store.tokens("pg-tenant")).size());
            assertNotNull(await(store.tokenByHash(dev.burrow.edge.tenancy.Authtoken.sha256Hex(secret))));
            assertEquals("pg-tenant", await(names.ownerOf("api.pg.example.com")).tenantId());
            assertEquals("pg-tenant", await(names.portOwner(44001)));
            for (EdgeNode node : nodes) {
                await(node.close());
            }
        } finally {
            await(again.close());
        }
    }
}
