package dev.burrow.agent.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The CLI's settings after flags, environment and config file were merged (flags win) and validated.
 *
 * @param server          the edge addresses for the first contact, comma-separated ("a:4443,b:4443")
 * @param authtokenSource where the authtoken came from: "--authtoken", "BURROW_AUTHTOKEN" or "agent.authtoken in FILE"
 */
record AgentSettings(String server, String authtoken, String authtokenSource, Path edgeCa, WebAddress webAddress, Duration heartbeatInterval,
                     Duration heartbeatTolerance,
                     int links, boolean pooling, LogSettings log, InspectSettings inspect,
                     Duration responseTimeout) {

    List<String> servers() {
        return List.of(server.split(","));
    }

    @Override
    public String toString() {
        return "AgentSettings[server=" + server + ", authtoken=HIDDEN (" + authtokenSource + "), edgeCa=" + edgeCa + ", webAddress=" + webAddress
                + ", heartbeatInterval=" + heartbeatInterval + ", heartbeatTolerance=" + heartbeatTolerance + ", links=" + links + ", pooling=" + pooling + ", log=" + log + ", inspect=" + inspect
                + ", responseTimeout=" + responseTimeout + "]";
    }
}
