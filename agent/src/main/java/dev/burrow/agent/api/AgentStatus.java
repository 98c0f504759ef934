package dev.burrow.agent.api;

import dev.burrow.agent.LinkInfo;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;

/** What {@code GET /api/status} shows: the session and its live links to edge nodes. */
public record AgentStatus(String sessionId, List<LinkInfo> links) {
    public static final AgentStatus NOT_CONNECTED = new AgentStatus(null, List.of());

    JsonObject toJson() {
        JsonArray array = new JsonArray();
        links.forEach(link -> array.add(new JsonObject().put("edge_address", link.edgeAddress()).put("draining", link.draining())));
        return new JsonObject().put("session_id", sessionId).put("connected", !links.isEmpty()).put("links", array);
    }
}
