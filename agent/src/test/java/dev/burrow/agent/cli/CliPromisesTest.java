package dev.burrow.agent.cli;

import dev.burrow.agent.BurrowException;
import dev.burrow.protocol.ErrorCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The agent CLI does what its help says: each case is something its help or docs promise. */
class CliPromisesTest {

    @Test
    void booleanOptionsTakeNoValueAndAcceptAnAttachedFalse() {
        HttpCommand pooled = parse(HttpCommand.class, "http", "3000", "--pooling", "--subdomain", "x");
        assertEquals(true, pooled.common.pooling);
        assertEquals("x", pooled.subdomain);
        HttpCommand inspected = parse(HttpCommand.class, "http", "3000", "--inspect", "--web-addr", "false");
        assertEquals(true, inspected.common.inspect);
        assertEquals("false", inspected.common.webAddr);
        HttpCommand off = parse(HttpCommand.class, "http", "3000", "--pooling=false", "--inspect=false", "--subdomain", "y");
        assertEquals(false, off.common.pooling);
        assertEquals(false, off.common.inspect);
        StartCommand start = parse(StartCommand.class, "start", "--all", "--log", "stdout");
        assertTrue(start.all);
        assertEquals(List.of(), start.names);
        ServiceCommand service = parse(ServiceCommand.class, "service", "install", "--user", "--dry-run", "--name", "b");
        assertTrue(service.user && service.dryRun);
        assertEquals("b", service.name);
        assertFalse(parse(ServiceCommand.class, "service", "install", "--user=false").user);
    }

    @Test
    void theConfigFileFollowsXdgConfigHomeThenHome() {
        assertEquals(Path.of("/x/burrow/burrow.yml"), ConfigFile.defaultPath(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h")));
        assertEquals(Path.of("/h/.config/burrow/burrow.yml"), ConfigFile.defaultPath(Map.of("HOME", "/h")));
    }

    @Test
    void configCheckSaysWhichFileItUsedAndHowItFoundIt(@TempDir Path home) throws Exception {
        Path file = home.resolve(".config/burrow/burrow.yml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, "version: 1\nagent:\n  authtoken: t\n");
        Result result = run(Map.of("HOME", home.toString()), "config", "check");
        assertEquals(0, result.code(), result.err());
        assertEquals("Valid configuration: " + file + " (found through $HOME; 0 endpoints)", result.out().strip());

        Result missing = run(Map.of("HOME", home.resolve("elsewhere").toString()), "config", "check");
        assertEquals(1, missing.code());
        assertTrue(missing.err().contains(home.resolve("elsewhere/.config/burrow/burrow.yml") + ": config file does not exist"), missing.err());
        assertTrue(missing.err().contains("(found through $HOME)"), missing.err());
    }

    @Test
    void aUrlWithASchemeTheEdgeCannotServeIsRefused(@TempDir Path dir) throws Exception {
        assertEquals("demo.localhost", HttpCommand.hostname("https://demo.localhost"));
        assertEquals("https", HttpCommand.proto("https://demo.localhost"));
        assertEquals("http", HttpCommand.proto("demo.localhost"));
        IllegalArgumentException tls = assertThrows(IllegalArgumentException.class, () -> HttpCommand.hostname("tls://x.localhost"));
        assertTrue(tls.getMessage().contains("use burrow tls"), tls.getMessage());
        IllegalArgumentException ftp = assertThrows(IllegalArgumentException.class, () -> HttpCommand.hostname("ftp://x.localhost"));
        assertTrue(ftp.getMessage().contains("scheme ftp:// is not served"), ftp.getMessage());
        IllegalArgumentException tcp = assertThrows(IllegalArgumentException.class, () -> HttpCommand.hostname("tcp://x"));
        assertTrue(tcp.getMessage().contains("use burrow tcp"), tcp.getMessage());
        assertEquals("demo.localhost", HttpCommand.hostname("http://demo.localhost"));

        Path config = ConfigFileTest.write(dir, "burrow.yml", "version: 1\nendpoints:\n  - name: web\n    url: ftp://web.localhost\n"
                + "    upstream: 3000\n");
        Result check = run(Map.of(), "config", "check", "--config", config.toString());
        assertEquals(1, check.code(), check.out());
        assertTrue(check.err().startsWith("ERROR: " + config + ":5: endpoint \"web\": invalid url \"ftp://web.localhost\": "
                + "scheme ftp:// is not served"), check.err());
    }

    @Test
    void configCheckReportsDuplicateNamesAndSharedTcpPortsAndExits1(@TempDir Path dir) throws Exception {
        Path config = ConfigFileTest.write(dir, "burrow.yml", String.join("\n", "version: 1", "endpoints:",
                "  - name: web", "    upstream: 3000",
                "  - name: web", "    upstream: 3001",
                "  - name: ssh", "    url: tcp://:20001", "    upstream: tcp://localhost:22",
                "  - name: db", "    url: tcp://:20001", "    upstream: tcp://localhost:5432", ""));
        Result check = run(Map.of(), "config", "check", "--config", config.toString());
        assertEquals(1, check.code(), check.out());
        assertEquals(List.of(
                "ERROR: " + config + ":5: endpoint name \"web\" is used twice in this file (first on line 3); give each endpoint its own name",
                "ERROR: " + config + ":10: endpoint \"db\" asks for TCP port 20001, as endpoint \"ssh\" (" + config + ":7) does; "
                        + "only one can have it, so give each its own",
                "ERROR: 2 problems in the config (from --config)"), check.err().lines().toList());
        assertTrue(new HelpText("config", "check").text().contains("exit 1 if any"));
    }

    @Test
    void completionForBashAndZshAndItsHelp() {
        for (String shell : new String[]{"bash", "zsh"}) {
            Result completion = run(Map.of(), "completion", shell);
            assertEquals(0, completion.code(), completion.err());
            assertTrue(completion.out().contains("complete -F _complete_burrow"), shell);
            assertTrue(completion.out().contains("ZSH_VERSION"), "the script sets up zsh's bash completion itself");
        }
        Result help = run(Map.of(), "completion", "--help");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("Usage: burrow completion"), help.out());
        Result fish = run(Map.of(), "completion", "fish");
        assertEquals(2, fish.code());
        assertEquals("ERROR: unknown shell \"fish\": expected bash or zsh", fish.err().strip());
    }

    @Test
    void aUserServiceIsStartedWithUser(@TempDir Path dir) throws Exception {
        Path config = ConfigFileTest.write(dir, "burrow.yml", "agent:\n  authtoken: t\nendpoints:\n  - name: web\n    upstream: 3000\n");
        Result install = run(Map.of("HOME", dir.toString()), "service", "install", "--user", "--dry-run", "--config", config.toString());
        assertEquals(0, install.code(), install.err());
        assertTrue(install.out().contains("Wrote " + dir.resolve(".config/systemd/user/burrow.service")), install.out());
        assertTrue(install.out().contains("Installed; start it with: burrow service start --user (or: systemctl --user start burrow.service)"),
                install.out());
    }

    @Test
    void versionAndDashDashVersionPrintTheSame() {
        Result version = run(Map.of(), "version");
        Result flag = run(Map.of(), "--version");
        assertEquals(0, version.code());
        assertEquals(0, flag.code());
        assertTrue(version.out().startsWith("burrow version "), version.out());
        assertEquals(version.out(), flag.out());
    }

    @Test
    void aQuotaRefusalDoesNotBlameTheTokenAndATokenRefusalNamesWhereItCameFrom(@TempDir Path dir) throws Exception {
        AgentSettings fromFlag = settings(dir, Map.of(), "--authtoken");
        String quota = ErrorMessages.forFailure(new BurrowException(BurrowException.Reason.AUTH_FAILED, ErrorCode.SESSION_QUOTA_EXCEEDED,
                "this account already has 1 agent session(s) connected, its limit; stop one or ask for a higher quota", null), fromFlag);
        assertEquals("the edge refused the session: this account already has 1 agent session(s) connected, its limit; "
                + "stop one or ask for a higher quota", quota);
        BurrowException refused = new BurrowException(BurrowException.Reason.AUTH_FAILED, ErrorCode.AUTH_FAILED,
                "the authtoken was not accepted by this edge; check --authtoken", null);
        assertEquals("the authtoken was not accepted by this edge; the authtoken came from --authtoken: check it there",
                ErrorMessages.forFailure(refused, fromFlag));
        assertTrue(ErrorMessages.forFailure(refused, settings(dir, Map.of("BURROW_AUTHTOKEN", "e"), null))
                .endsWith("the authtoken came from BURROW_AUTHTOKEN: check it there"));
        Path file = ConfigFileTest.write(dir, "token.yml", "agent:\n  authtoken: f\n");
        assertTrue(ErrorMessages.forFailure(refused, settings(dir, Map.of("BURROW_CONFIG", file.toString()), null))
                .endsWith("the authtoken came from agent.authtoken in " + file + ": check it there"));
    }

    @Test
    void theWebInterfaceFallbackSkipsPortsBrowsersRefuse() {
        WebAddress byDefault = WebAddress.parse(WebAddress.DEFAULT, false);
        assertEquals(IntStream.rangeClosed(4040, 4049).filter(p -> p != 4045).boxed().toList(), byDefault.candidatePorts(10));
        assertEquals(List.of(4045), WebAddress.parse("127.0.0.1:4045", true).candidatePorts(10), "an explicit port is used as given");
    }

    private static AgentSettings settings(Path dir, Map<String, String> env, String flagToken) throws Exception {
        CommonOptions options = new CommonOptions();
        if (!env.containsKey("BURROW_CONFIG")) {
            options.config = List.of(ConfigFileTest.write(dir, "empty.yml", "").toString());
        }
        options.authtoken = flagToken == null ? null : "flag-token";
        return options.resolve(env);
    }

    private static <T> T parse(Class<T> type, String... args) {
        picocli.CommandLine.ParseResult result = BurrowCli.commandLine(new BurrowCli(Map.of(), System.out, System.err)).parseArgs(args);
        return type.cast(result.subcommand().commandSpec().userObject());
    }

    /** A command's usage text. */
    private record HelpText(String... command) {
        String text() {
            String[] args = java.util.Arrays.copyOf(command, command.length + 1);
            args[command.length] = "--help";
            return run(Map.of(), args).out();
        }
    }

    record Result(int code, String out, String err) {
    }

    static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = BurrowCli.execute(args, env, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
