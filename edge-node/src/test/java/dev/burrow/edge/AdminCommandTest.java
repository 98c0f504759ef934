package dev.burrow.edge;

import dev.burrow.edge.config.EdgeConfig;
import dev.burrow.edge.config.PortRange;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static dev.burrow.edge.EdgeNodeEndToEndTest.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code burrow-edge admin …} against a real node: a tenant and a token on a fresh node, its sessions, a reservation, the
 * token revoked, a refusal as one line.
 */
class AdminCommandTest {
    @TempDir
    Path dataDir;
    private Vertx vertx;
    private EdgeNode edge;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        edge = await(EdgeNode.start(vertx, EdgeConfig.defaults().withHttpPort(0).withHttpsPort(0).withTunnelPort(0).withOpsPort(0)
                .withBindAddress("127.0.0.1").withDataDir(dataDir).withTcpPorts(new PortRange(46000, 46099))));
    }

    @AfterEach
    void stop() throws Exception {
        await(edge.close());
        await(vertx.close());
    }

    record Run(int code, String out, String err) {
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] full = new String[args.length + 5];
        full[0] = "admin";
        full[1] = "--api";
        full[2] = "http://127.0.0.1:" + edge.opsPort();
        full[3] = "--data-dir";
        full[4] = dataDir.toString();
        System.arraycopy(args, 0, full, 5, args.length);
        int code = new CommandLine(new EdgeMain()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(full);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void createsATenantAndATokenOnAFreshNode() throws Exception {
        Run tenant = run("create-tenant", "cli", "--max-endpoints", "3");
        assertEquals(0, tenant.code(), tenant.err());
        assertEquals(3, new JsonObject(tenant.out()).getJsonObject("quotas").getInteger("maxEndpoints"));
        Run token = run("create-token", "cli", "--scope", "bind:*.cli.localhost");
        assertEquals(0, token.code(), token.err());
        String secret = new JsonObject(token.out()).getString("token");
        assertTrue(secret.startsWith("bt_"), token.out());
        FakeAgent agent = await(FakeAgent.connect(vertx, edge.tunnelPort(), edge.caCertPath(), secret, null));
        assertTrue(await(agent.authResult()).ok());

        Run sessions = run("sessions", "cli");
        assertEquals(0, sessions.code(), sessions.err());
        assertEquals(1, new JsonObject(sessions.out()).getJsonArray("sessions").size(), sessions.out());
        Run reserve = run("reserve", "cli", "app.cli.localhost");
        assertEquals(0, reserve.code(), reserve.err());
        assertEquals("app.cli.localhost", new JsonObject(reserve.out()).getString("name"));
        Run revoke = run("revoke-token", "cli", new JsonObject(token.out()).getString("id"));
        assertEquals(0, revoke.code(), revoke.err());
        assertTrue(new JsonObject(revoke.out()).getBoolean("revoked"), revoke.out());

        Run again = run("create-tenant", "cli");
        assertEquals(1, again.code());
        assertEquals("burrow-edge admin: TENANT_EXISTS: tenant cli already exists", again.err().trim());

        // On the same node (one start for both): the region directory, empty without --region.
        Run regions = run("regions");
        assertEquals(0, regions.code(), regions.err());
        assertEquals(0, new JsonObject(regions.out()).getJsonArray("regions").size(), "a node without regions lists none");
    }
}
