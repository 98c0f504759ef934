package dev.burrow.agent.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code burrow completion [bash|zsh]}: a completion script (picocli's AutoComplete) on standard output. One script
 * serves both: under zsh it loads zsh's bash compatibility layer (bashcompinit) itself.
 */
@Command(name = "completion", mixinStandardHelpOptions = true, versionProvider = BurrowCli.Version.class,
        description = {"Print a completion script for bash or zsh.",
                "bash: source <(burrow completion bash)   zsh: source <(burrow completion zsh)"})
final class CompletionCommand implements Runnable {
    @ParentCommand
    BurrowCli cli;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SHELL", defaultValue = "bash",
            description = "bash or zsh (default ${DEFAULT-VALUE}).")
    String shell;

    @Override
    public void run() {
        String script = AutoComplete.bash("burrow", BurrowCli.commandLine(new BurrowCli(cli.environment(), cli.out(), cli.out())));
        switch (shell) {
            case "bash", "zsh" -> cli.out().print(script);
            default -> throw new IllegalArgumentException("unknown shell \"" + shell + "\": expected bash or zsh");
        }
        cli.out().flush();
    }
}
