package dev.burrow.agent.cli;

import dev.burrow.agent.internal.HostPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArgumentParsingTest {

    @Test
    void httpUpstreamForms() {
        assertEquals(URI.create("http://localhost:8080"), UpstreamArgument.http("8080"));
        assertEquals(URI.create("http://example.internal:8080"), UpstreamArgument.http("example.internal:8080"));
        assertEquals(URI.create("http://127.0.0.1:3000"), UpstreamArgument.http("127.0.0.1:3000"));
        assertEquals(URI.create("http://host:8080"), UpstreamArgument.http("http://host:8080"));
        assertEquals(URI.create("http://host:80"), UpstreamArgument.http("http://host"));
        assertEquals(URI.create("https://host:8443"), UpstreamArgument.http("https://host:8443/"));
        assertEquals(URI.create("http://[::1]:8080"), UpstreamArgument.http("[::1]:8080"));
    }

    @Test
    void badHttpUpstreamsSayWhatIsWrong() {
        assertMessage("port 70000 is not between 1 and 65535", () -> UpstreamArgument.http("70000"));
        assertMessage("port 0 is not between 1 and 65535", () -> UpstreamArgument.http("host:0"));
        assertMessage("\"abc\" is not a port number", () -> UpstreamArgument.http("host:abc"));
        assertMessage("must start with http:// or https://", () -> UpstreamArgument.http("ftp://host:21"));
        assertMessage("must not have a path", () -> UpstreamArgument.http("http://host:80/app"));
        assertMessage("expected host:port", () -> UpstreamArgument.http("hostonly"));
    }

    @Test
    void tcpUpstreamForms() {
        assertEquals(new HostPort("localhost", 22), UpstreamArgument.tcp("22"));
        assertEquals(new HostPort("10.0.0.5", 5432), UpstreamArgument.tcp("10.0.0.5:5432"));
        assertEquals(new HostPort("db", 5432), UpstreamArgument.tcp("tcp://db:5432"));
        assertMessage("port 70000 is not between 1 and 65535", () -> UpstreamArgument.tcp("70000"));
    }

    @Test
    void endpointTlsFilesAreCheckedAtStart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path cert = java.nio.file.Files.writeString(dir.resolve("a.crt"), "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
        java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("a.key"), "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n");
        assertEquals(EndpointTls.NONE, EndpointTls.termination(null, null));
        assertEquals(new EndpointTls(null, null, cert, key), EndpointTls.termination(cert, key));
        assertMessage("give both --crt and --key", () -> EndpointTls.termination(cert, null));
        assertMessage("--key " + cert + ": no PEM private key", () -> EndpointTls.termination(cert, cert));
        assertMessage("--mutual-tls-cas " + key + ": no PEM certificate", () -> EndpointTls.mutualTls(key));
        assertMessage("cannot read it", () -> EndpointTls.mutualTls(dir.resolve("missing.pem")));
        assertEquals(java.nio.file.Files.readString(cert), EndpointTls.mutualTls(cert).mutualTlsCas());
        assertMessage("--mutual-tls-crls needs --mutual-tls-cas", () -> EndpointTls.mutualTls(null, cert));
        java.nio.file.Path notes = java.nio.file.Files.writeString(dir.resolve("notes.txt"), "hello\n");
        assertMessage("--mutual-tls-crls " + notes + ": no CRL in it", () -> EndpointTls.mutualTls(cert, notes));
        assertMessage("--mutual-tls-crls " + dir.resolve("missing.crl") + ": cannot read it",
                () -> EndpointTls.mutualTls(cert, dir.resolve("missing.crl")));
    }

    @Test
    void webAddress() {
        assertNull(WebAddress.parse("false", true));
        assertEquals(new WebAddress("127.0.0.1", 0, true), WebAddress.parse("127.0.0.1:0", true));
        assertEquals(new WebAddress("127.0.0.1", 4040, false), WebAddress.parse(WebAddress.DEFAULT, false));
        assertEquals(new WebAddress("127.0.0.1", 4050, true), WebAddress.parse("4050", true));
        assertMessage("port 99999", () -> WebAddress.parse("127.0.0.1:99999", true));
    }

    @Test
    void durations() {
        assertEquals(Duration.ofMillis(500), Durations.parse("500ms", "x"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("10s", "x"));
        assertEquals(Duration.ofSeconds(10), Durations.parse("10", "x"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("2m", "x"));
        assertEquals("1.6s", Durations.format(Duration.ofMillis(1600)));
        assertMessage("must be more than zero", () -> Durations.parse("0s", "x"));
    }

    @Test
    void flagsWinOverEnvironmentWhichWinsOverConfig(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("burrow.yml");
        Files.writeString(config, "version: 1\nagent:\n  authtoken: from-file\n  server_addr: file-host:1\n  web_addr: \"false\"\n");
        CommonOptions options = new CommonOptions();
        options.config = List.of(config.toString());
        AgentSettings fromFile = options.resolve(Map.of());
        assertEquals("from-file", fromFile.authtoken());
        assertEquals("file-host:1", fromFile.server());
        assertNull(fromFile.webAddress());

        AgentSettings fromEnv = options.resolve(Map.of("BURROW_AUTHTOKEN", "from-env", "BURROW_SERVER", "env-host:2"));
        assertEquals("from-env", fromEnv.authtoken());
        assertEquals("env-host:2", fromEnv.server());

        options.authtoken = "from-flag";
        options.server = "flag-host:3";
        AgentSettings fromFlags = options.resolve(Map.of("BURROW_AUTHTOKEN", "from-env", "BURROW_SERVER", "env-host:2"));
        assertEquals("from-flag", fromFlags.authtoken());
        assertEquals("flag-host:3", fromFlags.server());
        assertTrue(fromFlags.toString().contains("authtoken=HIDDEN"));
        assertTrue(!fromFlags.toString().contains("from-flag"));
    }

    @Test
    void serverListLinksAndPooling(@TempDir Path dir) throws Exception {
        CommonOptions options = new CommonOptions();
        options.config = List.of(writeEmpty(dir).toString());
        options.authtoken = "t";
        AgentSettings defaults = options.resolve(Map.of());
        assertEquals(List.of("localhost:4443"), defaults.servers());
        assertEquals(2, defaults.links());
        assertFalse(defaults.pooling());

        options.server = "a:4443, b:4443,[::1]:4443";
        options.links = "3";
        options.pooling = true;
        AgentSettings given = options.resolve(Map.of());
        assertEquals(List.of("a:4443", "b:4443", "[::1]:4443"), given.servers());
        assertEquals(3, given.links());
        assertTrue(given.pooling());

        CommonOptions envOnly = new CommonOptions();
        envOnly.config = options.config;
        envOnly.authtoken = "t";
        AgentSettings fromEnv = envOnly.resolve(Map.of("BURROW_LINKS", "1", "BURROW_POOLING", "true", "BURROW_SERVER", "x:1,y:2"));
        assertEquals(1, fromEnv.links());
        assertTrue(fromEnv.pooling());
        assertEquals(List.of("x:1", "y:2"), fromEnv.servers());

        options.server = "a:4443,b";
        assertMessage("invalid --server address \"b\": expected host:port", () -> options.resolve(Map.of()));
        options.server = "a:4443";
        options.links = "0";
        assertMessage("invalid --links 0: expected 1 to 8", () -> options.resolve(Map.of()));
        options.links = "two";
        assertMessage("invalid --links \"two\"", () -> options.resolve(Map.of()));
        options.links = null;
        options.pooling = null;
        assertMessage("invalid --pooling \"maybe\": expected true or false", () -> options.resolve(Map.of("BURROW_POOLING", "maybe")));
    }

    @Test
    void poolingFlagWithoutValueMeansTrue() {
        HttpCommand command = new HttpCommand();
        new picocli.CommandLine(command).parseArgs("--pooling", "--links", "3", "--server", "a:1,b:2", "8080");
        assertEquals(true, command.common.pooling);
        assertEquals("3", command.common.links);
        assertEquals("a:1,b:2", command.common.server);
        TcpCommand tcp = new TcpCommand();
        new picocli.CommandLine(tcp).parseArgs("--pooling=false", "22");
        assertEquals(false, tcp.common.pooling);
    }

    @Test
    void missingAuthtokenAndMissingCaFileAreExplained(@TempDir Path dir) {
        CommonOptions options = new CommonOptions();
        options.config = List.of(writeEmpty(dir).toString());
        assertMessage("no authtoken: pass --authtoken or set BURROW_AUTHTOKEN", () -> options.resolve(Map.of()));
        options.authtoken = "t";
        options.edgeCa = dir.resolve("missing.pem").toString();
        assertMessage("is not a readable file", () -> options.resolve(Map.of()));
    }

    @Test
    void badPortExitsWith2AndOneErrorLine() {
        Result result = run("http", "70000", "--authtoken", "t");
        assertEquals(2, result.code());
        assertEquals("ERROR: invalid upstream \"70000\": port 70000 is not between 1 and 65535", result.err().strip());
        assertEquals("", result.out());
    }

    @Test
    void anAuthtokenThatLooksLikeAFlagIsStillTheValue() {
        for (String token : new String[]{"-V5eZCD-dY2n", "-hx"}) {
            HttpCommand parsed = (HttpCommand) BurrowCli.commandLine(new BurrowCli(Map.of(), System.out, System.err))
                    .parseArgs("http", "--authtoken", token, "8080").subcommand().commandSpec().userObject();
            assertEquals(token, parsed.common.authtoken);
        }
    }

    @Test
    void unknownOptionExitsWith2() {
        Result result = run("http", "8080", "--bogus");
        assertEquals(2, result.code());
        assertTrue(result.err().startsWith("ERROR: Unknown option: '--bogus'"), result.err());
        assertEquals(1, result.err().strip().lines().count());
    }

    @Test
    void urlAndSubdomainTogetherAreRefused() {
        Result result = run("http", "8080", "--url", "a.localhost", "--subdomain", "b", "--authtoken", "t");
        assertEquals(2, result.code());
        assertEquals("ERROR: pass either --url or --subdomain, not both", result.err().strip());
    }

    @Test
    void urlFlagTakesAHostname() {
        assertEquals("demo.localhost", HttpCommand.hostname("demo.localhost"));
        assertEquals("demo.localhost", HttpCommand.hostname("http://demo.localhost/"));
        assertMessage("expected a hostname", () -> HttpCommand.hostname("demo"));
    }

    @Test
    void eachCommandPrintsItsHelpAndExitsZero() {
        for (String command : new String[]{"http", "tcp"}) {
            Result result = run(command, "--help");
            assertEquals(0, result.code(), result.err());
            assertTrue(result.out().contains("Usage: burrow " + command), result.out());
            assertTrue(result.out().contains("--authtoken"), result.out());
            assertEquals("", result.err());
        }
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BurrowCli.execute(args, Map.of("HOME", "/nonexistent", "XDG_CONFIG_HOME", "/nonexistent"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Path writeEmpty(Path dir) {
        try {
            return Files.writeString(dir.resolve("empty.yml"), "");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertMessage(String expectedPart, org.junit.jupiter.api.function.Executable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action);
        assertTrue(e.getMessage().contains(expectedPart), "message \"" + e.getMessage() + "\" lacks \"" + expectedPart + "\"");
    }
}
