package dev.burrow.agent.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyCommandTest {
    private static final String OFFICE_ONLY = """
            on_http_request:
              - name: office only
                expressions: ["req.url.path.startsWith('/admin')"]
                actions:
                  - type: restrict-ips
                    config: {allow: [10.0.0.0/8]}
              - actions:
                  - type: add-headers
                    config: {headers: {x-client-ip: "${conn.client_ip}"}}
            on_http_response:
              - actions:
                  - type: remove-headers
                    config: {headers: [server]}
            """;

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run burrow(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BurrowCli.execute(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file.toString();
    }

    @Test
    void checkAcceptsAValidPolicy() throws IOException {
        String file = write("ok.yml", OFFICE_ONLY);
        Run run = burrow("policy", "check", file);
        assertEquals(0, run.code(), run.err());
        assertEquals(file + ": valid traffic policy\n", run.out());
    }

    @Test
    void checkPrintsFileLineColumnAndExits1() throws IOException {
        String file = write("bad.yml", """
                on_http_request:
                  - actions:
                      - type: saml
                        config: {idp_metadata_url: "https://idp.example/metadata"}
                """);
        Run run = burrow("policy", "check", file);
        assertEquals(1, run.code());
        assertTrue(run.err().startsWith(file + ":3:15: action 'saml' is not supported by Burrow; supported: "), run.err());
    }

    @Test
    void testNamesTheInternalEndpointAForwardInternalPicks() throws IOException {
        String file = write("fanout.yml", """
                on_http_request:
                  - name: by path
                    actions:
                      - type: forward-internal
                        config: {url: "https://${req.url.path.startsWith('/api') ? 'api' : 'web'}.internal"}
                """);
        Run run = burrow("policy", "test", file, "--request", "GET /api/users");
        assertEquals(0, run.code(), run.err());
        assertEquals("""
                on_http_request: rule by path matched
                    forward-internal: to https://api.internal
                Forwarded to the internal endpoint https://api.internal (its own policy runs there)
                """, run.out());
    }

    @Test
    void testPrintsTheTrailAndTheRefusal() throws IOException {
        String file = write("office.yml", OFFICE_ONLY);
        Run run = burrow("policy", "test", file, "--request", "GET //admin/users", "--header", "X-Forwarded-For: 10.0.0.1",
                "--client-ip", "203.0.113.9");
        assertEquals(0, run.code(), run.err());
        assertEquals("""
                on_http_request: rule office only matched
                    restrict-ips: refused 203.0.113.9 -> 403
                Response: 403 from the policy (restrict-ips)
                  Content-Type: text/plain; charset=utf-8

                403 Forbidden
                """, run.out());
    }

    @Test
    void testShowsWhatTheUpstreamAndTheClientWouldSee() throws IOException {
        String file = write("office.yml", OFFICE_ONLY);
        Run run = burrow("policy", "test", file, "--request", "GET /admin", "--client-ip", "10.1.2.3",
                "--host", "app.example", "--response-header", "Server: nginx", "--response-header", "Content-Type: text/html");
        assertEquals(0, run.code(), run.err());
        assertEquals("""
                on_http_request: rule office only matched
                    restrict-ips: allowed 10.1.2.3
                on_http_request: rule #2 matched
                    add-headers
                on_http_response: rule #1 matched
                    remove-headers
                Forwarded to the upstream: GET /admin
                  Host: app.example
                  x-client-ip: 10.1.2.3
                Response: 200 from the upstream
                  Content-Type: text/html
                """, run.out());
    }
}
