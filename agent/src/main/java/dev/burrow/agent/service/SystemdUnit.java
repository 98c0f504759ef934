package dev.burrow.agent.service;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The systemd unit that runs the agent as a service: {@code burrow start --all} with the given config files,
 * restarted on failure, started once the network is online.
 *
 * @param user  true for a user unit ({@code systemctl --user}), false for a system unit
 * @param runAs the account a system unit runs as ({@code User=}), or null for root
 */
public record SystemdUnit(String name, List<String> command, boolean user, String runAs) {

    public String fileName() {
        return name + ".service";
    }

    public String render() {
        return "[Unit]\n"
                + "Description=Burrow agent (burrow start --all)\n"
                + "Wants=network-online.target\n"
                + "After=network-online.target\n"
                + "\n"
                + "[Service]\n"
                + "Type=simple\n"
                + (runAs != null && !user ? "User=" + runAs + "\n" : "")
                + "ExecStart=" + command.stream().map(SystemdUnit::quote).collect(Collectors.joining(" ")) + "\n"
                + "Restart=on-failure\n"
                + "RestartSec=5s\n"
                // The agent exits 2 on a bad config: restarting cannot fix that.
                + "RestartPreventExitStatus=2\n"
                + "Environment=TERM=dumb\n"
                + "\n"
                + "[Install]\n"
                + "WantedBy=" + (user ? "default.target" : "multi-user.target") + "\n";
    }

    /** systemd's quoting for ExecStart: double quotes when needed; % and $ doubled so they stay literal. */
    static String quote(String arg) {
        String escaped = arg.replace("%", "%%").replace("$", "$$");
        if (!escaped.isEmpty() && escaped.chars().noneMatch(c -> c == ' ' || c == '"' || c == '\'' || c == '\\' || c == '\t' || c == ';')) {
            return escaped;
        }
        return '"' + escaped.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
