package dev.burrow.edge;

import dev.burrow.mux.MuxStream;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.HttpRequestHead;
import dev.burrow.protocol.HttpResponseHead;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the fake agent does with a stream: echo, fail like an unreachable upstream, or bridge an upgrade. */
final class AgentResponders {
    private AgentResponders() {
    }

    static Map.Entry<String, String> header(String name, String value) {
        return new AbstractMap.SimpleImmutableEntry<>(name, value);
    }

    static String get(HttpRequestHead head, String name) {
        return head.headers().stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .reduce((a, b) -> a + "|" + b).orElse(null);
    }

    /** HTTP: 200 with the request's method, uri and forwarding headers echoed as X-Echo-* headers, body echoed back. */
    static void echo(MuxStream stream) {
        HttpRequestHead head = stream.open().requestHead();
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(header("Content-Type", "application/octet-stream"));
        headers.add(header("X-Echo-Method", head.method()));
        headers.add(header("X-Echo-Uri", head.uri()));
        headers.add(header("X-Echo-Endpoint", stream.open().endpointId()));
        for (String name : List.of("Host", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Connection", "Keep-Alive", "X-Custom")) {
            String value = get(head, name);
            headers.add(header("X-Echo-" + name, value == null ? "<none>" : value));
        }
        stream.writeHeaders(new HttpResponseHead(200, "OK", headers));
        stream.pipeTo(stream);
    }

    /** TCP: every byte back, ending when the client ends. */
    static void tcpEcho(MuxStream stream) {
        stream.pipeTo(stream);
    }

    static void unreachable(MuxStream stream) {
        stream.reset(ErrorCode.UPSTREAM_UNREACHABLE, "connection refused by upstream 127.0.0.1:3000");
    }

    /** Bridges an upgrade request to a real upstream: writes the head, relays the 101, then pipes raw bytes. */
    static void upgradeTo(Vertx vertx, int upstreamPort, MuxStream stream) {
        HttpRequestHead head = stream.open().requestHead();
        stream.pause();
        vertx.createNetClient().connect(upstreamPort, "127.0.0.1").onSuccess(socket -> {
            StringBuilder request = new StringBuilder(head.method() + " " + head.uri() + " HTTP/1.1\r\n");
            head.headers().forEach(h -> request.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n"));
            request.append("\r\n");
            socket.write(request.toString());
            Buffer received = Buffer.buffer();
            socket.handler(data -> {
                received.appendBuffer(data);
                String text = received.toString("ISO-8859-1");
                int end = text.indexOf("\r\n\r\n");
                if (end < 0) {
                    return;
                }
                String[] lines = text.substring(0, end).split("\r\n");
                int status = Integer.parseInt(lines[0].split(" ")[1]);
                List<Map.Entry<String, String>> headers = new ArrayList<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    headers.add(header(lines[i].substring(0, colon).trim(), lines[i].substring(colon + 1).trim()));
                }
                stream.writeHeaders(new HttpResponseHead(status, "Switching Protocols", headers));
                Buffer rest = received.getBuffer(end + 4, received.length());
                if (rest.length() > 0) {
                    stream.write(rest);
                }
                pipeBothWays(socket, stream);
            });
        }).onFailure(error -> stream.reset(ErrorCode.UPSTREAM_UNREACHABLE, "upstream 127.0.0.1:" + upstreamPort + ": " + error.getMessage()));
    }

    private static void pipeBothWays(NetSocket socket, MuxStream stream) {
        socket.handler(stream::write);
        socket.endHandler(v -> stream.end());
        stream.handler(socket::write);
        stream.endHandler(v -> socket.close());
        stream.resume();
    }
}
