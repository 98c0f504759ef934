package dev.burrow.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.util.Map;

/** JSON form of {@link ControlMessage}s: {@code {"v":1,"type":"<name>", ...fields}}. */
public final class ControlCodec {
    public static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE, true)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
            .configure(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS, true);

    /** Wire names of the message types; never reuse one. */
    private static final Map<String, Class<? extends ControlMessage>> TYPES = Map.ofEntries(
            Map.entry("auth", ControlMessage.Auth.class),
            Map.entry("auth_result", ControlMessage.AuthResult.class),
            Map.entry("bind", ControlMessage.Bind.class),
            Map.entry("bind_result", ControlMessage.BindResult.class),
            Map.entry("unbind", ControlMessage.Unbind.class),
            Map.entry("error", ControlMessage.Error.class),
            Map.entry("edge_nodes", ControlMessage.EdgeNodes.class),
            Map.entry("endpoint_lookup", ControlMessage.EndpointLookup.class),
            Map.entry("endpoint_lookup_result", ControlMessage.EndpointLookupResult.class),
            Map.entry("goodbye", ControlMessage.Goodbye.class),
            Map.entry("goodbye_result", ControlMessage.GoodbyeResult.class),
            Map.entry("update_policy", ControlMessage.UpdatePolicy.class),
            Map.entry("update_policy_result", ControlMessage.UpdatePolicyResult.class),
            Map.entry("policy_refusal", ControlMessage.PolicyRefusal.class));

    private ControlCodec() {
    }

    public static String typeName(ControlMessage message) {
        for (Map.Entry<String, Class<? extends ControlMessage>> entry : TYPES.entrySet()) {
            if (entry.getValue() == message.getClass()) {
                return entry.getKey();
            }
        }
        throw new IllegalArgumentException("no wire name for " + message.getClass());
    }

    public static Buffer encode(ControlMessage message) {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("v", VERSION);
        node.put("type", typeName(message));
        node.setAll((ObjectNode) MAPPER.valueToTree(message));
        try {
            return Buffer.buffer(MAPPER.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + typeName(message), e);
        }
    }

    public static ControlMessage decode(Buffer payload) throws ProtocolException {
        JsonNode node;
        try {
            node = MAPPER.readTree(payload.getBytes());
        } catch (IOException e) {
            throw new ProtocolException(ErrorCode.BAD_CONTROL_MESSAGE, "control message is not valid JSON");
        }
        if (node == null || !node.isObject()) {
            throw new ProtocolException(ErrorCode.BAD_CONTROL_MESSAGE, "control message is not a JSON object");
        }
        JsonNode version = node.path("v");
        if (!version.isInt() || version.intValue() != VERSION) {
            throw new ProtocolException(ErrorCode.UNSUPPORTED_VERSION,
                    "control message version " + node.path("v") + " is not supported (this side speaks " + VERSION + ")");
        }
        String type = node.path("type").asText("");
        Class<? extends ControlMessage> messageClass = TYPES.get(type);
        if (messageClass == null) {
            throw new ProtocolException(ErrorCode.BAD_CONTROL_MESSAGE, "unknown control message type \"" + type + "\"");
        }
        try {
            ObjectNode fields = ((ObjectNode) node).deepCopy();
            fields.remove("v");
            fields.remove("type");
            return MAPPER.treeToValue(fields, messageClass);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ProtocolException(ErrorCode.BAD_CONTROL_MESSAGE, "control message \"" + type + "\" has invalid fields");
        }
    }
}
