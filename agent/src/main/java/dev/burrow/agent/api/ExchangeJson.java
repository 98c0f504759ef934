package dev.burrow.agent.api;

import dev.burrow.agent.inspect.CapturedExchange;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A captured exchange in ngrok's {@code /api/requests/http} shape ({@code raw} is the base64 of the HTTP/1.1 message
 * as far as it was kept), plus Burrow's own fields: {@code error}, {@code replay_of} and per body
 * {@code body.{size, captured, truncated, base64}}. Lists leave out {@code base64} (it is in {@code raw}), live
 * events leave out both, so a list of large bodies is not sent twice; one exchange has everything.
 */
final class ExchangeJson {
    private ExchangeJson() {
    }

    /** How much of the bodies to include: all, ngrok's raw only (lists), or sizes only (live events). */
    enum Bodies { FULL, RAW, SIZES }

    static JsonObject of(CapturedExchange e) {
        return of(e, Bodies.FULL);
    }

    static JsonObject of(CapturedExchange e, Bodies bodies) {
        JsonObject request = new JsonObject()
                .put("method", e.method())
                .put("proto", "HTTP/1.1")
                .put("headers", headers(e.requestHeaders()))
                .put("uri", e.uri())
                .put("raw", bodies == Bodies.SIZES ? null : raw(e.method() + " " + e.uri() + " HTTP/1.1", e.requestHeaders(), e.requestBody().bytes()))
                .put("body", body(e.requestBody(), bodies));
        JsonObject json = new JsonObject()
                .put("uri", "/api/requests/http/" + e.id())
                .put("id", e.id())
                .put("tunnel_name", e.tunnelName())
                .put("remote_addr", e.clientAddress())
                .put("start", Instant.ofEpochMilli(e.startEpochMillis()).toString())
                .put("duration", e.durationNanos())
                .put("request", request)
                .put("replay_of", e.replayOf())
                .put("policy_trail", new JsonArray(e.policyTrail()))
                .put("error", e.error());
        if (e.status() > 0) {
            String statusLine = e.status() + (e.reason() == null || e.reason().isEmpty() ? "" : " " + e.reason());
            json.put("response", new JsonObject()
                    .put("status", statusLine)
                    .put("status_code", e.status())
                    .put("proto", "HTTP/1.1")
                    .put("headers", headers(e.responseHeaders()))
                    .put("raw", bodies == Bodies.SIZES ? null : raw("HTTP/1.1 " + statusLine, e.responseHeaders(), e.responseBody().bytes()))
                    .put("body", body(e.responseBody(), bodies)));
        } else {
            json.putNull("response");
        }
        return json;
    }

    private static JsonObject headers(List<Map.Entry<String, String>> headers) {
        JsonObject json = new JsonObject();
        for (Map.Entry<String, String> header : headers) {
            String name = canonical(header.getKey());
            JsonArray values = json.getJsonArray(name);
            if (values == null) {
                values = new JsonArray();
                json.put(name, values);
            }
            values.add(header.getValue());
        }
        return json;
    }

    /** "content-type" → "Content-Type", as ngrok (Go) prints header names. */
    static String canonical(String name) {
        StringBuilder out = new StringBuilder(name.length());
        boolean upper = true;
        for (char c : name.toCharArray()) {
            out.append(upper ? Character.toUpperCase(c) : Character.toLowerCase(c));
            upper = c == '-';
        }
        return out.toString();
    }

    private static JsonObject body(dev.burrow.agent.inspect.CapturedBody.Body body, Bodies bodies) {
        JsonObject json = new JsonObject().put("size", body.size()).put("captured", body.bytes().length)
                .put("truncated", body.truncated());
        return bodies == Bodies.FULL ? json.put("base64", Base64.getEncoder().encodeToString(body.bytes())) : json;
    }

    private static String raw(String firstLine, List<Map.Entry<String, String>> headers, byte[] body) {
        StringBuilder head = new StringBuilder(firstLine).append("\r\n");
        headers.forEach(h -> head.append(canonical(h.getKey())).append(": ").append(h.getValue()).append("\r\n"));
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return Base64.getEncoder().encodeToString(all);
    }
}
