package dev.burrow.agent;

import java.time.Duration;

/**
 * How a UDP endpoint keeps its flows: one upstream socket per visitor address, so that the upstream's replies find
 * their visitor.
 *
 * @param idleTimeout a flow with no datagram either way for this long is closed with its socket. The default (120 s)
 *                    is the shortest mapping lifetime RFC 4787 lets a NAT use; games and VoIP send more often than that
 * @param maxFlows    flows open at once per endpoint; a datagram from one more visitor is dropped and counted, so a
 *                    flood of source addresses costs at most this many sockets
 */
public record UdpFlowSettings(Duration idleTimeout, int maxFlows) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(120);
    public static final int DEFAULT_MAX_FLOWS = 1024;
    public static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration MAX_IDLE_TIMEOUT = Duration.ofHours(1);
    public static final int MAX_MAX_FLOWS = 65_536;

    public UdpFlowSettings {
        if (idleTimeout == null || idleTimeout.compareTo(MIN_IDLE_TIMEOUT) < 0 || idleTimeout.compareTo(MAX_IDLE_TIMEOUT) > 0) {
            throw new IllegalArgumentException("UDP idle timeout " + idleTimeout + " is not between 1s and 1h");
        }
        if (maxFlows < 1 || maxFlows > MAX_MAX_FLOWS) {
            throw new IllegalArgumentException("UDP max flows " + maxFlows + " is not between 1 and " + MAX_MAX_FLOWS);
        }
    }

    public static UdpFlowSettings defaults() {
        return new UdpFlowSettings(DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_FLOWS);
    }
}
