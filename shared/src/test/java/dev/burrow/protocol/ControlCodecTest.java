package dev.burrow.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Control messages: the JSON shape on the wire, round trips, and what a hostile peer can send instead. */
class ControlCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One message of every type with every field set, and one with optional fields absent. */
    static List<ControlMessage> samples() {
        Map<String, String> options = new LinkedHashMap<>();
        options.put("basic_auth", "user:pass");
        options.put("note", "ünïcödé ✓");
        return List.of(
                new ControlMessage.Auth("tok-123", "0.1.0", "sess-9"),
                new ControlMessage.Auth("tok-123", null, null),
                new ControlMessage.Auth("tok-123", "0.1.0", "sess-9", true, List.of(ControlMessage.Auth.FEATURE_EDGE_NODES)),
                ControlMessage.AuthResult.accepted("sess-9", 10_000),
                ControlMessage.AuthResult.refused(ErrorCode.AUTH_FAILED, "the authtoken is not valid; check --authtoken"),
                ControlMessage.AuthResult.refusedFor(ErrorCode.AUTH_RATE_LIMITED, "too many refused authtokens; try again in 7 s", 7_000),
                new ControlMessage.Bind(1, "http", "app.example.com", null, 0, "localhost:3000", options),
                new ControlMessage.Bind(2, "http", null, "demo", 0, "http://127.0.0.1:8000", Map.of()),
                new ControlMessage.Bind(Long.MAX_VALUE, "tcp", null, null, 20_001, "localhost:22", null),
                ControlMessage.Bind.of(4, "http", null, "policed", 0, null,
                        EndpointSettings.DEFAULTS.withTrafficPolicy("on_http_request:\n  - actions:\n      - type: deny\n")),
                new ControlMessage.BindResult(1, true, "ep-1", "http://demo.localhost:8080", null, null),
                new ControlMessage.BindResult(2, false, null, null, ErrorCode.HOSTNAME_IN_USE, "demo.localhost is already bound by another agent"),
                new ControlMessage.Unbind("ep-1"),
                new ControlMessage.Error(ErrorCode.NOT_AUTHENTICATED, "send auth before bind"),
                new ControlMessage.EdgeNodes(List.of("10.0.0.2:4443", "10.0.0.3:4443")),
                new ControlMessage.EdgeNodes(List.of()),
                new ControlMessage.EndpointLookup(3, "app.example.com"),
                new ControlMessage.EndpointLookupResult(3, "app.example.com", "ep-1", "acme"),
                new ControlMessage.EndpointLookupResult(6, "guarded.example.com", "ep-3", "acme", "on_http_request: []\n"),
                new ControlMessage.EndpointLookupResult(5, "old.example.com", "ep-2", null),
                new ControlMessage.EndpointLookupResult(4, "gone.example.com", null, null),
                new ControlMessage.Goodbye(),
                new ControlMessage.GoodbyeResult(2),
                new ControlMessage.UpdatePolicy(7, "ep-1", "on_http_request:\n  - actions:\n      - type: deny\n"),
                new ControlMessage.UpdatePolicy(8, "ep-1", null),
                ControlMessage.UpdatePolicyResult.accepted(7),
                ControlMessage.UpdatePolicyResult.refused(8, ErrorCode.INVALID_TRAFFIC_POLICY, "traffic_policy:3:15: action 'x' is not supported"),
                ControlMessage.AuthResult.accepted("sess-2", 10_000).withFeatures(List.of(ControlMessage.AuthResult.FEATURE_UPDATE_POLICY)),
                new ControlMessage.PolicyRefusal("ep-1", "127.0.0.2", "GET", "/admin", 403, "office only (restrict-ips)",
                        List.of("on_http_request: office only: matched; restrict-ips: refused 127.0.0.2 -> 403")));
    }

    @Test
    void everyMessageRoundTrips() throws ProtocolException {
        Set<Class<?>> covered = new java.util.HashSet<>();
        for (ControlMessage message : samples()) {
            assertEquals(message, ControlCodec.decode(ControlCodec.encode(message)), message.getClass().getSimpleName());
            covered.add(message.getClass());
        }
        assertEquals(ControlMessage.class.getPermittedSubclasses().length, covered.size(), "every control message type needs a sample");
    }

    @Test
    void everyMessageRoundTripsThroughACONTROLFrame() throws ProtocolException {
        Buffer stream = FrameEncoder.preface();
        samples().forEach(message -> stream.appendBuffer(FrameEncoder.control(message)));
        List<ControlMessage> decoded = new ArrayList<>();
        List<ProtocolException> failures = new ArrayList<>();
        new FrameDecoder().feed(stream, frame -> {
            assertEquals(FrameType.CONTROL, frame.type());
            assertEquals(0, frame.streamId());
            try {
                decoded.add(ControlCodec.decode(frame.payload()));
            } catch (ProtocolException e) {
                failures.add(e);
            }
        });
        assertEquals(List.of(), failures);
        assertEquals(samples(), decoded);
    }

    @Test
    void typeNamesAreFixed() {
        Map<Class<?>, String> expected = Map.ofEntries(
                Map.entry(ControlMessage.Goodbye.class, "goodbye"),
                Map.entry(ControlMessage.UpdatePolicy.class, "update_policy"),
                Map.entry(ControlMessage.UpdatePolicyResult.class, "update_policy_result"),
                Map.entry(ControlMessage.GoodbyeResult.class, "goodbye_result"),
                Map.entry(ControlMessage.Auth.class, "auth"),
                Map.entry(ControlMessage.AuthResult.class, "auth_result"),
                Map.entry(ControlMessage.Bind.class, "bind"),
                Map.entry(ControlMessage.BindResult.class, "bind_result"),
                Map.entry(ControlMessage.Unbind.class, "unbind"),
                Map.entry(ControlMessage.Error.class, "error"),
                Map.entry(ControlMessage.EdgeNodes.class, "edge_nodes"),
                Map.entry(ControlMessage.EndpointLookup.class, "endpoint_lookup"),
                Map.entry(ControlMessage.EndpointLookupResult.class, "endpoint_lookup_result"),
                Map.entry(ControlMessage.PolicyRefusal.class, "policy_refusal"));
        assertEquals(Set.of(ControlMessage.class.getPermittedSubclasses()), expected.keySet(),
                "a control message was added: pin its wire name here and in docs/protocol.md");
        for (ControlMessage message : samples()) {
            assertEquals(expected.get(message.getClass()), ControlCodec.typeName(message));
        }
    }

    @Test
    void bindHasTheDocumentedJsonShape() throws IOException {
        ControlMessage bind = new ControlMessage.Bind(7, "http", "app.example.com", null, 0, "localhost:3000", Map.of("k", "v"));
        JsonNode json = JSON.readTree(ControlCodec.encode(bind).getBytes());
        assertEquals(1, json.get("v").intValue());
        assertTrue(json.get("v").isInt(), "v is a JSON integer");
        assertEquals("bind", json.get("type").textValue());
        assertEquals(7, json.get("requestId").longValue());
        assertEquals("http", json.get("proto").textValue());
        assertEquals("app.example.com", json.get("hostname").textValue());
        assertTrue(json.get("subdomain").isNull());
        assertEquals(0, json.get("port").intValue());
        assertEquals("localhost:3000", json.get("upstream").textValue());
        assertEquals("v", json.get("options").get("k").textValue());
        assertEquals(List.of("v", "type"), firstTwoFieldNames(json), "v and type lead the object");
    }

    @Test
    void everyMessageHasTheDocumentedFields() throws IOException {
        Map<String, Set<String>> expected = Map.ofEntries(
                Map.entry("goodbye", Set.of("v", "type")),
                Map.entry("goodbye_result", Set.of("v", "type", "endpointsFreed")),
                Map.entry("auth", Set.of("v", "type", "authtoken", "agentVersion", "resumeSessionId", "additionalLink", "features")),
                Map.entry("auth_result", Set.of("v", "type", "ok", "sessionId", "heartbeatIntervalMillis", "errorCode", "message", "edgeNodes",
                        "retryAfterMillis", "features")),
                Map.entry("update_policy", Set.of("v", "type", "requestId", "endpointId", "trafficPolicy")),
                Map.entry("update_policy_result", Set.of("v", "type", "requestId", "ok", "errorCode", "message")),
                Map.entry("bind", Set.of("v", "type", "requestId", "proto", "hostname", "subdomain", "port", "upstream", "options")),
                Map.entry("bind_result", Set.of("v", "type", "requestId", "ok", "endpointId", "publicUrl", "errorCode", "message")),
                Map.entry("unbind", Set.of("v", "type", "endpointId")),
                Map.entry("error", Set.of("v", "type", "code", "message")),
                Map.entry("edge_nodes", Set.of("v", "type", "edgeNodes")),
                Map.entry("endpoint_lookup", Set.of("v", "type", "requestId", "hostname")),
                Map.entry("endpoint_lookup_result", Set.of("v", "type", "requestId", "hostname", "endpointId", "tenantId", "trafficPolicy")),
                Map.entry("policy_refusal", Set.of("v", "type", "endpointId", "clientAddress", "method", "target", "status", "decision",
                        "trail")));
        for (ControlMessage message : samples()) {
            JsonNode json = JSON.readTree(ControlCodec.encode(message).getBytes());
            Set<String> names = new TreeSet<>();
            json.fieldNames().forEachRemaining(names::add);
            assertEquals(new TreeSet<>(expected.get(json.get("type").textValue())), names, json.toString());
        }
    }

    @Test
    void aLookupResultFromAnOlderNodeHasNoTenant() throws Exception {
        ControlMessage decoded = ControlCodec.decode(Buffer.buffer(
                "{\"v\":1,\"type\":\"endpoint_lookup_result\",\"requestId\":7,\"hostname\":\"a.example.com\",\"endpointId\":\"ep-7\"}"));
        assertEquals(new ControlMessage.EndpointLookupResult(7, "a.example.com", "ep-7", null), decoded);
    }

    @Test
    void edgeNodesHasTheDocumentedJsonShape() throws Exception {
        JsonNode json = JSON.readTree(ControlCodec.encode(new ControlMessage.EdgeNodes(List.of("10.0.0.2:4443"))).getBytes());
        assertEquals("{\"v\":1,\"type\":\"edge_nodes\",\"edgeNodes\":[\"10.0.0.2:4443\"]}", json.toString());
        assertEquals(new ControlMessage.EdgeNodes(List.of("a:1", "b:2")),
                ControlCodec.decode(Buffer.buffer("{\"v\":1,\"type\":\"edge_nodes\",\"edgeNodes\":[\"a:1\",\"b:2\"],\"later\":true}")),
                "unknown fields are ignored");
        assertEquals(new ControlMessage.EdgeNodes(List.of()), ControlCodec.decode(Buffer.buffer("{\"v\":1,\"type\":\"edge_nodes\"}")),
                "a missing list is empty");
        ProtocolException e = assertThrows(ProtocolException.class, () ->
                ControlCodec.decode(Buffer.buffer("{\"v\":1,\"type\":\"edge_nodes\",\"edgeNodes\":\"a:1\"}")));
        assertEquals(ErrorCode.BAD_CONTROL_MESSAGE, e.code());
    }

    @Test
    void authFeaturesDefaultToNoneForOlderAgents() throws Exception {
        ControlMessage.Auth old = (ControlMessage.Auth) ControlCodec.decode(Buffer.buffer(
                "{\"v\":1,\"type\":\"auth\",\"authtoken\":\"t\",\"agentVersion\":\"0.0.9\",\"resumeSessionId\":null}"));
        assertEquals(List.of(), old.features());
        assertFalse(old.supports(ControlMessage.Auth.FEATURE_EDGE_NODES));
        ControlMessage.Auth current = new ControlMessage.Auth("t", "0.1.0", null, false, List.of(ControlMessage.Auth.FEATURE_EDGE_NODES));
        JsonNode json = JSON.readTree(ControlCodec.encode(current).getBytes());
        assertEquals("edge_nodes", json.get("features").get(0).textValue());
        assertTrue(current.supports(ControlMessage.Auth.FEATURE_EDGE_NODES));
    }

    @Test
    void errorCodesTravelByName() throws IOException {
        JsonNode json = JSON.readTree(ControlCodec.encode(new ControlMessage.Error(ErrorCode.PORT_UNAVAILABLE, "port 20001 is taken")).getBytes());
        assertEquals("PORT_UNAVAILABLE", json.get("code").textValue());
    }

    @Test
    void authToStringHidesTheToken() throws IOException {
        ControlMessage.Auth auth = new ControlMessage.Auth("s3cr3t-t0ken", "0.1.0", "sess-1");
        String text = auth.toString();
        assertTrue(text.contains("HIDDEN"), text);
        assertFalse(text.contains("s3cr3t-t0ken"), text);
        assertTrue(text.contains("0.1.0"), text);
        assertEquals("s3cr3t-t0ken", JSON.readTree(ControlCodec.encode(auth).getBytes()).get("authtoken").textValue(),
                "the token itself must still reach the edge");
    }

    @Test
    void anAuthResultOfAnOlderEdgeNamesNoFeatureSoNoPolicyUpdateIsSentToIt() throws ProtocolException {
        ControlMessage.AuthResult older = (ControlMessage.AuthResult) ControlCodec.decode(Buffer.buffer(
                "{\"v\":1,\"type\":\"auth_result\",\"ok\":true,\"sessionId\":\"s\",\"heartbeatIntervalMillis\":1000}"));
        assertEquals(List.of(), older.features());
        assertFalse(older.supports(ControlMessage.AuthResult.FEATURE_UPDATE_POLICY));
    }

    @Test
    void unknownFieldsAreIgnored() throws ProtocolException {
        String json = "{\"v\":1,\"type\":\"bind\",\"requestId\":3,\"proto\":\"tcp\",\"port\":0,"
                + "\"futureField\":{\"nested\":[1,2,{\"x\":null}]},\"anotherOne\":\"x\",\"upstream\":\"localhost:22\"}";
        assertEquals(new ControlMessage.Bind(3, "tcp", null, null, 0, "localhost:22", null), ControlCodec.decode(Buffer.buffer(json)));
    }

    @Test
    void missingFieldsTakeDefaults() throws ProtocolException {
        assertEquals(new ControlMessage.Unbind(null), ControlCodec.decode(Buffer.buffer("{\"v\":1,\"type\":\"unbind\"}")));
        assertEquals(new ControlMessage.AuthResult(false, null, 0, null, null),
                ControlCodec.decode(Buffer.buffer("{\"type\":\"auth_result\",\"v\":1}")), "field order does not matter");
    }

    @Test
    void textIsUtf8() throws ProtocolException {
        ControlMessage message = new ControlMessage.Error(ErrorCode.INVALID_HOSTNAME, "« bücher.例え.jp » is not a valid hostname 🙁");
        Buffer encoded = ControlCodec.encode(message);
        assertTrue(encoded.toString(java.nio.charset.StandardCharsets.UTF_8).contains("bücher.例え.jp"));
        assertEquals(message, ControlCodec.decode(encoded));
    }

    // ---------------------------------------------------------------- hostile payloads

    @ParameterizedTest
    @ValueSource(strings = {"{", "{\"v\":1,", "not json", "{\"v\":1,\"type\":\"unbind\"", "\u0000\u0001", "{\"v\":1 \"type\":\"x\"}", "{'v':1}"})
    void malformedJsonIsABadControlMessage(String payload) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> ControlCodec.decode(Buffer.buffer(payload)));
        assertEquals(ErrorCode.BAD_CONTROL_MESSAGE, e.code());
        assertEquals("control message is not valid JSON", e.getMessage());
    }

    @Test
    void invalidUtf8IsABadControlMessage() {
        Buffer payload = Buffer.buffer("{\"v\":1,\"type\":\"unbind\",\"endpointId\":\"").appendBytes(new byte[] {(byte) 0xff, (byte) 0xfe}).appendString("\"}");
        ProtocolException e = assertThrows(ProtocolException.class, () -> ControlCodec.decode(payload));
        assertEquals(ErrorCode.BAD_CONTROL_MESSAGE, e.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "[{\"v\":1,\"type\":\"unbind\"}]", "null", "42", "\"auth\"", "true", "", "   "})
    void jsonThatIsNotAnObjectIsABadControlMessage(String payload) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> ControlCodec.decode(Buffer.buffer(payload)));
        assertEquals(ErrorCode.BAD_CONTROL_MESSAGE, e.code());
        assertEquals("control message is not a JSON object", e.getMessage());
    }

    @Test
    void deeplyNestedJsonIsABadControlMessage() {
        String payload = "{\"v\":1,\"type\":\"bind\",\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        ProtocolException e = assertThrows(ProtocolException.class, () -> ControlCodec.decode(Buffer.buffer(payload)));
        assertEquals(ErrorCode.BAD_CONTROL_MESSAGE, e.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"shutdown", "", "AUTH", "Auth", "drain"})
    void unknownTypeIsABadControlMessage(String type) {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> ControlCodec.decode(Buffer.buffer("{\"v\":1,\"type\":\"" + type + "\"}")));
        assertEquals(ErrorCode.BAD_CONTROL_MESSAGE, e.code());
        assertEquals("unknown control message type \"" + type + "\"", e.getMessage());
    }

    @Test
    void missingTypeIsABadControlMessage() {
        ProtocolException e = assertThrows(ProtocolException.class, () -> ControlCodec.decode(Buffer.buffer("{\"v\":1,\"endpointId\":\"x\"}")));
        assertEquals(ErrorCode.BAD_CONTROL_MESSAGE, e.code());
        assertTrue(e.getMessage().contains("unknown control message type"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"v\":2,", "\"v\":0,", "\"v\":-1,", "", "\"v\":null,", "\"v\":\"one\","})
    void wrongOrMissingVersionIsUnsupported(String version) {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> ControlCodec.decode(Buffer.buffer("{" + version + "\"type\":\"unbind\",\"endpointId\":\"x\"}")));
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, e.code());
        assertTrue(e.getMessage().contains("is not supported (this side speaks 1)"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"v\":1,\"type\":\"auth_result\",\"ok\":\"yes\"}",
        "{\"v\":1,\"type\":\"bind\",\"port\":99999999999}",
        "{\"v\":1,\"type\":\"bind\",\"requestId\":123456789012345678901234567890}",
        "{\"v\":1,\"type\":\"bind\",\"options\":[1,2]}",
        "{\"v\":1,\"type\":\"bind\",\"options\":{\"a\":{\"b\":1}}}",
        "{\"v\":1,\"type\":\"auth\",\"authtoken\":{\"a\":1}}",
        "{\"v\":1,\"type\":\"error\",\"code\":100,\"message\":\"numeric code\"}"})
    void fieldsOfTheWrongTypeAreABadControlMessage(String payload) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> ControlCodec.decode(Buffer.buffer(payload)));
        assertEquals(ErrorCode.BAD_CONTROL_MESSAGE, e.code());
        assertTrue(e.getMessage().matches("control message \"[a-z_]+\" has invalid fields"), e.getMessage());
    }

    @Test
    void unknownErrorCodeNameReadsAsInternalError() throws ProtocolException {
        ControlMessage decoded = ControlCodec.decode(Buffer.buffer("{\"v\":1,\"type\":\"error\",\"code\":\"QUOTA_EXCEEDED\",\"message\":\"m\"}"));
        assertEquals(new ControlMessage.Error(ErrorCode.INTERNAL_ERROR, "m"), decoded);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"v\":1,\"type\":\"unbind\",\"endpointId\":\"x\"} garbage",
        "{\"v\":1,\"type\":\"unbind\",\"endpointId\":\"x\"}{\"v\":1,\"type\":\"unbind\",\"endpointId\":\"y\"}"})
    void trailingBytesAfterTheObjectAreABadControlMessage(String payload) {
        ProtocolException e = assertThrows(ProtocolException.class, () -> ControlCodec.decode(Buffer.buffer(payload)));
        assertEquals(ErrorCode.BAD_CONTROL_MESSAGE, e.code());
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "\"1\"", "1.7"})
    void versionMustBeTheInteger1(String version) {
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> ControlCodec.decode(Buffer.buffer("{\"v\":" + version + ",\"type\":\"unbind\",\"endpointId\":\"x\"}")));
        assertEquals(ErrorCode.UNSUPPORTED_VERSION, e.code());
    }

    private static List<String> firstTwoFieldNames(JsonNode json) {
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        return names.subList(0, 2);
    }
}
