package dev.burrow.edge.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class RequestHeadValidatorTest {
    private final RequestHeadValidator validator = new RequestHeadValidator(100);

    private Integer status(String head) {
        // A prefix before the head proves the validator uses the indices it is given, not 0.
        byte[] bytes = ("junk" + head).getBytes(StandardCharsets.ISO_8859_1);
        HeadRefusal refusal = validator.check(bytes, 4, bytes.length);
        return refusal == null ? null : refusal.status();
    }

    private static String get(String... headers) {
        return "GET /x HTTP/1.1\r\n" + String.join("", headers) + "\r\n";
    }

    @Test
    void anOrdinaryRequestPasses() {
        assertNull(status(get("Host: probe.localhost:8080\r\n", "User-Agent: curl/8.0\r\n", "Accept: */*\r\n")));
        assertNull(status("POST /up HTTP/1.1\r\nHost: a.b\r\nContent-Length: 5\r\n\r\n"));
        assertNull(status("POST /up HTTP/1.1\r\nHost: a.b\r\nTransfer-Encoding: Chunked\r\n\r\n"));
        assertNull(status("GET / HTTP/1.0\r\nHost: a.b\r\n\r\n"));
        assertNull(status("OPTIONS * HTTP/1.1\r\nHost: a.b\r\n\r\n"));
        assertNull(status("GET http://A.b:80/x HTTP/1.1\r\nHost: a.b\r\n\r\n"), "absolute-form naming the Host");
        assertNull(status(get("Host: [::1]:8080\r\n")));
        assertNull(status(get("Host: probe.localhost.\r\n")), "one trailing dot is a fully qualified name");
        assertNull(status(get("Host: a.b\r\n", "X-Utf8: caf\u00e9\r\n", "Empty:\r\n")), "obs-text and empty values");
        assertNull(status(get("Host: a.b\r\n", "Upgrade: h2c\r\n", "HTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n",
                "Connection: Upgrade, HTTP2-Settings\r\n")));
    }

    @Test
    void framingThatTwoParsersCouldReadDifferentlyIsRefused() {
        assertEquals(400, status("POST / HTTP/1.1\r\nHost: a.b\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nHost: a.b\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nHost: a.b\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nHost: a.b\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nHost: a.b\r\nContent-Length: 4, 4\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nHost: a.b\r\nContent-Length: +4\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nHost: a.b\r\nTransfer-Encoding: xchunked\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nHost: a.b\r\nTransfer-Encoding: chunked, identity\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.1\r\nHost: a.b\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals(400, status("POST / HTTP/1.0\r\nHost: a.b\r\nTransfer-Encoding: chunked\r\n\r\n"));
        assertEquals(501, status("POST / HTTP/1.1\r\nHost: a.b\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"));
    }

    @Test
    void malformedLinesAreRefused() {
        assertEquals(400, status(get("Host: a.b\r\n", "X-A: 1\r\n", " folded\r\n")), "obs-fold with a space");
        assertEquals(400, status(get("Host: a.b\r\n", "X-A: 1\r\n", "\tfolded\r\n")), "obs-fold with a tab");
        assertEquals(400, status(get("Host: a.b\r\n", "X-A : 1\r\n")), "whitespace before the colon");
        assertEquals(400, status(get("Host: a.b\r\n", "X(A): 1\r\n")), "a separator in a name");
        assertEquals(400, status(get("Host: a.b\r\n", ": 1\r\n")), "an empty name");
        assertEquals(400, status(get("Host: a.b\r\n", "X-A: 1\u0000\r\n")), "NUL in a value");
        assertEquals(400, status(get("Host: a.b\r\n", "X-A: 1\u007f\r\n")), "DEL in a value");
        assertEquals(400, status(get("Host: a.b\r\n", "X-A: 1\r2\r\n")), "a bare CR");
        assertEquals(400, status(get("Host: a.b\r\n", "X-A: 1\n", "X-B: 2\r\n")), "a bare LF");
        assertEquals(400, status("GET  /x HTTP/1.1\r\nHost: a.b\r\n\r\n"), "two spaces");
        assertEquals(400, status("GET /x HTTP/1.1 \r\nHost: a.b\r\n\r\n"), "a trailing space");
        assertEquals(400, status("GET /x y HTTP/1.1\r\nHost: a.b\r\n\r\n"), "a space in the target");
        assertEquals(400, status("GET /x HTTQ/1.1\r\nHost: a.b\r\n\r\n"));
        assertEquals(505, status("PRI * HTTP/2.0\r\n\r\n"), "the h2c prior-knowledge preface");
        assertEquals(405, status("CONNECT a.b:443 HTTP/1.1\r\nHost: a.b:443\r\n\r\n"));
    }

    @Test
    void moreHeaderFieldsThanTheLimitGet431() {
        StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\nHost: a.b\r\n");
        for (int i = 0; i < 99; i++) {
            head.append("X-").append(i).append(": v\r\n");
        }
        assertNull(status(head + "\r\n"), "100 fields are allowed");
        assertEquals(431, status(head + "X-One-More: v\r\n\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"probe%2elocalhost", "a..b", "probe.localhost..", ".a.b", "a b", "user@a.b", "a.b/x", "a.b:abc",
            "a.b:99999", "a.b:0", "a.b:", ":8080", "", "[::1", "[zz::1]", "[]:80", "a.b:80:80", "caf\u00e9.localhost"})
    void anInvalidHostIsRefused(String host) {
        assertEquals(400, status(get("Host: " + host + "\r\n")), host);
    }

    @Test
    void aLabelLongerThan63OrANameLongerThan253IsRefused() {
        assertEquals(400, status(get("Host: " + "a".repeat(300) + ".localhost\r\n")));
        assertEquals(400, status(get("Host: " + "a".repeat(64) + ".localhost\r\n")));
        assertNull(status(get("Host: " + "a".repeat(63) + ".localhost\r\n")));
        assertEquals(400, status(get("Host: " + ("a".repeat(60) + ".").repeat(5) + "b\r\n")));
    }

    @Test
    void hostMustBeThereOnceAndAgreeWithAnAbsoluteTarget() {
        assertEquals(400, status(get()), "no Host");
        assertEquals(400, status(get("Host: a.b\r\n", "Host: a.b\r\n")), "the same Host twice");
        assertEquals(400, status(get("Host: a.b\r\n", "host: c.d\r\n")), "two different Hosts");
        assertEquals(400, status("GET http://other.localhost:8080/x HTTP/1.1\r\nHost: probe.localhost:8080\r\n\r\n"));
        assertEquals(400, status("GET http://a.b:8080/x HTTP/1.1\r\nHost: a.b\r\n\r\n"), "another port");
        assertEquals(400, status("GET http://u@a.b/x HTTP/1.1\r\nHost: a.b\r\n\r\n"), "userinfo");
        assertEquals(400, status("GET ftp://a.b/x HTTP/1.1\r\nHost: a.b\r\n\r\n"), "another scheme");
        assertEquals(400, status("GET x HTTP/1.1\r\nHost: a.b\r\n\r\n"), "neither a path nor a URL");
    }

    @Test
    void anH2cUpgradeWithoutExactlyOneHttp2SettingsIsRefused() {
        assertEquals(400, status(get("Host: a.b\r\n", "Upgrade: h2c\r\n", "Connection: Upgrade\r\n")));
        assertEquals(400, status(get("Host: a.b\r\n", "Upgrade: websocket, H2C\r\n", "HTTP2-Settings: A\r\n", "HTTP2-Settings: B\r\n")));
    }
}
