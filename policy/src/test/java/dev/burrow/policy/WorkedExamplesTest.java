package dev.burrow.policy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The worked examples of docs/traffic-policy.md compile and do what the text says. */
class WorkedExamplesTest {
    private final PolicyHarness harness = new PolicyHarness();

    private static List<String> examples() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "traffic-policy.md"));
        String worked = doc.substring(doc.indexOf("## Worked examples"));
        Matcher blocks = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(worked);
        List<String> yaml = new ArrayList<>();
        while (blocks.find()) {
            yaml.add(blocks.group(1));
        }
        assertEquals(3, yaml.size());
        return yaml;
    }

    @Test
    void officeOnlyDashboard() throws Exception {
        TrafficPolicy policy = harness.compile(examples().get(0));
        assertEquals(Verdict.Close.class, policy.onTcpConnect(PolicyHarness.client("203.0.113.9")).result().getClass());
        assertEquals(Verdict.PROCEED, policy.onTcpConnect(PolicyHarness.client("198.51.100.20")).result());
        assertEquals(401, PolicyHarness.status(harness.decide(policy, "198.51.100.20", PolicyHarness.request("GET", "/admin"))));
        String auth = "Authorization: Basic " + Base64.getEncoder()
                .encodeToString("ops:a long passphrase here".getBytes(StandardCharsets.UTF_8));
        PolicyRequest admin = PolicyHarness.request("GET", "/admin", auth);
        assertEquals(0, PolicyHarness.status(harness.decide(policy, "198.51.100.20", admin)));
        assertEquals("ops", admin.header("x-dashboard-user"));
        assertEquals(null, admin.header("authorization"));
        PolicyRequest home = PolicyHarness.request("GET", "/");
        assertEquals(0, PolicyHarness.status(harness.decide(policy, "198.51.100.20", home)));
        assertEquals("198.51.100.20", home.header("x-client-ip"));
    }

    @Test
    void publicApiWithKeysAndLimits() throws Exception {
        TrafficPolicy policy = harness.compile(examples().get(1));
        assertEquals(401, PolicyHarness.status(harness.decide(policy, "192.0.2.1", PolicyHarness.request("GET", "/v1/x"))));
        int refused = 0;
        for (int i = 0; i < 101; i++) {
            PolicyRequest request = PolicyHarness.request("GET", "/v1/items", "X-API-Key: k-1");
            int status = PolicyHarness.status(harness.decide(policy, "192.0.2.1", request));
            refused += status == 429 ? 1 : 0;
            if (i == 0) {
                assertEquals("/v2/items", request.path());
            }
        }
        assertEquals(1, refused, "the 101st request of the minute");
        assertEquals(0, PolicyHarness.status(harness.decide(policy, "192.0.2.1",
                PolicyHarness.request("GET", "/v1/items", "X-API-Key: partner-9"))));
    }

    @Test
    void webhookReceiver() throws Exception {
        TrafficPolicy policy = harness.compile(examples().get(2));
        assertEquals(403, PolicyHarness.status(harness.decide(policy, "198.51.100.1", PolicyHarness.request("POST", "/hooks/a"))));
        assertEquals(404, PolicyHarness.status(harness.decide(policy, "192.0.2.7", PolicyHarness.request("GET", "/hooks/a"))));
        assertEquals(404, PolicyHarness.status(harness.decide(policy, "192.0.2.7", PolicyHarness.request("POST", "/other"))));
        assertEquals(0, PolicyHarness.status(harness.decide(policy, "192.0.2.7",
                PolicyHarness.request("POST", "//hooks/../hooks/a", "X-Event-Type: push"))));
        assertEquals("push", harness.logged.get(0).get("event"));
    }
}
