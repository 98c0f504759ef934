package dev.burrow.edge.config;

import dev.burrow.protocol.ProtocolLimits;

/**
 * UDP endpoints of an edge node.
 *
 * @param ports       ports UDP endpoints are allocated from ({@code --udp-ports}); UDP ports are a space of their own,
 *                    so the range may overlap {@code --tcp-ports}
 * @param maxDatagram largest datagram carried ({@code --udp-max-datagram}, at most 65 507); a larger one, from a
 *                    visitor or an upstream, is dropped and counted, never split
 */
public record UdpSettings(PortRange ports, int maxDatagram) {
    public static final PortRange DEFAULT_PORTS = new PortRange(20000, 20999);

    public static UdpSettings defaults() {
        return new UdpSettings(DEFAULT_PORTS, ProtocolLimits.MAX_DATAGRAM_SIZE);
    }

    public UdpSettings validate() {
        if (ports == null) {
            throw new ConfigException("--udp-ports is missing; give a range such as 20000-20999");
        }
        if (maxDatagram < 1 || maxDatagram > ProtocolLimits.MAX_DATAGRAM_SIZE) {
            throw new ConfigException("--udp-max-datagram must be between 1 and " + ProtocolLimits.MAX_DATAGRAM_SIZE
                    + " bytes (got " + maxDatagram + ")");
        }
        return this;
    }
}
