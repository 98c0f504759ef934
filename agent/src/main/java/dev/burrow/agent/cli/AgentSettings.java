package dev.burrow.agent.cli;

import java.nio.file.Path;
import java.time.Duration;

/** The CLI's settings after flags, environment and config file were merged (flags win) and validated. */
record AgentSettings(String server, String authtoken, Path edgeCa, WebAddress webAddress, Duration heartbeatInterval) {
    @Override
    public String toString() {
        return "AgentSettings[server=" + server + ", authtoken=HIDDEN, edgeCa=" + edgeCa + ", webAddress=" + webAddress
                + ", heartbeatInterval=" + heartbeatInterval + "]";
    }
}
