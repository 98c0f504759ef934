package dev.burrow.agent.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code burrow completion}: a bash/zsh completion script (picocli's AutoComplete) on standard output. */
@Command(name = "completion", description = {"Print a bash/zsh completion script.",
        "bash: source <(burrow completion)   zsh: autoload -U +X bashcompinit && bashcompinit && source <(burrow completion)"})
final class CompletionCommand implements Runnable {
    @ParentCommand
    BurrowCli cli;

    @Override
    public void run() {
        cli.out().print(AutoComplete.bash("burrow", BurrowCli.commandLine(new BurrowCli(cli.environment(), cli.out(), cli.out()))));
        cli.out().flush();
    }
}
