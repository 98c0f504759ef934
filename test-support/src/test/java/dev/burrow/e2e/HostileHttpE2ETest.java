package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.RawExchange;
import dev.burrow.testsupport.RecordingUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The hostile-request catalogue of docs/hostile-http.md, byte for byte against a real edge and agent: each request
 * gets its exact status line, the connection is closed, and the recording upstream receives none of its bytes (for
 * the smuggling cases, not the {@code GET /smuggled} hidden behind it either). The edge log gets no stack trace.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostileHttpE2ETest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String BAD_REQUEST = "HTTP/1.1 400 Bad Request";
    private static RecordingUpstream upstream;
    private static EdgeProcess edge;
    private static AgentProcess agent;

    @BeforeAll
    static void start() {
        upstream = RecordingUpstream.start();
        edge = EdgeProcess.builder().name("edge-hostile").start();
        agent = AgentProcess.http(edge, upstream.address()).name("agent-hostile").subdomain("probe").start();
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(agent, edge, upstream);
    }

    /** {@code %H}: the endpoint's Host; {@code %S}: a whole request for /smuggled that must never reach the upstream. */
    static Stream<Arguments> catalogue() {
        String smuggled = "GET /smuggled HTTP/1.1\r\nHost: %H\r\n\r\n";
        String chunkedEnd = "0\r\n\r\n";
        return Stream.of(
                Arguments.of("CL then TE", "POST /case HTTP/1.1\r\nHost: %H\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + chunkedEnd + smuggled, BAD_REQUEST),
                Arguments.of("TE then CL", "POST /case HTTP/1.1\r\nHost: %H\r\nTransfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n"
                        + chunkedEnd + smuggled, BAD_REQUEST),
                Arguments.of("xchunked with CL", "POST /case HTTP/1.1\r\nHost: %H\r\nTransfer-Encoding: xchunked\r\nContent-Length: 5\r\n\r\n"
                        + chunkedEnd + smuggled, BAD_REQUEST),
                Arguments.of("xchunked alone", "POST /case HTTP/1.1\r\nHost: %H\r\nTransfer-Encoding: xchunked\r\n\r\n"
                        + "5\r\nhello\r\n" + chunkedEnd + smuggled, BAD_REQUEST),
                Arguments.of("chunked, identity", "POST /case HTTP/1.1\r\nHost: %H\r\nTransfer-Encoding: chunked, identity\r\n\r\n"
                        + chunkedEnd + smuggled, BAD_REQUEST),
                Arguments.of("gzip, chunked", "POST /case HTTP/1.1\r\nHost: %H\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                        + chunkedEnd + smuggled, "HTTP/1.1 501 Not Implemented"),
                Arguments.of("TE twice", "POST /case HTTP/1.1\r\nHost: %H\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + chunkedEnd + smuggled, BAD_REQUEST),
                Arguments.of("CL twice, equal", "POST /case HTTP/1.1\r\nHost: %H\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n"
                        + smuggled, BAD_REQUEST),
                Arguments.of("CL twice, different", "POST /case HTTP/1.1\r\nHost: %H\r\nContent-Length: 0\r\nContent-Length: 38\r\n\r\n"
                        + smuggled, BAD_REQUEST),
                Arguments.of("CL list", "POST /case HTTP/1.1\r\nHost: %H\r\nContent-Length: 0, 0\r\n\r\n" + smuggled, BAD_REQUEST),
                Arguments.of("obs-fold hiding TE", "POST /case HTTP/1.1\r\nHost: %H\r\nX-Pad: 1\r\n Transfer-Encoding: chunked\r\n"
                        + "Content-Length: 5\r\n\r\n" + chunkedEnd + smuggled, BAD_REQUEST),
                Arguments.of("obs-fold with a tab", "GET /case HTTP/1.1\r\nHost: %H\r\nX-Pad: 1\r\n\tcontinued\r\n\r\n", BAD_REQUEST),
                Arguments.of("space before colon", "POST /case HTTP/1.1\r\nHost: %H\r\nTransfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n"
                        + chunkedEnd + smuggled, BAD_REQUEST),
                Arguments.of("separator in a name", "GET /case HTTP/1.1\r\nHost: %H\r\nX(A): 1\r\n\r\n", BAD_REQUEST),
                Arguments.of("NUL in a value", "GET /case HTTP/1.1\r\nHost: %H\r\nX-A: a\u0000b\r\n\r\n", BAD_REQUEST),
                Arguments.of("bare LF", "GET /case HTTP/1.1\nHost: %H\n\n", BAD_REQUEST),
                Arguments.of("bare CR", "GET /case HTTP/1.1\r\nHost: %H\r\nX-A: a\rb\r\n\r\n", BAD_REQUEST),
                Arguments.of("two Host headers", "GET /case HTTP/1.1\r\nHost: %H\r\nHost: other.localhost\r\n\r\n", BAD_REQUEST),
                Arguments.of("no Host", "GET /case HTTP/1.1\r\n\r\n", BAD_REQUEST),
                Arguments.of("% in Host", "GET /case HTTP/1.1\r\nHost: probe%2elocalhost\r\n\r\n", BAD_REQUEST),
                Arguments.of("trailing dots", "GET /case HTTP/1.1\r\nHost: probe.localhost..\r\n\r\n", BAD_REQUEST),
                Arguments.of("empty label", "GET /case HTTP/1.1\r\nHost: a..b\r\n\r\n", BAD_REQUEST),
                Arguments.of("300-character label", "GET /case HTTP/1.1\r\nHost: " + "a".repeat(300) + ".localhost\r\n\r\n", BAD_REQUEST),
                Arguments.of("space in Host", "GET /case HTTP/1.1\r\nHost: probe localhost\r\n\r\n", BAD_REQUEST),
                Arguments.of("@ in Host", "GET /case HTTP/1.1\r\nHost: user@probe.localhost\r\n\r\n", BAD_REQUEST),
                Arguments.of("/ in Host", "GET /case HTTP/1.1\r\nHost: probe.localhost/x\r\n\r\n", BAD_REQUEST),
                Arguments.of("port :abc", "GET /case HTTP/1.1\r\nHost: probe.localhost:abc\r\n\r\n", BAD_REQUEST),
                Arguments.of("port :99999", "GET /case HTTP/1.1\r\nHost: probe.localhost:99999\r\n\r\n", BAD_REQUEST),
                Arguments.of("absolute target, other Host", "GET http://other.localhost:1/case HTTP/1.1\r\nHost: %H\r\n\r\n", BAD_REQUEST),
                Arguments.of("h2c without HTTP2-Settings", "GET /case HTTP/1.1\r\nHost: %H\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n"
                        + smuggled, BAD_REQUEST),
                Arguments.of("HTTP/2.0 request line without the preface", "GET /case HTTP/2.0\r\nHost: %H\r\n\r\n",
                        "HTTP/1.1 505 HTTP Version Not Supported"),
                Arguments.of("CONNECT", "CONNECT %H HTTP/1.1\r\nHost: %H\r\n\r\n", "HTTP/1.1 405 Method Not Allowed"),
                Arguments.of("101 header fields", "GET /case HTTP/1.1\r\nHost: %H\r\n" + "X-F: v\r\n".repeat(100) + "\r\n",
                        "HTTP/1.1 431 Request Header Fields Too Large"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void aHostileRequestIsRefusedAndItsConnectionClosed(String name, String template, String statusLine) {
        String host = edge.hostHeader("probe");
        upstream.clear();
        RawExchange exchange = RawExchange.send(edge.httpPort(), template.replace("%H", host), WAIT);

        assertEquals(statusLine, exchange.statusLine(), name + ": " + exchange.answer());
        assertTrue(exchange.answer().contains("\r\nConnection: close\r\n"), name + ": " + exchange.answer());
        assertTrue(exchange.closed(), name + ": the edge kept the connection open");
        assertEquals(1, count(exchange.answer(), "X-Burrow-Error: "), name + ": one answer only: " + exchange.answer());
        // A request sent after it goes through, so anything of the hostile one would have reached the upstream first.
        assertEquals("HTTP/1.1 200 OK", RawExchange.send(edge.httpPort(),
                "GET /after HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n", WAIT).statusLine());
        String received = upstream.received();
        assertFalse(received.contains("/case"), name + ": the upstream received " + received);
        assertFalse(received.contains("/smuggled"), name + ": the upstream received " + received);
    }

    @Test
    void aGoodRequestStillGoesThroughOnAKeptAliveConnection() {
        String host = edge.hostHeader("probe");
        upstream.clear();
        String two = "GET /one HTTP/1.1\r\nHost: " + host + "\r\n\r\nGET /two HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n";
        RawExchange exchange = RawExchange.send(edge.httpPort(), two, WAIT);
        assertEquals(2, count(exchange.answer(), "HTTP/1.1 200 OK"), exchange.answer());
        assertTrue(upstream.received().contains("GET /one ") && upstream.received().contains("GET /two "), upstream.received());
    }

    @Test
    void aWellFormedH2cOfferIsIgnoredAndAnsweredOverHttp11() {
        upstream.clear();
        RawExchange exchange = RawExchange.send(edge.httpPort(), "GET /h2c HTTP/1.1\r\nHost: " + edge.hostHeader("probe")
                + "\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n", Duration.ofSeconds(3));
        assertEquals("HTTP/1.1 200 OK", exchange.statusLine(), exchange.answer());
        String received = upstream.received();
        assertTrue(received.contains("GET /h2c "), received);
        assertFalse(received.toLowerCase(java.util.Locale.ROOT).contains("h2c\r\n")
                || received.toLowerCase(java.util.Locale.ROOT).contains("http2-settings"), received);
    }

    @Test
    void eachRefusalIsOneLogLineAndNeverAStackTrace() {
        int from = edge.process().outputSize();
        catalogue().forEach(args -> RawExchange.send(edge.httpPort(),
                ((String) args.get()[1]).replace("%H", edge.hostHeader("probe")), WAIT));
        var all = edge.process().output();
        java.util.List<String> lines = all.subList(from, all.size()).stream().map(Object::toString).toList();
        String log = String.join("\n", lines);
        assertFalse(log.contains("\tat ") || log.contains("Exception"), "stack trace in the edge log:\n" + log);
        assertFalse(log.contains(" 500 "), log);
        long refusals = lines.stream().filter(line -> line.contains("http: 4") || line.contains("http: 5")).count();
        assertTrue(refusals >= 1 && refusals <= catalogue().count(), refusals + " refusal lines:\n" + log);
    }

    private static int count(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }
}
