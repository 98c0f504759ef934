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
 * @param maxReceiveWindow   the most a stream's receive window grows to while its reader keeps up (see
 *                           {@link MuxStream}); {@code initialWindow} keeps every window at its start
 * @param linkWideningBudget what this link's receive windows may grow past {@code initialWindow}, together
 * @param nodeWideningBudget the budget of the process that every link's widening also draws on
 */
public record MuxOptions(String name, Duration heartbeatInterval, int heartbeatTolerance, int initialWindow,
                         int maxConcurrentStreams, int maxReceiveWindow, int linkWideningBudget,
                         WindowBudget nodeWideningBudget) {

    /**
     * Note: {@code initialWindow} is not negotiated on the wire; both ends of a link must use the same value
     * (keep {@link ProtocolLimits#INITIAL_STREAM_WINDOW}) or the side with the smaller one will see
     * FLOW_CONTROL_ERROR.
     */
    public MuxOptions {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("mux options: name must not be blank");
        }
        if (heartbeatInterval == null || heartbeatInterval.isNegative()) {
            throw new IllegalArgumentException("mux options: heartbeatInterval must be zero (off) or positive, got " + heartbeatInterval);
        }
        if (heartbeatTolerance < 1) {
            throw new IllegalArgumentException("mux options: heartbeatTolerance must be at least 1, got " + heartbeatTolerance);
        }
        if (initialWindow < 2 * ProtocolLimits.MAX_DATA_PAYLOAD || initialWindow > ProtocolLimits.MAX_WINDOW) {
            throw new IllegalArgumentException("mux options: initialWindow must be between " + 2 * ProtocolLimits.MAX_DATA_PAYLOAD
                    + " and " + ProtocolLimits.MAX_WINDOW + " bytes, got " + initialWindow);
        }
        if (maxConcurrentStreams < 1) {
            throw new IllegalArgumentException("mux options: maxConcurrentStreams must be at least 1, got " + maxConcurrentStreams);
        }
        if (maxReceiveWindow < initialWindow || maxReceiveWindow > ProtocolLimits.MAX_WINDOW) {
            throw new IllegalArgumentException("mux options: maxReceiveWindow must be between initialWindow (" + initialWindow
                    + ") and " + ProtocolLimits.MAX_WINDOW + " bytes, got " + maxReceiveWindow);
        }
        if (linkWideningBudget < 0) {
            throw new IllegalArgumentException("mux options: linkWideningBudget must be at least 0 bytes, got " + linkWideningBudget);
        }
        if (nodeWideningBudget == null) {
            throw new IllegalArgumentException("mux options: nodeWideningBudget must be set");
        }
    }

    public static MuxOptions defaults(String name) {
        return new MuxOptions(name, ProtocolLimits.DEFAULT_HEARTBEAT_INTERVAL, ProtocolLimits.HEARTBEAT_TOLERANCE,
                ProtocolLimits.INITIAL_STREAM_WINDOW, ProtocolLimits.MAX_CONCURRENT_STREAMS,
                Integer.getInteger("burrow.mux.maxReceiveWindow", ProtocolLimits.MAX_RECEIVE_WINDOW),
                Integer.getInteger("burrow.mux.linkWideningBudget", ProtocolLimits.LINK_WIDENING_BUDGET), WindowBudget.process());
    }

    public MuxOptions withHeartbeatInterval(Duration interval) {
        return new MuxOptions(name, interval, heartbeatTolerance, initialWindow, maxConcurrentStreams, maxReceiveWindow,
                linkWideningBudget, nodeWideningBudget);
    }

    /** Tolerance in whole intervals: the number of intervals that {@code silence} spans, rounded up (at least 1). */
    public MuxOptions withHeartbeatSilenceAllowed(Duration silence) {
        if (heartbeatInterval.isZero()) {
            return this;
        }
        long intervals = Math.max(1, (silence.toMillis() + heartbeatInterval.toMillis() - 1) / heartbeatInterval.toMillis());
        return new MuxOptions(name, heartbeatInterval, (int) Math.min(Integer.MAX_VALUE, intervals), initialWindow,
                maxConcurrentStreams, maxReceiveWindow, linkWideningBudget, nodeWideningBudget);
    }

    /** The same options with every receive window kept at {@code initialWindow} ({@code max} = initialWindow) or growing to {@code max}. */
    public MuxOptions withMaxReceiveWindow(int max) {
        return new MuxOptions(name, heartbeatInterval, heartbeatTolerance, initialWindow, maxConcurrentStreams, max,
                linkWideningBudget, nodeWideningBudget);
    }

    /** The same options with other widening budgets: {@code perLink} bytes for this link, drawing on {@code node}. */
    public MuxOptions withWideningBudgets(int perLink, WindowBudget node) {
        return new MuxOptions(name, heartbeatInterval, heartbeatTolerance, initialWindow, maxConcurrentStreams, maxReceiveWindow,
                perLink, node);
    }

    public MuxOptions withName(String newName) {
        return new MuxOptions(newName, heartbeatInterval, heartbeatTolerance, initialWindow, maxConcurrentStreams, maxReceiveWindow,
                linkWideningBudget, nodeWideningBudget);
    }
}
