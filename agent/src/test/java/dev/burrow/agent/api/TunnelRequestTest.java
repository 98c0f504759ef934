package dev.burrow.agent.api;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bodies of POST /api/tunnels (ngrok's tunnel definition) and POST /api/endpoints (its newer endpoint shape). */
class TunnelRequestTest {

    @Test
    void aTunnelDefinitionAndAnEndpointDefinitionMeanTheSame() {
        TunnelRequest tunnel = TunnelRequest.fromJson(new JsonObject("{\"name\":\"ssh\",\"proto\":\"tcp\",\"addr\":\"22\",\"remote_addr\":\"localhost:20001\"}"));
        assertEquals(new TunnelRequest("ssh", "tcp", "22", null, null, 20001, null, null), tunnel);
        TunnelRequest endpoint = TunnelRequest.fromEndpointJson(new JsonObject("{\"name\":\"ssh\",\"url\":\"tcp://localhost:20001\",\"upstream\":{\"url\":\"22\"}}"));
        assertEquals(tunnel, endpoint);
        TunnelRequest web = TunnelRequest.fromEndpointJson(new JsonObject("{\"name\":\"web\",\"url\":\"http://demo.localhost\",\"upstream\":{\"url\":3000},\"pooling_enabled\":true}"));
        assertEquals(new TunnelRequest("web", "http", "3000", null, "http://demo.localhost", 0, null, true), web);
    }

    @Test
    void whatIsNotImplementedIsRefusedByName() {
        TunnelRequest.Refused unknown = assertThrows(TunnelRequest.Refused.class,
                () -> TunnelRequest.fromJson(new JsonObject("{\"name\":\"w\",\"addr\":\"80\",\"basic_auth\":[\"a:b\"]}")));
        assertEquals(400, unknown.status());
        assertTrue(unknown.getMessage().contains("[basic_auth]"), unknown.getMessage());
        assertTrue(assertThrows(TunnelRequest.Refused.class, () -> TunnelRequest.fromJson(new JsonObject("{\"name\":\"w\",\"proto\":\"tls\",\"addr\":\"80\"}")))
                .getMessage().contains("tls is not served"));
        assertTrue(assertThrows(TunnelRequest.Refused.class, () -> TunnelRequest.fromJson(new JsonObject("{\"proto\":\"http\",\"addr\":\"80\"}")))
                .getMessage().contains("\"name\" is required"));
        assertTrue(assertThrows(TunnelRequest.Refused.class, () -> TunnelRequest.fromEndpointJson(new JsonObject("{\"name\":\"w\",\"url\":\"http://a.localhost\"}")))
                .getMessage().contains("\"upstream\""));
    }
}
