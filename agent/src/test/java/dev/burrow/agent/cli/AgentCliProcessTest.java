package dev.burrow.agent.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent CLI as a user runs it: its own JVM, the environment a shell gives it. Each case must end by itself
 * within {@link #BOUND_SECONDS}; an agent that would retry forever instead is killed and fails the case.
 */
class AgentCliProcessTest {
    /** A JVM start and one command take 1-3 s here on a loaded 2-core machine; a retry loop never ends. */
    private static final long BOUND_SECONDS = 40;

    private record Exited(int code, String out, String err) {
    }

    private static Exited burrow(Map<String, String> env, List<String> jvmArgs, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xmx96m"));
        command.addAll(jvmArgs);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BurrowCli.class.getName()));
        command.addAll(List.of(args));
        return run(new ProcessBuilder(command), env);
    }

    private static Exited run(ProcessBuilder builder, Map<String, String> env) throws Exception {
        builder.environment().remove("XDG_CONFIG_HOME");
        builder.environment().remove("BURROW_AUTHTOKEN");
        builder.environment().remove("BURROW_CONFIG");
        builder.environment().putAll(env);
        Path out = Files.createTempFile("burrow-cli-out-", ".txt");
        Path err = Files.createTempFile("burrow-cli-err-", ".txt");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("still running after " + BOUND_SECONDS + " s; stderr:\n" + Files.readString(err));
            }
            return new Exited(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void addAuthtokenWritesUnderHomeNotTheAccountsHomeDirectory(@TempDir Path dir) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path account = Files.createDirectories(dir.resolve("account"));
        Exited saved = burrow(Map.of("HOME", home.toString()), List.of("-Duser.home=" + account), "config", "add-authtoken", "tok-home");
        assertEquals(0, saved.code(), saved.err());
        Path expected = home.resolve(".config/burrow/burrow.yml");
        assertEquals("Authtoken saved to configuration file: " + expected, saved.out().strip());
        assertTrue(Files.readString(expected).contains("authtoken: tok-home"));
        assertFalse(Files.exists(account.resolve(".config")), "nothing may be written under user.home");

        Exited check = burrow(Map.of("HOME", home.toString()), List.of("-Duser.home=" + account), "config", "check");
        assertEquals(0, check.code(), check.err());
        assertEquals("Valid configuration: " + expected + " (found through $HOME; 0 endpoints)", check.out().strip());
    }

    @Test
    void anEdgeCaThatIsNotPemEndsTheAgentAtOnceNamingTheFile(@TempDir Path dir) throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.txt"), "this is not a certificate\n");
        long started = System.nanoTime();
        Exited agent = burrow(Map.of("HOME", dir.toString()), List.of(), "http", "3000", "--authtoken", "t",
                "--server", "127.0.0.1:" + closedPort(), "--edge-ca", notPem.toString(), "--web-addr", "false", "--log", "stdout");
        assertEquals(2, agent.code(), agent.out() + agent.err());
        assertTrue(agent.err().startsWith("ERROR: --edge-ca " + notPem + " is not a PEM certificate file"), agent.err());
        assertEquals(1, agent.err().lines().count(), agent.err());
        assertFalse(agent.out().contains("Cannot reach the edge"), agent.out());
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(BOUND_SECONDS));
    }

    @Test
    void aUrlWithAnUnservedSchemeIsRefusedBeforeConnecting(@TempDir Path dir) throws Exception {
        Exited agent = burrow(Map.of("HOME", dir.toString()), List.of(), "http", "3000", "--authtoken", "t",
                "--server", "127.0.0.1:" + closedPort(), "--url", "ftp://demo.localhost", "--web-addr", "false", "--log", "stdout");
        assertEquals(2, agent.code(), agent.out() + agent.err());
        assertTrue(agent.err().startsWith("ERROR: invalid --url \"ftp://demo.localhost\": scheme ftp:// is not served"), agent.err());
        assertEquals("", agent.out());
    }

    @Test
    void bashLoadsTheCompletionScriptAndCompletesSubcommands(@TempDir Path dir) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String burrow = "'" + java + "' -XX:TieredStopAtLevel=1 -cp '" + System.getProperty("java.class.path") + "' "
                + BurrowCli.class.getName();
        // What the docs tell a user to put in .bashrc, then what bash does on "burrow con<TAB>".
        String script = "source <(" + burrow + " completion bash) && complete -p burrow"
                + " && COMP_WORDS=(burrow con) && COMP_CWORD=1 && COMP_LINE='burrow con' && COMP_POINT=10"
                + " && _complete_burrow && echo \"completions: ${COMPREPLY[*]}\"";
        Exited bash = run(new ProcessBuilder("bash", "-c", script), Map.of("HOME", dir.toString()));
        assertEquals(0, bash.code(), bash.err());
        assertTrue(bash.out().contains("-F _complete_burrow burrow"), bash.out());
        assertTrue(bash.out().contains("completions: config"), bash.out());
    }
}
