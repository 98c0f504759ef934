package dev.burrow.policy;

import dev.burrow.testsupport.FreePorts;
import dev.burrow.testsupport.tools.ToolProcess;
import dev.burrow.testsupport.tools.Tools;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * npm {@code oidc-provider} on loopback for the login tests ({@code oidc-login-provider.js}): one confidential client
 * whose redirect URIs the test gives, PKCE required, any login name accepted. Skips the test (with the reason) where
 * node or the package is missing; {@code .ci/setup.d/10-oidc.sh} installs both.
 */
final class LoginTestProvider implements AutoCloseable {
    static final String CLIENT_ID = "burrow-edge";
    static final String CLIENT_SECRET = "a-long-client-secret-for-the-tests";
    private static final Pattern READY = Pattern.compile("^READY (\\S+)$");

    private final ToolProcess process;
    private final String issuer;

    private LoginTestProvider(ToolProcess process, String issuer) {
        this.process = process;
        this.issuer = issuer;
    }

    static Path modules() {
        String configured = System.getenv("BURROW_OIDC_PROVIDER_DIR");
        return Path.of(configured != null && !configured.isBlank() ? configured : "/opt/burrow-oidc").resolve("node_modules");
    }

    static void assumeAvailable() {
        Tools.assumeInstalled("node");
        Assumptions.assumeTrue(Files.isRegularFile(modules().resolve("oidc-provider/package.json")),
                "npm oidc-provider is not installed in " + modules() + " (.ci/setup.d/10-oidc.sh installs it)");
    }

    /** Starts the provider for a client that may return to {@code redirectUris} and, after logout, {@code afterLogout}. */
    static LoginTestProvider start(Path dir, List<String> redirectUris, List<String> afterLogout) throws IOException {
        Path script = dir.resolve("oidc-login-provider.js");
        try (InputStream in = LoginTestProvider.class.getResourceAsStream("/oidc-login-provider.js")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        String client = new JsonObject().put("client_id", CLIENT_ID).put("client_secret", CLIENT_SECRET)
                .put("redirect_uris", new JsonArray(redirectUris)).put("post_logout_redirect_uris", new JsonArray(afterLogout)).encode();
        int port = FreePorts.closedPort();
        ToolProcess process = ToolProcess.start("oidc-provider", List.of(Tools.require("node").toString(), script.toString(),
                Integer.toString(port), client), Map.of("NODE_PATH", modules().toString()), dir);
        String issuer = process.awaitMatch(READY, Duration.ofSeconds(30)).group(1);
        return new LoginTestProvider(process, issuer);
    }

    String issuer() {
        return issuer;
    }

    /** A policy that logs visitors in here and tells the upstream {@code identity.FIELD} in header {@code header}. */
    String openIdPolicy(String header, String field) {
        return """
                on_http_request:
                  - actions:
                      - type: openid-connect
                        config: {issuer_url: "%s", client_id: %s, client_secret: %s}
                      - type: add-headers
                        config: {headers: {%s: "${actions.ngrok.oidc.identity.%s}"}}
                """.formatted(issuer, CLIENT_ID, CLIENT_SECRET, header, field);
    }

    @Override
    public void close() {
        process.close();
    }
}
