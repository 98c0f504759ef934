package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.TcpEchoServer;
import dev.burrow.testsupport.Upstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --proxy-protocol}: behind a load balancer that sends PROXY headers (v1 text, v2 binary), the edge takes the
 * client address from the header: it reaches the upstream in X-Forwarded-For, and TCP endpoints decode the header too.
 * A connection without a header, or with one from a peer outside {@code --proxy-protocol-trusted}, is closed before
 * anything reaches the agent. Raw sockets, so the test controls every byte.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProxyProtocolE2ETest {
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static Upstream upstream;
    private static TcpEchoServer echo;
    private static EdgeProcess edge;
    private static AgentProcess httpAgent;
    private static AgentProcess tcpAgent;

    @BeforeAll
    static void start() {
        upstream = Upstream.start();
        echo = TcpEchoServer.start();
        edge = EdgeProcess.builder().name("edge-proxy-protocol")
                .arg("--proxy-protocol", "true", "--proxy-protocol-trusted", "127.0.0.1/32").start();
        httpAgent = AgentProcess.http(edge, upstream.httpAddress()).name("agent-proxied-http").subdomain("proxied").start();
        tcpAgent = AgentProcess.tcp(edge, "127.0.0.1:" + echo.port()).name("agent-proxied-tcp").start();
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(httpAgent, tcpAgent, edge, echo, upstream);
    }

    @Test
    void aV1HeaderGivesTheClientAddress() throws IOException {
        String response = exchange(null, edge.httpPort(), ("PROXY TCP4 203.0.113.7 127.0.0.1 51000 " + edge.httpPort() + "\r\n")
                .getBytes(StandardCharsets.US_ASCII), get("/echo?proxy=v1"));
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertEquals("203.0.113.7", forwardedFor("/echo?proxy=v1"));
    }

    @Test
    void aV2HeaderGivesTheClientAddress() throws IOException {
        ByteBuffer header = ByteBuffer.allocate(16 + 12);
        header.put(V2_SIGNATURE).put((byte) 0x21).put((byte) 0x11).putShort((short) 12)
                .put(new byte[]{(byte) 198, 51, 100, 9}).put(new byte[]{127, 0, 0, 1})
                .putShort((short) 40000).putShort((short) edge.httpPort());
        String response = exchange(null, edge.httpPort(), header.array(), get("/echo?proxy=v2"));
        assertTrue(response.startsWith("HTTP/1.1 200"), response);
        assertEquals("198.51.100.9", forwardedFor("/echo?proxy=v2"));
    }

    @Test
    void aConnectionWithoutAHeaderIsClosedUnanswered() throws IOException {
        String response = exchange(null, edge.httpPort(), new byte[0], get("/echo?proxy=none"));
        assertFalse(response.startsWith("HTTP/1.1 200"), response);
        assertFalse(upstream.requests().stream().anyMatch(r -> r.uri().equals("/echo?proxy=none")), "the upstream saw it");
    }

    @Test
    void aHeaderFromAnUntrustedPeerIsNotBelieved() throws IOException {
        // 127.0.0.2 is loopback too, but outside --proxy-protocol-trusted 127.0.0.1/32.
        String response = exchange("127.0.0.2", edge.httpPort(), ("PROXY TCP4 192.0.2.1 127.0.0.1 51000 " + edge.httpPort() + "\r\n")
                .getBytes(StandardCharsets.US_ASCII), get("/echo?proxy=untrusted"));
        assertEquals("", response, "no answer to an untrusted peer");
        assertFalse(upstream.requests().stream().anyMatch(r -> r.uri().equals("/echo?proxy=untrusted")), "the upstream saw it");
    }

    @Test
    void aWebSocketUpgradeWorksBehindTheHeader() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", edge.httpPort()), 3_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("PROXY TCP4 203.0.113.9 127.0.0.1 53000 " + edge.httpPort() + "\r\n"
                    + "GET /ws HTTP/1.1\r\nHost: proxied." + edge.domain() + ":" + edge.httpPort() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] head = new byte[12];
            int n = socket.getInputStream().readNBytes(head, 0, head.length);
            assertEquals("HTTP/1.1 101", new String(head, 0, n, StandardCharsets.US_ASCII));
        }
        assertEquals("203.0.113.9", forwardedFor("/ws"));
    }

    @Test
    void tcpEndpointsDecodeTheHeaderToo() throws IOException {
        int port = tcpAgent.publicPort();
        byte[] payload = "hello through a proxied TCP tunnel\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 3_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("PROXY TCP4 203.0.113.8 127.0.0.1 52000 " + port + "\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(payload);
            socket.getOutputStream().flush();
            byte[] back = socket.getInputStream().readNBytes(payload.length);
            assertEquals(new String(payload, StandardCharsets.US_ASCII), new String(back, StandardCharsets.US_ASCII),
                    "the echo got the payload and not the PROXY header");
        }
    }

    private static byte[] get(String uri) {
        return ("GET " + uri + " HTTP/1.1\r\nHost: proxied." + edge.domain() + ":" + edge.httpPort()
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static String forwardedFor(String uri) {
        return upstream.awaitRequest(r -> r.uri().equals(uri), Duration.ofSeconds(5)).header("X-Forwarded-For");
    }

    /** Sends {@code header} then {@code request} from {@code localAddress} (null: any); returns what came back until close. */
    private static String exchange(String localAddress, int port, byte[] header, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            if (localAddress != null) {
                socket.bind(new InetSocketAddress(localAddress, 0));
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 3_000);
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(header);
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (java.net.SocketException reset) {
                // closed with a reset: what was read so far is the answer
            }
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }
}
