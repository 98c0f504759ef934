package dev.burrow.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Map;

/**
 * {@code burrow}: the agent's command line. Standard output carries the status lines scripts parse
 * ({@code Forwarding <public url> -> <upstream>}, {@code Web interface http://host:port}, connection events);
 * standard error carries failures, one {@code ERROR: ...} line each. Exit codes: 0 after Ctrl-C, 1 when the edge
 * refuses (token, hostname, untrusted certificate) or {@code config check} finds problems, 2 for invalid arguments
 * (a bad local file among them).
 */
@Command(name = "burrow", mixinStandardHelpOptions = true, versionProvider = BurrowCli.Version.class,
        description = "Expose local servers through a Burrow edge.",
        subcommands = {HttpCommand.class, TcpCommand.class, TlsCommand.class, UdpCommand.class, StartCommand.class, ConfigCommand.class,
                ServiceCommand.class, VersionCommand.class, CompletionCommand.class, PolicyCommand.class})
public final class BurrowCli implements Runnable {
    static final int EXIT_USAGE = 2;
    static final int EXIT_FAILURE = 1;

    private final Map<String, String> environment;
    private final PrintStream out;
    private final PrintStream err;

    BurrowCli(Map<String, String> environment, PrintStream out, PrintStream err) {
        this.environment = environment;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        configureLogging(System.getenv());
        System.exit(execute(args, System.getenv(), System.out, System.err));
    }

    /** Parses and runs; returns the exit code. */
    static int execute(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        CommandLine commandLine = commandLine(new BurrowCli(environment, out, err));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        commandLine.setParameterExceptionHandler((failure, arguments) -> {
            String command = failure.getCommandLine().getCommandName();
            err.println("ERROR: " + failure.getMessage() + " (see " + (command.equals("burrow") ? "burrow" : "burrow " + command) + " --help)");
            return EXIT_USAGE;
        });
        commandLine.setExecutionExceptionHandler((failure, line, parseResult) -> {
            boolean usage = failure instanceof IllegalArgumentException;
            if (failure instanceof ConfigException config) {
                config.problems().forEach(problem -> err.println("ERROR: " + problem));
                return usage ? EXIT_USAGE : EXIT_FAILURE;
            }
            err.println("ERROR: " + ErrorMessages.sentence(failure));
            return usage ? EXIT_USAGE : EXIT_FAILURE;
        });
        return commandLine.execute(args);
    }

    static CommandLine commandLine(BurrowCli cli) {
        // An authtoken is base64url and may begin with "-V…" or "-h…": still the option's value, not the -V/-h flags.
        return new CommandLine(cli).setAllowOptionsAsOptionParameters(true);
    }

    private static void configureLogging(Map<String, String> environment) {
        String level = environment.getOrDefault("BURROW_LOG_LEVEL", "warn");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    }

    Map<String, String> environment() {
        return environment;
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    AgentRunner runner() {
        return new AgentRunner(out, err, environment);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(commandLine(this), "missing command: burrow http <port>, burrow tcp <port> or burrow start --all (see burrow --help)");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{VersionCommand.line()};
        }
    }
}
