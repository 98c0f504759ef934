package dev.burrow.agent.cli;

import dev.burrow.agent.service.AgentCommandLine;
import dev.burrow.agent.service.Systemctl;
import dev.burrow.agent.service.SystemdUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code burrow service install|uninstall|start|stop|status}: the agent as a systemd unit running
 * {@code burrow start --all} with the given config files. A system unit when run as root, a user unit otherwise
 * (or with {@code --user}).
 */
@Command(name = "service", mixinStandardHelpOptions = true, versionProvider = BurrowCli.Version.class,
        description = "Install and control the agent as a systemd service running `burrow start --all`.")
final class ServiceCommand implements Callable<Integer> {
    @ParentCommand
    BurrowCli cli;

    @Parameters(index = "0", paramLabel = "ACTION", description = "install, uninstall, start, stop or status.")
    String action;

    @Option(names = "--config", paramLabel = "FILE", description = "Config file(s) the service uses; repeatable "
            + "(default " + ConfigFile.DEFAULT_PLACE + "). Checked at install.")
    List<String> config;

    @Option(names = "--user", arity = "0..1", paramLabel = "true|false", description = "A user unit (systemctl --user) even when run as root.")
    boolean user;

    @Option(names = "--name", paramLabel = "UNIT", description = "Unit name (default burrow).", defaultValue = "burrow")
    String name;

    @Option(names = "--unit-dir", paramLabel = "DIR", description = "Where to write the unit (default "
            + "/etc/systemd/system, or ~/.config/systemd/user for a user unit).")
    String unitDir;

    @Option(names = "--run-as", paramLabel = "USER", description = "The account a system unit runs as (User=); "
            + "default root. The config files must be readable by it.")
    String runAs;

    @Option(names = "--dry-run", arity = "0..1", paramLabel = "true|false", description = "Print the systemctl commands instead of running them.")
    boolean dryRun;

    @Override
    public Integer call() throws IOException {
        if (!name.matches("[A-Za-z0-9_.@-]+")) {
            throw new IllegalArgumentException("invalid --name \"" + name + "\": letters, digits, '_', '.', '@' or '-'");
        }
        boolean userUnit = user || !"root".equals(System.getProperty("user.name"));
        if (runAs != null && (userUnit || !runAs.matches("[a-z_][a-z0-9_-]*[$]?"))) {
            throw new IllegalArgumentException(userUnit ? "--run-as applies to a system unit (run as root without --user)"
                    : "invalid --run-as \"" + runAs + "\": expected a user name");
        }
        Systemctl systemctl = new Systemctl(userUnit, dryRun, cli.out());
        String unit = name + ".service";
        return switch (action) {
            case "install" -> install(userUnit, systemctl);
            case "uninstall" -> uninstall(userUnit, systemctl);
            case "start", "stop", "status" -> systemctl.run(action, unit);
            default -> throw new IllegalArgumentException("unknown action \"" + action
                    + "\": expected install, uninstall, start, stop or status");
        };
    }

    private int install(boolean userUnit, Systemctl systemctl) throws IOException {
        List<Path> configs = ConfigFile.paths(config, cli.environment()).stream().map(p -> p.toAbsolutePath().normalize()).toList();
        ConfigFile file = ConfigFile.load(configs, true);
        if (file.endpoints().isEmpty()) {
            throw new IllegalArgumentException("the config defines no endpoints, so `start --all` would have nothing to run; "
                    + "add an endpoints: list to " + configs.get(configs.size() - 1));
        }
        List<String> command = new ArrayList<>(AgentCommandLine.current(BurrowCli.class));
        command.addAll(List.of("start", "--all", "--log", "stdout"));
        for (Path path : configs) {
            command.add("--config");
            command.add(path.toString());
        }
        SystemdUnit unit = new SystemdUnit(name, command, userUnit, runAs);
        Path dir = unitDirectory(userUnit);
        Files.createDirectories(dir);
        Path target = dir.resolve(unit.fileName());
        Files.writeString(target, unit.render());
        cli.out().println("Wrote " + target);
        int code = systemctl.run("daemon-reload");
        if (code == 0) {
            code = systemctl.run("enable", unit.fileName());
        }
        if (code == 0) {
            String named = name.equals("burrow") ? "" : " --name " + name;
            cli.out().println("Installed; start it with: burrow service start" + named + (userUnit ? " --user" : "")
                    + " (or: systemctl" + (userUnit ? " --user" : "") + " start " + unit.fileName() + ")");
        }
        return code;
    }

    private int uninstall(boolean userUnit, Systemctl systemctl) throws IOException {
        String unit = name + ".service";
        Path target = unitDirectory(userUnit).resolve(unit);
        if (!Files.exists(target)) {
            throw new IllegalArgumentException("no unit " + target + " to uninstall (see --unit-dir, --user, --name)");
        }
        systemctl.run("disable", "--now", unit);
        Files.delete(target);
        cli.out().println("Removed " + target);
        return systemctl.run("daemon-reload");
    }

    private Path unitDirectory(boolean userUnit) {
        if (unitDir != null) {
            return Path.of(unitDir);
        }
        if (userUnit) {
            return ConfigFile.configHome(cli.environment()).resolve("systemd").resolve("user");
        }
        return Path.of("/etc/systemd/system");
    }
}
