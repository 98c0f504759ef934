package dev.burrow.mux;

import dev.burrow.protocol.ProtocolLimits;

import java.time.Duration;

/**
 * Settings of one multiplexed link.
 *
 * @param name               how logs name this link (for example "agent-link 127.0.0.1:53122 session=ab12")
 * @param heartbeatInterval  how often to PING the peer; {@link Duration#ZERO} disables heartbeats
 * @param heartbeatTolerance intervals without any frame from the peer before the link is declared dead
 * @param initialWindow      send credit of each stream in each direction
 * @param maxConcurrentStreams streams the peer may have open at once on this link
 */
public record MuxOptions(String name, Duration heartbeatInterval, int heartbeatTolerance, int initialWindow,
                         int maxConcurrentStreams) {

    public static MuxOptions defaults(String name) {
        return new MuxOptions(name, ProtocolLimits.DEFAULT_HEARTBEAT_INTERVAL, ProtocolLimits.HEARTBEAT_TOLERANCE,
                ProtocolLimits.INITIAL_STREAM_WINDOW, ProtocolLimits.MAX_CONCURRENT_STREAMS);
    }

    public MuxOptions withHeartbeatInterval(Duration interval) {
        return new MuxOptions(name, interval, heartbeatTolerance, initialWindow, maxConcurrentStreams);
    }

    public MuxOptions withName(String newName) {
        return new MuxOptions(newName, heartbeatInterval, heartbeatTolerance, initialWindow, maxConcurrentStreams);
    }
}
