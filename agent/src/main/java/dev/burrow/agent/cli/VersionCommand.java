package dev.burrow.agent.cli;

import dev.burrow.agent.internal.SessionEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code burrow version}. */
@Command(name = "version", description = "Print the agent's version.")
final class VersionCommand implements Runnable {
    @ParentCommand
    BurrowCli cli;

    @Override
    public void run() {
        cli.out().println("burrow version " + SessionEngine.AGENT_VERSION);
    }
}
