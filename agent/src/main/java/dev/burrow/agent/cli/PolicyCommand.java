package dev.burrow.agent.cli;

import dev.burrow.policy.PolicyException;
import dev.burrow.policy.TrafficPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code burrow policy check FILE} and {@code burrow policy test FILE ...}: the traffic-policy compiler the edge runs
 * at bind time, offline. A policy that does not compile prints {@code file:line:col: what} (as compilers do, so
 * editors can jump to it) and exits 1.
 */
@Command(name = "policy", mixinStandardHelpOptions = true, versionProvider = BurrowCli.Version.class,
        description = "Check a traffic policy file, or show what it would do to a request.",
        subcommands = {PolicyCommand.Check.class, PolicyTestCommand.class})
final class PolicyCommand implements Runnable {
    @ParentCommand
    BurrowCli cli;

    @Override
    public void run() {
        throw new IllegalArgumentException("missing subcommand: burrow policy check FILE or burrow policy test FILE");
    }

    /** The policy in {@code file} compiled as the edge would, or null after printing where it fails. */
    static TrafficPolicy compile(Path file, PrintStream out, PrintStream err) {
        String document;
        try {
            document = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the policy file " + file + ": " + e.getMessage(), e);
        }
        try {
            return PolicyCheck.compile(document, file.toString(), out);
        } catch (PolicyException e) {
            err.println(e.getMessage());
            return null;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Compile a traffic policy (YAML or JSON) as the edge would; exit 1 with file:line:col if it fails.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        PolicyCommand parent;

        @Parameters(paramLabel = "FILE", description = "The traffic policy file.")
        Path file;

        @Override
        public Integer call() {
            TrafficPolicy policy = compile(file, parent.cli.out(), parent.cli.err());
            if (policy == null) {
                return BurrowCli.EXIT_FAILURE;
            }
            parent.cli.out().println(file + ": valid traffic policy" + (policy.isEmpty() ? " (no rules)" : ""));
            return 0;
        }
    }
}
