package dev.burrow.agent.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/** What every tunnel command has: the parent CLI, the common options, and a run of endpoint plans over one session. */
abstract class TunnelCommand implements Callable<Integer> {
    @ParentCommand
    BurrowCli cli;

    @Mixin
    CommonOptions common = new CommonOptions();

    /**
     * Resolves the settings and runs the one endpoint {@code plan} makes of them. The command's own arguments are
     * validated before this, so their mistakes are reported before a missing authtoken.
     */
    int runOne(Function<AgentSettings, EndpointPlan> plan) {
        AgentSettings settings = common.resolve(cli.environment());
        return cli.runner().run(settings, List.of(plan.apply(settings)));
    }
}
