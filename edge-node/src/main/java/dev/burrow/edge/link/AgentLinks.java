package dev.burrow.edge.link;

/** Finds the live link of an agent session. */
@FunctionalInterface
public interface AgentLinks {

    /** The live link serving {@code sessionId}, or null when the session is offline or unknown. */
    AgentLink find(String sessionId);
}
