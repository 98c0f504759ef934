package dev.burrow.agent.cli;

import dev.burrow.agent.internal.SessionEngine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code burrow version}. */
@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = BurrowCli.Version.class,
        description = "Print the agent's version (as burrow --version does).")
final class VersionCommand implements Runnable {
    @ParentCommand
    BurrowCli cli;

    /** "0.1.0" out of the agent's protocol name "burrow-agent/0.1.0". */
    static String number() {
        String version = SessionEngine.AGENT_VERSION;
        return version.substring(version.indexOf('/') + 1);
    }

    /** What both {@code burrow version} and {@code burrow --version} print. */
    static String line() {
        return "burrow version " + number();
    }

    @Override
    public void run() {
        cli.out().println(line());
    }
}
