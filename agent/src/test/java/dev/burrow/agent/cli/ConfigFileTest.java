package dev.burrow.agent.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigFileTest {
    private static final String FULL = """
            version: 1
            agent:
              authtoken: secret-1
              server_addr: [edge-a:4443, edge-b:4443]
              edge_ca: ca.pem
              web_addr: 127.0.0.1:4141
              log: stdout
              log_level: debug
              log_format: logfmt
              heartbeat_interval: 5s
              heartbeat_tolerance: 12s
              links: 3
              inspect_buffer_size: 7
              inspect_body_bytes: 1KiB
            endpoints:
              - name: web
                url: demo.localhost
                upstream:
                  url: http://localhost:3000
                  protocol: http2
              - name: ssh
                url: tcp://:20022
                upstream: 22
              - name: api
                upstream: {url: 8081}
                pooling: true
                inspect: false
            """;

    @Test
    void readsEverySettingAndEndpoint(@TempDir Path dir) throws Exception {
        Path file = write(dir, "burrow.yml", FULL);
        Files.copy(Path.of(io.vertx.core.net.SelfSignedCertificate.create("localhost").certificatePath()), dir.resolve("ca.pem"));
        ConfigFile config = ConfigFile.load(List.of(file), true);
        assertEquals("edge-a:4443,edge-b:4443", config.get("server_addr"));
        assertEquals(dir.resolve("ca.pem"), config.value("edge_ca").path());
        assertEquals(List.of("web", "ssh", "api"), List.copyOf(config.endpoints().keySet()));

        EndpointConfig web = config.endpoints().get("web");
        assertEquals("http", web.proto());
        assertEquals("demo.localhost", web.hostname());
        assertEquals("http://localhost:3000", web.upstream().toString());
        assertEquals("http2", web.upstreamProtocol());
        EndpointConfig ssh = config.endpoints().get("ssh");
        assertEquals("tcp", ssh.proto());
        assertEquals(20022, ssh.remotePort());
        assertEquals("tcp://localhost:22", ssh.upstream().toString());
        EndpointConfig api = config.endpoints().get("api");
        assertEquals("http://localhost:8081", api.upstream().toString());
        assertEquals(Boolean.TRUE, api.pooling());
        assertEquals(Boolean.FALSE, api.inspect());

        CommonOptions options = new CommonOptions();
        options.config = List.of(file.toString());
        AgentSettings settings = options.resolve(Map.of(), config);
        assertEquals(List.of("edge-a:4443", "edge-b:4443"), settings.servers());
        assertEquals(3, settings.links());
        assertEquals(Duration.ofSeconds(5), settings.heartbeatInterval());
        assertEquals(Duration.ofSeconds(12), settings.heartbeatTolerance());
        assertEquals(4141, settings.webAddress().port());
        assertEquals(new LogSettings("stdout", "logfmt", "debug"), settings.log());
        assertEquals(new InspectSettings(true, 7, 1024), settings.inspect());
        assertFalse(settings.toString().contains("secret-1"));
    }

    @Test
    void laterFilesOverrideEarlierOnesKeyByKeyAndEndpointByName(@TempDir Path dir) throws Exception {
        Path base = write(dir, "base.yml", FULL.replace("  edge_ca: ca.pem\n", ""));
        Path override = write(dir, "override.yml", """
                agent:
                  links: 1
                endpoints:
                  - name: web
                    upstream: 4000
                  - name: extra
                    upstream: 5000
                """);
        ConfigFile config = ConfigFile.load(List.of(base, override), true);
        assertEquals("1", config.get("links"));
        assertEquals("secret-1", config.get("authtoken"));
        assertEquals("http://localhost:4000", config.endpoints().get("web").upstream().toString());
        assertNull(config.endpoints().get("web").hostname());
        assertEquals(List.of("ssh", "api", "web", "extra"), List.copyOf(config.endpoints().keySet()));
    }

    @Test
    void flagsBeatEnvironmentBeatFiles(@TempDir Path dir) throws Exception {
        Path file = write(dir, "burrow.yml", "agent:\n  authtoken: file\n  log_format: json\n  links: 3\n");
        CommonOptions options = new CommonOptions();
        options.config = List.of(file.toString());
        assertEquals("json", options.resolve(Map.of()).log().format());
        assertEquals("logfmt", options.resolve(Map.of("BURROW_LOG_FORMAT", "logfmt")).log().format());
        options.logFormat = "term";
        assertEquals("term", options.resolve(Map.of("BURROW_LOG_FORMAT", "logfmt")).log().format());
        assertEquals(3, options.resolve(Map.of()).links());
        assertEquals("env", options.resolve(Map.of("BURROW_AUTHTOKEN", "env")).authtoken());
        assertEquals(1, options.resolve(Map.of("BURROW_LINKS", "1")).links());
        // BURROW_CONFIG names the file when --config does not.
        CommonOptions fromEnv = new CommonOptions();
        assertEquals("file", fromEnv.resolve(Map.of("BURROW_CONFIG", file.toString())).authtoken());
    }

    @Test
    void everyProblemIsReportedWithFileLineAndFix(@TempDir Path dir) throws Exception {
        Path file = write(dir, "bad.yml", """
                version: 2
                authtoken: misplaced
                agent:
                  log_levl: debug
                  links: many
                  heartbeat_interval: soon
                  web_addr: nowhere
                endpoints:
                  - name: web
                    upstream: {url: http://localhost:3000, protocl: http2}
                  - url: demo.localhost
                    upstream: 3000
                  - name: ftp
                    upstream: {url: "ftp://x:21"}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.load(List.of(file), true));
        List<String> lines = e.problems().stream().map(ConfigProblem::toString).toList();
        assertContains(lines, file + ":1: version 2 is not supported: this agent reads version 1 (write \"version: 1\")");
        assertContains(lines, file + ":2: \"authtoken\" belongs under agent:");
        assertContains(lines, file + ":4: unknown key \"log_levl\" in agent; did you mean \"log_level\"?");
        assertContains(lines, file + ":5: agent.links: invalid --links \"many\"");
        assertContains(lines, file + ":6: agent.heartbeat_interval: invalid duration \"soon\": expected e.g. 500ms, 10s or 1m");
        assertContains(lines, file + ":7: agent.web_addr: invalid --web-addr \"nowhere\"");
        assertContains(lines, file + ":10: unknown key \"protocl\" in endpoint \"web\" upstream; did you mean \"protocol\"?");
        assertContains(lines, file + ":11: endpoint without a name: add \"name: …\"");
        assertContains(lines, file + ":14: endpoint \"ftp\": upstream URL \"ftp://x:21\" must start with http:// or https://");
        assertEquals(9, lines.size(), String.join("\n", lines));
    }

    @Test
    void yamlSyntaxErrorsAndDuplicateKeysHaveLines(@TempDir Path dir) throws Exception {
        Path broken = write(dir, "broken.yml", "agent:\n  links: 2\n   authtoken: [unclosed\n");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigFile.load(List.of(broken), true));
        assertTrue(e.problems().get(0).toString().startsWith(broken + ":3: not valid YAML"), e.getMessage());
        Path duplicate = write(dir, "dup.yml", "agent:\n  links: 2\n  links: 3\n");
        e = assertThrows(ConfigException.class, () -> ConfigFile.load(List.of(duplicate), true));
        assertEquals(duplicate + ":3: not valid YAML: key \"links\" appears twice (first on line 2)", e.problems().get(0).toString());
        e = assertThrows(ConfigException.class, () -> ConfigFile.load(List.of(dir.resolve("missing.yml")), true));
        assertTrue(e.getMessage().contains("missing.yml: config file does not exist"), e.getMessage());
    }

    @Test
    void configCheckPrintsProblemsAndExits1OrSaysValid(@TempDir Path dir) throws Exception {
        Path good = write(dir, "good.yml", FULL.replace("  edge_ca: ca.pem\n", ""));
        Result ok = run("config", "check", "--config", good.toString());
        assertEquals(0, ok.code(), ok.err());
        assertEquals("Valid configuration: " + good + " (from --config; 3 endpoints: web, ssh, api)", ok.out().strip());

        Path bad = write(dir, "bad.yml", "agent:\n  linkz: 2\n  log_format: xml\n");
        Result failed = run("config", "check", "--config", bad.toString());
        assertEquals(1, failed.code());
        assertEquals(List.of(
                "ERROR: " + bad + ":2: unknown key \"linkz\" in agent; did you mean \"links\"? (known: authtoken, edge_ca, "
                        + "heartbeat_interval, heartbeat_tolerance, inspect, inspect_body_bytes, inspect_buffer_size, links, log, log_format, log_level, "
                        + "pooling, region, regions, response_timeout, server_addr, web_addr)",
                "ERROR: " + bad + ":3: agent.log_format: \"xml\" is not one of json, logfmt, term",
                "ERROR: 2 problems in the config (from --config)"), failed.err().lines().toList());
    }

    @Test
    void addAuthtokenWritesAPrivateFileAndKeepsOtherSettings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/burrow.yml");
        Result first = run("config", "add-authtoken", "tok-1", "--config", file.toString());
        assertEquals(0, first.code(), first.err());
        assertEquals("Authtoken saved to configuration file: " + file, first.out().strip());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("tok-1", ConfigFile.load(file, true).get("authtoken"));

        Files.writeString(file, "version: 1\nagent:\n  authtoken: old\n  links: 1\nendpoints:\n  - name: web\n    upstream: 3000\n");
        assertEquals(0, run("config", "add-authtoken", "tok-2", "--config", file.toString()).code());
        ConfigFile config = ConfigFile.load(file, true);
        assertEquals("tok-2", config.get("authtoken"));
        assertEquals("1", config.get("links"));
        assertEquals(List.of("web"), List.copyOf(config.endpoints().keySet()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void startChoosesEndpointsByNameOrAll(@TempDir Path dir) throws Exception {
        ConfigFile config = ConfigFile.load(write(dir, "b.yml", FULL.replace("  edge_ca: ca.pem\n", "")), true);
        assertEquals(List.of("api", "web"), StartCommand.choose(config, List.of("api", "web"), false).stream().map(EndpointConfig::name).toList());
        assertEquals(3, StartCommand.choose(config, List.of(), true).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StartCommand.choose(config, List.of("nope"), false));
        assertEquals("no endpoint named \"nope\" in the config (defined: web, ssh, api)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> StartCommand.choose(config, List.of(), false));
        assertEquals("name the endpoints to start or pass --all (defined: web, ssh, api)", e.getMessage());
        Result noEndpoints = run("start", "--all", "--config", write(dir, "empty.yml", "agent:\n  authtoken: t\n").toString());
        assertEquals(2, noEndpoints.code());
        assertTrue(noEndpoints.err().startsWith("ERROR: no endpoints defined in "), noEndpoints.err());
    }

    @Test
    void versionAndCompletion() {
        Result version = run("version");
        assertEquals(0, version.code());
        assertTrue(version.out().matches("burrow version \\d+\\.\\d+\\.\\d+\\S*\\s*"), version.out());
        Result completion = run("completion");
        assertEquals(0, completion.code());
        assertTrue(completion.out().contains("complete -F _complete_burrow"), completion.out().substring(0, 200));
        assertTrue(completion.out().contains("add-authtoken"));
    }

    static Path write(Path dir, String name, String text) throws java.io.IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static void assertContains(List<String> lines, String start) {
        assertTrue(lines.stream().anyMatch(l -> l.startsWith(start)), "no line starts with\n  " + start + "\nin\n  " + String.join("\n  ", lines));
    }

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BurrowCli.execute(args, Map.of("HOME", "/nonexistent", "XDG_CONFIG_HOME", "/nonexistent"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
