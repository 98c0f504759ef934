package dev.burrow.edge.admin;

import dev.burrow.edge.EdgeMain;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code burrow-edge admin …} when the operator gets something wrong: nothing listens at {@code --api}, another
 * service does, {@code --api} comes after the subcommand; and its help describes every option. No node is needed:
 * a plain HTTP server stands in for the one that is not the admin API, and for the one that is.
 */
class AdminCommandMistakesTest {
    private static Vertx vertx;
    private static HttpServer notTheAdminApi;
    private static HttpServer adminApi;
    private static final List<String> adminRequests = new CopyOnWriteArrayList<>();
    @TempDir
    static Path dataDir;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        notTheAdminApi = vertx.createHttpServer().requestHandler(request -> request.response().setStatusCode(404)
                        .putHeader("content-type", "text/html").end("<html><body>no endpoint here</body></html>"))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        adminApi = vertx.createHttpServer().requestHandler(request -> {
                    adminRequests.add(request.method() + " " + request.path() + " " + request.getHeader("Authorization"));
                    request.response().putHeader("content-type", "application/json").end("{\"regions\":[]}");
                })
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Files.writeString(dataDir.resolve("admin-token"), "ba_test\n");
    }

    @AfterAll
    static void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    record Run(int code, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new EdgeMain()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void anUnreachableApiSaysNothingListensThereNotNull() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Run run = run("admin", "--api", "http://127.0.0.1:" + closed, "--data-dir", dataDir.toString(), "regions");
        assertEquals(1, run.code());
        assertEquals("burrow-edge admin: cannot reach the admin API at http://127.0.0.1:" + closed + ": nothing accepts "
                + "connections there (is the node running, and is --api its ops address?)", run.err().strip());
        assertFalse(run.err().contains("null"), run.err());
    }

    @Test
    void anotherServiceAtTheApiAddressIsNamedAsSuchNotAParserError() {
        String api = "http://127.0.0.1:" + notTheAdminApi.actualPort();
        Run run = run("admin", "--api", api, "--data-dir", dataDir.toString(), "regions");
        assertEquals(1, run.code());
        String line = run.err().strip();
        assertTrue(line.startsWith("burrow-edge admin: the answer from " + api + " is not the admin API's (HTTP 404, text/html)"), line);
        assertTrue(line.contains("Ops (healthz, readyz, metrics) listening on"), line);
        assertFalse(line.contains("Failed to decode"), line);
        assertEquals(1, line.lines().count());
    }

    @Test
    void theApiOptionMayFollowTheSubcommand() {
        String api = "http://127.0.0.1:" + adminApi.actualPort();
        Run run = run("admin", "regions", "--api", api, "--data-dir", dataDir.toString());
        assertEquals(0, run.code(), run.err());
        assertTrue(adminRequests.contains("GET /api/v1/regions Bearer ba_test"), adminRequests.toString());
        Run tenant = run("admin", "sessions", "acme", "--admin-token", "ba_other", "--api", api);
        assertEquals(0, tenant.code(), tenant.err());
        assertTrue(adminRequests.contains("GET /api/v1/tenants/acme/sessions Bearer ba_other"), adminRequests.toString());
    }

    @Test
    void everyAdminOptionAndParameterHasADescription() {
        for (String command : new String[]{"create-tenant", "create-token", "revoke-token", "reserve", "sessions", "regions"}) {
            CommandLine line = new CommandLine(new EdgeMain()).getSubcommands().get("admin").getSubcommands().get(command);
            line.getCommandSpec().options().forEach(option -> assertTrue(option.description().length > 0
                    && !option.description()[0].isBlank(), command + " " + option.longestName() + " has no description"));
            line.getCommandSpec().positionalParameters().forEach(parameter -> assertTrue(parameter.description().length > 0,
                    command + " " + parameter.paramLabel() + " has no description"));
            Run help = run("admin", command, "--help");
            assertEquals(0, help.code(), help.err());
            assertTrue(help.out().contains("--api=URL"), "the connection options are listed for " + command + ":\n" + help.out());
        }
    }
}
