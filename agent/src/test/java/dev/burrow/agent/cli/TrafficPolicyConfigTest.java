package dev.burrow.agent.cli;

import dev.burrow.agent.BurrowException;
import dev.burrow.protocol.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Where an endpoint's traffic policy comes from on the agent, and how the edge's compile errors point back at it. */
class TrafficPolicyConfigTest {
    private static final String CONFIG = """
            version: 1
            endpoints:
              - name: web
                url: demo.localhost
                upstream: 3000
                traffic_policy:
                  on_http_request:
                    - name: "office only"
                      expressions: ["!inCidrRange(conn.client_ip, '10.0.0.0/8')"]
                      actions:
                        - type: deny
              - name: plain
                upstream: 3001
            """;

    @Test
    void aConfigFilesTrafficPolicyIsSentAsWrittenAndItsErrorsNameTheFileLineAndColumn(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("burrow.yml"), CONFIG);
        ConfigFile config = ConfigFile.load(List.of(file), true);
        TrafficPolicyFile policy = config.endpoints().get("web").trafficPolicy();
        assertEquals("""
                on_http_request:
                  - name: "office only"
                    expressions: ["!inCidrRange(conn.client_ip, '10.0.0.0/8')"]
                    actions:
                      - type: deny
                """, policy.document());
        assertSame(TrafficPolicyFile.NONE, config.endpoints().get("plain").trafficPolicy());

        // The edge names the document "traffic_policy"; line 5, column 11 of it ("deny") is line 11, column 17 of the file.
        BurrowException refusal = new BurrowException(BurrowException.Reason.BIND_FAILED, ErrorCode.INVALID_TRAFFIC_POLICY,
                "traffic_policy:5:11: unknown action type 'deny'", null);
        assertEquals(file + ":11:17: unknown action type 'deny'", policy.named(refusal).getMessage());
        assertEquals(file + ":11:17: unknown action type 'deny'",
                ErrorMessages.forFailure(policy.named(refusal), null));
    }

    @Test
    void aPolicyFilesErrorsNameTheFile(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yml"), "on_tcp_connect: []\n");
        TrafficPolicyFile policy = TrafficPolicyFile.read(file);
        assertEquals("on_tcp_connect: []\n", policy.document());
        BurrowException refusal = new BurrowException(BurrowException.Reason.BIND_FAILED, ErrorCode.INVALID_TRAFFIC_POLICY,
                "traffic_policy:1:17: a list of rules was expected", null);
        assertEquals(file + ":1:17: a list of rules was expected", policy.named(refusal).getMessage());
    }
}
