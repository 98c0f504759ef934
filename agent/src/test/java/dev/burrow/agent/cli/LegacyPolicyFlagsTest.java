package dev.burrow.agent.cli;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ngrok's older http flags as the policy rules they compile into, and the one-line refusals of bad values. */
class LegacyPolicyFlagsTest {
    private static final URI UPSTREAM = URI.create("http://localhost:5173");

    private static JsonObject document(String... args) {
        HttpCommand command = new HttpCommand();
        new picocli.CommandLine(command).parseArgs(concat(args));
        return new JsonObject(TrafficPolicyFile.NONE.withRulesFirst(command.policyFlags.rules(UPSTREAM)).sent());
    }

    private static String[] concat(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "5173";
        System.arraycopy(args, 0, all, 1, args.length);
        return all;
    }

    private static JsonObject onlyAction(JsonObject document, String phase) {
        assertEquals(1, document.getJsonArray(phase).size(), document.encodePrettily());
        return document.getJsonArray(phase).getJsonObject(0).getJsonArray("actions").getJsonObject(0);
    }

    @Test
    void basicAuthIsOneRuleWithEveryCredential() {
        JsonObject action = onlyAction(document("--basic-auth", "ops:pass one", "--basic-auth", "dev:pa:ss"), "on_http_request");
        assertEquals("basic-auth", action.getString("type"));
        assertEquals(List.of("ops:pass one", "dev:pa:ss"), action.getJsonObject("config").getJsonArray("credentials").getList());
    }

    @Test
    void cidrFlagsAreRestrictIpsOnConnectAndABareAddressIsOneHost() {
        JsonObject action = onlyAction(document("--cidr-allow", "10.0.0.0/8", "--cidr-allow", "2001:db8::/32",
                "--cidr-deny", "10.1.2.3"), "on_tcp_connect");
        assertEquals("restrict-ips", action.getString("type"));
        assertEquals(List.of("10.0.0.0/8", "2001:db8::/32"), action.getJsonObject("config").getJsonArray("allow").getList());
        assertEquals(List.of("10.1.2.3/32"), action.getJsonObject("config").getJsonArray("deny").getList());
    }

    @Test
    void compressionIsCompressResponse() {
        assertEquals("compress-response", onlyAction(document("--compression"), "on_http_response").getString("type"));
    }

    @Test
    void headerFlagsAddAndRemoveOnTheirSide() {
        JsonObject document = document("--request-header-add", "X-Env: staging", "--request-header-remove", "X-Secret",
                "--response-header-add", "X-Served-By: burrow", "--response-header-remove", "Server");
        assertEquals("{\"type\":\"remove-headers\",\"config\":{\"headers\":[\"X-Secret\"]}}",
                document.getJsonArray("on_http_request").getJsonObject(0).getJsonArray("actions").getJsonObject(0).encode());
        assertEquals("{\"type\":\"add-headers\",\"config\":{\"headers\":{\"x-env\":\"staging\"}}}",
                document.getJsonArray("on_http_request").getJsonObject(1).getJsonArray("actions").getJsonObject(0).encode());
        assertEquals("{\"type\":\"remove-headers\",\"config\":{\"headers\":[\"Server\"]}}",
                document.getJsonArray("on_http_response").getJsonObject(0).getJsonArray("actions").getJsonObject(0).encode());
        assertEquals("{\"type\":\"add-headers\",\"config\":{\"headers\":{\"x-served-by\":\"burrow\"}}}",
                document.getJsonArray("on_http_response").getJsonObject(1).getJsonArray("actions").getJsonObject(0).encode());
    }

    @Test
    void hostHeaderRewriteIsTheUpstreamsHostAndPort() {
        assertEquals("localhost:5173", onlyAction(document("--host-header", "rewrite"), "on_http_request")
                .getJsonObject("config").getJsonObject("headers").getString("host"));
        assertEquals("example.test", onlyAction(document("--host-header", "example.test"), "on_http_request")
                .getJsonObject("config").getJsonObject("headers").getString("host"));
    }

    @Test
    void circuitBreakerSetsTheErrorThreshold() {
        JsonObject action = onlyAction(document("--circuit-breaker", "0.25"), "on_http_request");
        assertEquals("circuit-breaker", action.getString("type"));
        assertEquals(0.25, action.getJsonObject("config").getDouble("error_threshold"));
    }

    @Test
    void flagRulesComeBeforeThePolicyFilesOwnInEachPhase(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yml"), """
                on_http_request:
                  - name: file rule
                    actions:
                      - type: deny
                """);
        HttpCommand command = new HttpCommand();
        new picocli.CommandLine(command).parseArgs("5173", "--basic-auth", "ops:secret");
        JsonObject merged = new JsonObject(TrafficPolicyFile.read(file).withRulesFirst(command.policyFlags.rules(UPSTREAM)).sent());
        assertEquals("--basic-auth", merged.getJsonArray("on_http_request").getJsonObject(0).getString("name"));
        assertEquals("file rule", merged.getJsonArray("on_http_request").getJsonObject(1).getString("name"));
    }

    @Test
    void aPolicyFileThatDoesNotCompileStillNamesItsLineWhenFlagsAreGiven(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yml"), "on_http_request:\n  - actions:\n      - type: teleport\n");
        HttpCommand command = new HttpCommand();
        new picocli.CommandLine(command).parseArgs("5173", "--compression");
        TrafficPolicyFile.Refused refused = assertThrows(TrafficPolicyFile.Refused.class,
                () -> TrafficPolicyFile.read(file).withRulesFirst(command.policyFlags.rules(UPSTREAM)).sent());
        assertTrue(refused.getMessage().startsWith(file + ":3:"), refused.getMessage());
    }

    @Test
    void badValuesAreRefusedWithTheFlagAndWhatIsExpected() {
        assertRefused("invalid --cidr-allow \"10.0.0.0/33\"", "--cidr-allow", "10.0.0.0/33");
        assertRefused("invalid --cidr-deny \"example.com\"", "--cidr-deny", "example.com");
        assertRefused("invalid --basic-auth: expected USER:PASSWORD", "--basic-auth", "nopassword");
        assertRefused("invalid --circuit-breaker \"1.5\"", "--circuit-breaker", "1.5");
        assertRefused("invalid --circuit-breaker \"half\"", "--circuit-breaker", "half");
        assertRefused("invalid --request-header-add \"NoColon\"", "--request-header-add", "NoColon");
        assertRefused("invalid --response-header-remove \"bad name\"", "--response-header-remove", "bad name");
        assertRefused("invalid --host-header \"a b\"", "--host-header", "a b");
    }

    private static void assertRefused(String expected, String... args) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> document(args));
        assertTrue(refused.getMessage().startsWith(expected), refused.getMessage());
        assertTrue(!refused.getMessage().contains("\n"), "one line: " + refused.getMessage());
    }
}
