package dev.burrow.edge.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code burrow-edge admin …}: the admin API from the command line of a node's machine. Talks to {@code --api}
 * (default the local ops port) with {@code --admin-token}, or the bootstrap token of {@code --data-dir}. Prints the
 * answer's JSON; a refusal is one line {@code burrow-edge admin: CODE: sentence} and exit code 1.
 */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Manages tenants, tokens and reserved names through the admin API.",
        subcommands = {AdminCommand.CreateTenant.class, AdminCommand.CreateToken.class, AdminCommand.RevokeToken.class,
                AdminCommand.Reserve.class, AdminCommand.ListSessions.class, AdminCommand.ListRegions.class})
public final class AdminCommand implements Runnable {
    // INHERIT: these options may come before or after the subcommand (admin sessions acme --api URL).
    @Option(names = "--api", paramLabel = "URL", defaultValue = "${env:BURROW_ADMIN_API:-http://127.0.0.1:9090}",
            scope = CommandLine.ScopeType.INHERIT,
            description = "The node's ops address, the one it prints as \"Ops (healthz, readyz, metrics) listening on\" (default ${DEFAULT-VALUE}, or BURROW_ADMIN_API).")
    String api;
    @Option(names = "--admin-token", paramLabel = "TOKEN", defaultValue = "${env:BURROW_ADMIN_TOKEN}",
            scope = CommandLine.ScopeType.INHERIT, description = "A bearer token (or BURROW_ADMIN_TOKEN); default: the bootstrap token in --data-dir.")
    String adminToken;
    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "burrow-data", scope = CommandLine.ScopeType.INHERIT,
            description = "Where the bootstrap admin token is (default ${DEFAULT-VALUE}).")
    Path dataDir;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** {@code burrow-edge admin} alone: the list of subcommands. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    int call(String method, String path, JsonObject body) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            String token = adminToken;
            if (token == null || token.isBlank()) {
                Path file = dataDir.resolve(dev.burrow.edge.pki.AdminToken.FILE_NAME);
                if (!Files.isRegularFile(file)) {
                    err.println("burrow-edge admin: no --admin-token and no " + file.toAbsolutePath() + "; give --admin-token or --data-dir");
                    return 2;
                }
                token = Files.readString(file, StandardCharsets.US_ASCII).trim();
            }
            HttpRequest request = HttpRequest.newBuilder(URI.create(api.replaceAll("/+$", "") + "/api/v1" + path))
                    .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                    .header("content-type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.encode()))
                    .build();
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            JsonObject json = AdminAnswer.json(response, api);
            if (response.statusCode() / 100 != 2) {
                JsonObject error = json.getJsonObject("error", new JsonObject());
                err.println("burrow-edge admin: " + error.getString("code", "HTTP_" + response.statusCode()) + ": "
                        + error.getString("message", response.body()));
                return 1;
            }
            out.println(json.encodePrettily());
            out.flush();
            return 0;
        } catch (AdminAnswer.NotTheAdminApi e) {
            err.println("burrow-edge admin: " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("burrow-edge admin: cannot reach the admin API at " + api + ": " + AdminAnswer.why(e));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Command(name = "create-tenant", mixinStandardHelpOptions = true, description = "Creates a tenant with quotas (0 = unlimited).")
    static final class CreateTenant implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;
        @Parameters(paramLabel = "ID", description = "The tenant's id: what tokens, reservations and sessions refer to.")
        String id;
        @Option(names = "--name", paramLabel = "TEXT", description = "A display name.")
        String name;
        @Option(names = "--max-endpoints", paramLabel = "N", defaultValue = "0", description = "Endpoints bound at once (0 = unlimited).")
        int maxEndpoints;
        @Option(names = "--max-sessions", paramLabel = "N", defaultValue = "0", description = "Agent sessions connected at once (0 = unlimited).")
        int maxSessions;
        @Option(names = "--max-requests-per-second", paramLabel = "N", defaultValue = "0", description = "Public requests per second over all its endpoints (0 = unlimited).")
        int maxRequestsPerSecond;
        @Option(names = "--max-tcp-ports", paramLabel = "N", defaultValue = "0", description = "TCP endpoints at once (0 = unlimited).")
        int maxTcpPorts;

        @Override
        public Integer call() {
            return admin.call("POST", "/tenants", new JsonObject().put("id", id).put("name", name).put("quotas",
                    new JsonObject().put("maxEndpoints", maxEndpoints).put("maxSessions", maxSessions)
                            .put("maxRequestsPerSecond", maxRequestsPerSecond).put("maxTcpPorts", maxTcpPorts)));
        }
    }

    /** A call about one tenant: {@code METHOD /tenants/TENANT<path>} with an optional JSON body. */
    record TenantRequest(String method, String path, JsonObject body) {
    }

    /** The shape of every subcommand about an existing tenant: the tenant is the first parameter. */
    abstract static class TenantSubcommand implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;
        @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant's id.")
        String tenant;

        abstract TenantRequest request();

        @Override
        public Integer call() {
            TenantRequest request = request();
            return admin.call(request.method(), "/tenants/" + segment(tenant) + request.path(), request.body());
        }
    }

    @Command(name = "create-token", mixinStandardHelpOptions = true, description = "Issues an authtoken for a tenant; the secret is printed once.")
    static final class CreateToken extends TenantSubcommand {
        @Option(names = "--scope", paramLabel = "SCOPE", description = "bind:HOST, bind:*.DOMAIN, bind:tcp:PORT, bind:tcp:*, bind:udp:PORT, bind:udp:* (repeatable).")
        List<String> scopes;
        @Option(names = "--description", paramLabel = "TEXT", description = "What the token is for, shown in listings.")
        String description;

        @Override
        TenantRequest request() {
            return new TenantRequest("POST", "/tokens", new JsonObject().put("description", description)
                    .put("scopes", new JsonArray(scopes == null ? List.of() : scopes)));
        }
    }

    @Command(name = "revoke-token", mixinStandardHelpOptions = true, description = "Revokes a token; its live sessions are closed.")
    static final class RevokeToken extends TenantSubcommand {
        @Parameters(index = "1", paramLabel = "TOKEN_ID", description = "The token's id (tok_…, from create-token), not its secret.")
        String tokenId;

        @Override
        TenantRequest request() {
            return new TenantRequest("DELETE", "/tokens/" + segment(tokenId), null);
        }
    }

    @Command(name = "reserve", mixinStandardHelpOptions = true, description = "Reserves app.example.com, *.acme.example.com, tcp:PORT or udp:PORT for a tenant.")
    static final class Reserve extends TenantSubcommand {
        @Parameters(index = "1", paramLabel = "NAME", description = "app.example.com, *.acme.example.com, tcp:PORT or udp:PORT.")
        String name;

        @Override
        TenantRequest request() {
            return new TenantRequest("POST", "/reservations", new JsonObject().put("name", name));
        }
    }

    @Command(name = "sessions", mixinStandardHelpOptions = true, description = "Lists a tenant's live agent sessions.")
    static final class ListSessions extends TenantSubcommand {
        @Override
        TenantRequest request() {
            return new TenantRequest("GET", "/sessions", null);
        }
    }

    @Command(name = "regions", mixinStandardHelpOptions = true, description = "Lists the regions in the region directory, their nodes and this node's links to them.")
    static final class ListRegions implements Callable<Integer> {
        @ParentCommand
        AdminCommand admin;

        @Override
        public Integer call() {
            return admin.call("GET", "/regions", null);
        }
    }
}
