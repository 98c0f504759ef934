package dev.burrow.agent.cli;

import dev.burrow.agent.internal.SessionEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code burrow version}. */
@Command(name = "version", description = "Print the agent's version.")
final class VersionCommand implements Runnable {
    @ParentCommand
    BurrowCli cli;

    /** "0.1.0" out of the agent's protocol name "burrow-agent/0.1.0". */
    static String number() {
        String version = SessionEngine.AGENT_VERSION;
        return version.substring(version.indexOf('/') + 1);
    }

    @Override
    public void run() {
        cli.out().println("burrow version " + number());
    }
}
