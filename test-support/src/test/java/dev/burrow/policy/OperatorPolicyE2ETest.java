package dev.burrow.policy;

import dev.burrow.testsupport.AdminClient;
import dev.burrow.testsupport.AgentApi;
import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.OpsMetrics;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TcpEchoServer;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.Upstream;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.Tools;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operator policies set through a real edge's admin API, enforced on real agents' endpoints, seen through curl and
 * socat: a tenant's IP allow-list refuses (403) on an endpoint without a policy of its own and on one whose own policy
 * tries to let everybody in; a TCP endpoint's connection is closed before any byte reaches the upstream; the cluster's
 * policy runs for every tenant, before the tenant's; a policy that does not compile is refused with line:col and the one
 * in force stays; counters, the access log and GET/DELETE show what happened.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class OperatorPolicyE2ETest {
    private static final Duration CLIENT_LIMIT = Duration.ofSeconds(20);
    private static final String TENANT_POLICY = """
            on_tcp_connect:
              - name: tcp from the office only
                expressions: ["endpoint.protocol == 'tcp'"]
                actions:
                  - type: restrict-ips
                    config: {allow: [127.0.0.1/32]}
            on_http_request:
              - name: office only
                actions:
                  - type: restrict-ips
                    config: {allow: [127.0.0.1/32]}
            """;
    private static final String CLUSTER_POLICY = """
            on_http_request:
              - name: blocked clients
                expressions: ["hasReqHeader('x-blocked')"]
                actions:
                  - type: deny
                    config: {status_code: 451}
            on_http_response:
              - actions:
                  - type: add-headers
                    config: {headers: {x-cluster-policy: seen}}
            """;
    private static Path dir;
    private static Upstream upstream;
    private static TcpEchoServer echo;
    private static EdgeProcess edge;
    private static AgentProcess tenantAgent;
    private static AgentProcess defaultAgent;
    private static AdminClient admin;
    private static int tcpPort;

    @BeforeAll
    static void start() throws Exception {
        Tools.assumeInstalled("curl", "socat");
        dir = Files.createTempDirectory("burrow-operator-policy-");
        upstream = Upstream.start();
        echo = TcpEchoServer.start();
        edge = EdgeProcess.builder().name("edge-operator-policy").startTimeout(Duration.ofMinutes(3)).start();
        admin = edge.admin();
        admin.createTenant("acme", 0, 0, 0);
        String token = admin.issueToken("acme").getString("token");
        assertEquals(200, admin.send("PUT", "/tenants/acme/policy", TENANT_POLICY, bearer()).status());
        Path config = Files.writeString(dir.resolve("burrow.yml"), """
                version: 1
                agent:
                  inspect: true
                endpoints:
                  - name: plain
                    url: plain.%1$s
                    upstream: %2$s
                  - name: open
                    url: open.%1$s
                    upstream: %2$s
                    traffic_policy:
                      on_http_request:
                        - name: let everybody in
                          actions:
                            - type: restrict-ips
                              config: {allow: [0.0.0.0/0]}
                  - name: pipe
                    upstream: tcp://%3$s
                """.formatted(edge.domain(), upstream.httpAddress(), echo.address()));
        tenantAgent = AgentProcess.startAll(edge).name("agent-acme").authtoken(token).startTimeout(Duration.ofMinutes(2))
                .arg("--config", config.toString()).start();
        defaultAgent = AgentProcess.http(edge, upstream.httpAddress()).name("agent-default").subdomain("other")
                .startTimeout(Duration.ofMinutes(2)).start().awaitForwarding(Duration.ofSeconds(60));
        tcpPort = awaitTcpPort();
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(defaultAgent, tenantAgent, edge, echo, upstream);
        if (dir != null) {
            TempDirs.deleteRecursively(dir);
        }
    }

    @Test
    void theTenantsAllowListRefusesOthersEvenWhereTheEndpointHasNoPolicyOrTriesToLetEveryoneIn() throws Exception {
        assertEquals(200, curl("plain", "127.0.0.1", "/echo?plain-office"));
        assertEquals(403, curl("plain", "127.0.0.2", "/echo?plain-outside"));
        assertEquals(200, curl("open", "127.0.0.1", "/echo?open-office"));
        assertEquals(403, curl("open", "127.0.0.2", "/echo?open-outside"), "the agent's own policy cannot lift the tenant's");
        assertEquals(200, curl("other", "127.0.0.2", "/echo?other-tenant"), "another tenant is not under acme's policy");
        assertTrue(upstream.requests().stream().noneMatch(r -> r.uri().contains("-outside")),
                "a refused request reached the upstream");

        assertTrue(OpsMetrics.sum(edge, "burrow_policy_actions_total{action=\"restrict-ips\",outcome=\"terminated\"}") >= 2);
        assertTrue(OpsMetrics.sum(edge, "burrow_policy_rule_matches_total{layer=\"tenant policy\",phase=\"on_http_request\"}") >= 4);
        String refusal = awaitEdgeLine(l -> l.contains(" access - ") && l.contains("/echo?open-outside"));
        assertTrue(refusal.contains("client=127.0.0.2") && refusal.contains("status=403")
                && refusal.contains("decision=\"tenant policy: office only (restrict-ips)\""), refusal);
        String passed = awaitEdgeLine(l -> l.contains(" access - ") && l.contains("/echo?open-office"));
        assertTrue(passed.contains("status=200") && passed.endsWith("decision=none"), passed);
    }

    @Test
    void aTcpConnectionFromOutsideIsClosedBeforeAnyByteReachesTheUpstream() throws Exception {
        int acceptedBefore = echo.acceptedConnections();
        ClientRun refused = socat("127.0.0.2", "hello from outside\n");
        assertEquals("", refused.stdout(), "nothing echoed: " + refused.describe());
        ClientRun allowed = socat("127.0.0.1", "hello from the office\n");
        assertTrue(allowed.stdout().startsWith("hello from the office\n"), "echoed: " + allowed.describe());
        assertEquals(acceptedBefore + 1, echo.acceptedConnections(), "only the office's connection reached the upstream");
        String line = awaitEdgeLine(l -> l.contains(" access - ") && l.contains("client=127.0.0.2") && l.contains("connect closed"));
        assertTrue(line.contains("decision=\"tenant policy: tcp from the office only (restrict-ips)\""), line);
    }

    @Test
    void theClusterPolicyRunsForEveryTenantBeforeTheTenantsOwn() throws Exception {
        try {
            assertEquals(200, admin.send("PUT", "/policy", CLUSTER_POLICY, bearer()).status());
            assertEquals(451, curl("other", "127.0.0.1", "/echo?cluster-default", "-H", "X-Blocked: 1"));
            assertEquals(451, curl("plain", "127.0.0.1", "/echo?cluster-acme", "-H", "X-Blocked: 1"));
            assertEquals(451, curl("plain", "127.0.0.2", "/echo?cluster-first", "-H", "X-Blocked: 1"),
                    "the cluster's deny ends the phase before the tenant's restrict-ips runs");
            List<String> head = new ArrayList<>();
            assertEquals(200, curl("other", "127.0.0.1", "/echo?cluster-passes", new String[]{"-D", "-", "-o", "/dev/null"}, head));
            assertTrue(head.stream().anyMatch(h -> h.equalsIgnoreCase("x-cluster-policy: seen")), "response phase: " + head);
            assertTrue(OpsMetrics.sum(edge, "burrow_policy_actions_total{action=\"deny\",outcome=\"terminated\"}") >= 3);
            assertEquals("cluster", admin.get("/policy").json().getString("scope"));
        } finally {
            assertEquals(200, admin.delete("/policy").status());
        }
        assertEquals(404, admin.get("/policy").status());
        assertEquals(200, curl("other", "127.0.0.1", "/echo?cluster-gone", "-H", "X-Blocked: 1"), "the deleted policy no longer runs");
    }

    @Test
    void aPolicyThatDoesNotCompileIsRefusedWithLineAndColumnAndTheOldOneStays() throws Exception {
        AdminClient.Reply bad = admin.send("PUT", "/tenants/acme/policy", """
                on_http_request:
                  - expressions: ["req.method = 'GET'"]
                    actions: [{type: deny}]
                """, bearer());
        assertEquals(400, bad.status(), bad.toString());
        assertEquals("INVALID_REQUEST", bad.errorCode());
        String message = bad.json().getJsonObject("error").getString("message");
        assertTrue(message.matches("^2:\\d+: .+"), "line:col: what, without a file name: " + message);
        assertEquals(400, admin.send("PUT", "/tenants/acme/policy", """
                on_http_request:
                  - actions: [{type: oauth, config: {provider: google}}]
                """, bearer()).status(), "an action Burrow lacks is refused by name");

        assertEquals(TENANT_POLICY, admin.get("/tenants/acme/policy").json().getString("policy"));
        assertEquals(403, curl("plain", "127.0.0.2", "/echo?still-refused"), "the policy in force stayed");
        AdminClient.Reply unknown = admin.send("PUT", "/tenants/nobody/policy", TENANT_POLICY, bearer());
        assertEquals(404, unknown.status(), unknown.toString());
        AdminClient tenantOperator = new AdminClient(edge.bindAddress(), edge.opsPort(), null);
        assertEquals(401, tenantOperator.get("/tenants/acme/policy").status());
    }

    @Test
    void theAgentsInspectorShowsTheEdgesTrailOfAPassedAndOfARefusedRequest() throws Exception {
        assertEquals(200, curl("plain", "127.0.0.1", "/echo?inspected-passed"));
        assertEquals(403, curl("plain", "127.0.0.2", "/echo?inspected-refused"));
        JsonObject passed = awaitInspected("/echo?inspected-passed");
        JsonObject refused = awaitInspected("/echo?inspected-refused");

        assertEquals(200, passed.getJsonObject("response").getInteger("status_code"));
        assertTrue(passed.getJsonArray("policy_trail").contains(
                "on_http_request: tenant policy: office only: matched; restrict-ips: allowed 127.0.0.1"), passed.encodePrettily());

        assertEquals(403, refused.getJsonObject("response").getInteger("status_code"), refused.encodePrettily());
        assertEquals("refused at the edge by tenant policy: office only (restrict-ips)", refused.getString("error"));
        String refusal = refused.getJsonArray("policy_trail").getString(0);
        assertTrue(refusal.startsWith("on_http_request: tenant policy: office only: matched; restrict-ips:") && refusal.endsWith("-> 403"),
                refusal);
        assertEquals("127.0.0.2", refused.getString("remote_addr"));
    }

    private static JsonObject awaitInspected(String uri) {
        JsonObject[] found = new JsonObject[1];
        Await.until(() -> {
            JsonArray all = AgentApi.requests(tenantAgent, null);
            for (int i = 0; i < all.size(); i++) {
                if (uri.equals(all.getJsonObject(i).getJsonObject("request").getString("uri"))) {
                    found[0] = all.getJsonObject(i);
                    return true;
                }
            }
            return false;
        }, Duration.ofSeconds(10), Duration.ofMillis(50), () -> "the inspector did not list " + uri + ":\n"
                + AgentApi.requests(tenantAgent, null).encodePrettily());
        return new JsonObject(AgentApi.call(tenantAgent, "GET", "/api/requests/http/" + found[0].getString("id"), null).body());
    }

    private static String bearer() {
        return "Bearer " + edge.adminToken();
    }

    private static int curl(String name, String source, String path, String... extra) throws IOException {
        return curl(name, source, path, extra, null);
    }

    /** curl from {@code source}; the status (0 when no answer came); with {@code head}, the response head's lines. */
    private static int curl(String name, String source, String path, String[] extra, List<String> head) throws IOException {
        List<String> command = new ArrayList<>(List.of(Tools.require("curl").toString(), "-sS", "--interface", source,
                "-H", "Host: " + name + "." + edge.domain(), "--max-time", Long.toString(CLIENT_LIMIT.toSeconds()),
                "-w", "%{stderr}curl-status=%{http_code}\\n"));
        if (head == null) {
            command.addAll(List.of("-o", "/dev/null"));
        }
        command.addAll(List.of(extra));
        command.add("http://127.0.0.1:" + edge.httpPort() + path);
        ClientRun run = ClientRun.run(command, CLIENT_LIMIT.plusSeconds(10));
        if (head != null) {
            head.addAll(run.stdout().lines().map(String::strip).toList());
        }
        Matcher status = Pattern.compile("curl-status=(\\d+)").matcher(run.stderr());
        return status.find() ? Integer.parseInt(status.group(1)) : 0;
    }

    /** socat from {@code source} to the TCP endpoint: sends {@code text}, returns what came back before the close. */
    private static ClientRun socat(String source, String text) throws IOException {
        Path input = Files.writeString(dir.resolve("socat-" + System.nanoTime() + ".txt"), text);
        return ClientRun.run(List.of("sh", "-c", Tools.require("socat") + " -T 5 -t 2 - TCP:127.0.0.1:" + tcpPort
                + ",bind=" + source + " < " + input), CLIENT_LIMIT);
    }

    private static int awaitTcpPort() {
        Pattern tcp = Pattern.compile("^Forwarding (tcp://\\S+) -> ");
        String[] url = new String[1];
        Await.until(() -> {
            for (String line : tenantAgent.process().stdoutLines()) {
                Matcher m = tcp.matcher(line);
                if (m.find()) {
                    url[0] = m.group(1);
                }
            }
            return url[0] != null && tenantAgent.process().stdoutLines().stream()
                    .filter(l -> AgentProcess.FORWARDING_LINE.matcher(l).find()).count() >= 3;
        }, Duration.ofSeconds(60), Duration.ofMillis(50), () -> "the agent did not forward its 3 endpoints:\n" + tenantAgent.process().tail(20));
        return URI.create(url[0]).getPort();
    }

    private static String awaitEdgeLine(java.util.function.Predicate<String> wanted) {
        String[] found = new String[1];
        Await.until(() -> {
            for (List<String> lines : List.of(edge.process().stderrLines(), edge.process().stdoutLines())) {
                for (String line : lines) {
                    if (wanted.test(line)) {
                        found[0] = line;
                        return true;
                    }
                }
            }
            return false;
        }, Duration.ofSeconds(10), Duration.ofMillis(50), () -> "no such edge log line:\n" + edge.process().tail(30));
        assertFalse(found[0] == null);
        return found[0].strip();
    }
}
