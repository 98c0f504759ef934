package dev.burrow.cluster;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.EdgeProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Small helpers shared by the cluster tests: one GET through a node, waiting until a name serves, the agent's links. */
final class ClusterTestSupport {
    private ClusterTestSupport() {
    }

    static String get(EdgeProcess node, String name, String path, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(node.bindAddress(), node.httpPort()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + node.hostHeader(name)
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Sends {@code data} to host:port, half-closes, and returns everything read until the peer closes. */
    static byte[] echoOnce(String host, int port, byte[] data) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(data);
            socket.shutdownOutput();
            return socket.getInputStream().readAllBytes();
        }
    }

    /** As {@link #get}, with an I/O failure as the text of the answer (for requests run in the background). */
    static String getOrError(EdgeProcess node, String name, String path, Duration timeout) {
        try {
            return new String(getBytes(node, name, path, timeout), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static byte[] getBytes(EdgeProcess node, String name, String path, Duration timeout) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(node.bindAddress(), node.httpPort()), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + node.hostHeader(name)
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return socket.getInputStream().readAllBytes();
        }
    }

    /** The body of a raw response read by {@link #getOrError} (everything after the head). */
    static byte[] body(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        return end < 0 ? new byte[0] : raw.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Waits until a connection to the node's public HTTP port is refused; returns how long that took (ms). */
    static long awaitRefused(EdgeProcess node, Duration bound) {
        long start = System.nanoTime();
        long deadline = start + bound.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(node.bindAddress(), node.httpPort()), 1_000);
            } catch (java.net.ConnectException refused) {
                return (System.nanoTime() - start) / 1_000_000;
            } catch (IOException other) {
                // a timeout: try again
            }
            sleep(20);
        }
        throw new AssertionError("node " + node + " still accepted connections " + bound + " after SIGTERM");
    }

    /** Waits until {@code name} answers 200 through every node in {@code nodes}. */
    static void awaitServing(List<EdgeProcess> nodes, String name, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (EdgeProcess node : nodes) {
                try {
                    last = get(node, name, "/echo?warm-up", Duration.ofSeconds(2));
                } catch (IOException e) {
                    last = e.toString();
                }
                all &= last.startsWith("HTTP/1.1 200");
            }
            if (all) {
                return;
            }
            sleep(100);
        }
        throw new AssertionError(name + " did not serve through every node within " + bound + "; last: " + last);
    }

    /** The agent-link addresses of the agent's links that are not draining ({@code GET /api/status}). */
    static List<String> liveLinks(AgentProcess agent) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(agent.webUrl() + "/api/status")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonArray links = new JsonObject(response.body()).getJsonArray("links");
            List<String> live = new ArrayList<>();
            for (int i = 0; i < links.size(); i++) {
                JsonObject link = links.getJsonObject(i);
                if (!link.getBoolean("draining", false)) {
                    live.add(link.getString("edge_address"));
                }
            }
            return live;
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The value of a gauge on the node's /metrics (first sample of {@code name}), or -1 when it does not answer. */
    static double metric(EdgeProcess node, String name) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://" + node.bindAddress() + ":" + node.opsPort() + "/metrics"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            for (String line : response.body().split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
