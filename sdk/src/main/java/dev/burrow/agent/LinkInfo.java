package dev.burrow.agent;

/**
 * One live link of a {@link BurrowSession} to an edge node.
 *
 * @param edgeAddress the agent-link address dialed, "host:port"
 * @param draining    true once the node sent GO_AWAY: the link only finishes its open streams, a replacement serves
 */
public record LinkInfo(String edgeAddress, boolean draining) {
}
