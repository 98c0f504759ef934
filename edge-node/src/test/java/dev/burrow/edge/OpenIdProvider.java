package dev.burrow.edge;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The npm {@code oidc-provider} on loopback, run by node from {@code src/test/resources/oidc/provider.js}. Finds the
 * package in {@code $BURROW_OIDC_PROVIDER_DIR} or {@code /opt/burrow-oidc} (what {@code .ci/setup.d/10-oidc.sh}
 * installs); {@link #unavailableReason()} says why it cannot run here.
 */
final class OpenIdProvider implements AutoCloseable {
    static final String AUDIENCE = "https://burrow.test/api";
    private final Process process;
    private final String issuer;
    private final HttpClient http = HttpClient.newHttpClient();

    private OpenIdProvider(Process process, String issuer) {
        this.process = process;
        this.issuer = issuer;
    }

    static Path modulesDir() {
        String dir = System.getenv("BURROW_OIDC_PROVIDER_DIR");
        return Path.of(dir != null && !dir.isBlank() ? dir : "/opt/burrow-oidc").resolve("node_modules");
    }

    /** Null when the provider can run, else why not. */
    static String unavailableReason() {
        if (!Files.isRegularFile(modulesDir().resolve("oidc-provider/package.json"))) {
            return "npm oidc-provider is not installed in " + modulesDir() + " (run .ci/setup.d/10-oidc.sh)";
        }
        try {
            Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            if (!node.waitFor(10, TimeUnit.SECONDS) || node.exitValue() != 0) {
                return "node does not run";
            }
        } catch (Exception e) {
            return "node is not installed (" + e.getMessage() + ")";
        }
        return null;
    }

    static OpenIdProvider start() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path script = Path.of(OpenIdProvider.class.getResource("/oidc/provider.js").toURI());
        ProcessBuilder builder = new ProcessBuilder("node", script.toString(), Integer.toString(port)).redirectErrorStream(true);
        builder.environment().put("NODE_PATH", modulesDir().toString());
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> {
            StringBuilder seen = new StringBuilder();
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("READY ")) {
                        return line.substring(6).trim();
                    }
                    seen.append(line).append('\n');
                }
            } catch (Exception ignored) {
                // fall through
            }
            throw new IllegalStateException("oidc-provider exited before it was ready:\n" + seen);
        });
        try {
            String issuer = ready.get(30, TimeUnit.SECONDS);
            Thread drain = new Thread(() -> {
                try {
                    while (out.readLine() != null) {
                        // keep the pipe empty
                    }
                } catch (Exception ignored) {
                    // exited
                }
            }, "oidc-provider-output");
            drain.setDaemon(true);
            drain.start();
            return new OpenIdProvider(process, issuer);
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
    }

    String issuer() {
        return issuer;
    }

    /** An access token (JWT) from the client_credentials grant. */
    String token(String client, String scope, String resource) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + client + "&client_secret=" + client + "-secret&scope="
                + URLEncoder.encode(scope, StandardCharsets.UTF_8) + "&resource=" + URLEncoder.encode(resource, StandardCharsets.UTF_8);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(issuer + "/token"))
                .timeout(Duration.ofSeconds(10)).header("content-type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token request for " + client + " failed: " + response.body());
        }
        return new io.vertx.core.json.JsonObject(response.body()).getString("access_token");
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
