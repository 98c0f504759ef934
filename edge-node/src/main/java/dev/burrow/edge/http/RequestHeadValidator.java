package dev.burrow.edge.http;

import java.nio.charset.StandardCharsets;

/**
 * Judges the raw bytes of one whole HTTP/1.x request head before any parser normalises it, and refuses every head
 * that two HTTP implementations could frame or route differently (RFC 9112, RFC 9110): a request line that is not
 * {@code method SP target SP HTTP/1.x}; a bare CR or LF; a folded header line (obs-fold); a header name that is not a
 * token or is followed by whitespace before its colon; a control character in a value; more than the allowed number
 * of header fields; no, two or an invalid {@code Host}; an absolute-form target naming another authority than Host;
 * {@code Content-Length} that is repeated, not digits, or beside {@code Transfer-Encoding}; a transfer coding other
 * than one final {@code chunked}; an {@code Upgrade: h2c} without exactly one {@code HTTP2-Settings}.
 * <p>
 * One pass over the bytes (an array: a ByteBuf's checked reads cost three times as much); it allocates only the few
 * values it must compare (Host, framing headers).
 */
final class RequestHeadValidator {
    private static final boolean[] TCHAR = new boolean[256];
    /** HTAB, SP, visible ASCII and obs-text: what a field value may hold (RFC 9110 section 5.5). */
    private static final boolean[] FIELD_CHAR = new boolean[256];
    private static final int MAX_CONTENT_LENGTH_DIGITS = 18;

    static {
        for (int c = '!'; c <= '~'; c++) {
            TCHAR[c] = "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
            FIELD_CHAR[c] = true;
        }
        for (int c = 0x80; c <= 0xff; c++) {
            FIELD_CHAR[c] = true;
        }
        FIELD_CHAR[' '] = true;
        FIELD_CHAR['\t'] = true;
    }

    private final int maxHeaderFields;

    RequestHeadValidator(int maxHeaderFields) {
        this.maxHeaderFields = maxHeaderFields;
    }

    /** The head's fields worth remembering while the lines go by. */
    private static final class Seen {
        int fields;
        int hosts;
        int contentLengths;
        int transferEncodings;
        int http2Settings;
        String host;
        String contentLength;
        String transferEncoding;
        String upgrade;
    }

    /**
     * Null when the head may go on, or why it may not. {@code [start, end)} is one whole head: the request line to the
     * empty line, with its final CRLF.
     */
    HeadRefusal check(byte[] buf, int start, int end) {
        int lineEnd = lineEnd(buf, start, end);
        if (lineEnd < 0) {
            return HeadRefusal.badRequest("bare CR or LF", "the request head has a line not ended by CRLF");
        }
        int firstSpace = indexOf(buf, start, lineEnd, (byte) ' ');
        int secondSpace = firstSpace < 0 ? -1 : indexOf(buf, firstSpace + 1, lineEnd, (byte) ' ');
        if (secondSpace < 0 || !token(buf, start, firstSpace) || !visible(buf, firstSpace + 1, secondSpace)) {
            return HeadRefusal.badRequest("malformed request line", "the request line is not METHOD SP TARGET SP HTTP/1.1");
        }
        HeadRefusal version = version(buf, secondSpace + 1, lineEnd);
        if (version != null) {
            return version;
        }
        Seen seen = new Seen();
        HeadRefusal fields = fields(buf, lineEnd + 2, end, seen);
        if (fields != null) {
            return fields;
        }
        HeadRefusal framing = framing(seen, buf[lineEnd - 1] == '0');
        if (framing != null) {
            return framing;
        }
        HeadRefusal host = host(seen);
        if (host != null) {
            return host;
        }
        int methodLength = firstSpace - start;
        if (methodLength == 7 && matches(buf, start, "CONNECT")) {
            return new HeadRefusal(405, "CONNECT", "the edge is not a forward proxy: CONNECT is not allowed");
        }
        if (buf[firstSpace + 1] == '/') {
            return null;
        }
        String method = new String(buf, start, methodLength, StandardCharsets.US_ASCII);
        return target(method, new String(buf, firstSpace + 1, secondSpace - firstSpace - 1, StandardCharsets.ISO_8859_1),
                HostSyntax.parse(seen.host));
    }

    private static HeadRefusal version(byte[] buf, int from, int to) {
        if (to - from == 8 && matches(buf, from, "HTTP/1.") && (buf[from + 7] == '1' || buf[from + 7] == '0')) {
            return null;
        }
        if (to - from == 8 && matches(buf, from, "HTTP/") && digit(buf[from + 5]) && buf[from + 6] == '.'
                && digit(buf[from + 7])) {
            return new HeadRefusal(505, "HTTP version not supported",
                    "the public side speaks HTTP/1.1, HTTP/1.0, and HTTP/2 with prior knowledge (h2c) or over TLS");
        }
        return HeadRefusal.badRequest("malformed request line", "the request line does not end in HTTP/1.1 or HTTP/1.0");
    }

    private HeadRefusal fields(byte[] buf, int from, int end, Seen seen) {
        int pos = from;
        while (pos < end - 2) {
            int lineEnd = lineEnd(buf, pos, end);
            if (lineEnd < 0) {
                return HeadRefusal.badRequest("bare CR or LF", "the request head has a line not ended by CRLF");
            }
            byte first = buf[pos];
            if (first == ' ' || first == '\t') {
                return HeadRefusal.badRequest("obs-fold", "a header line starts with whitespace (a folded header)");
            }
            int colon = pos;
            while (colon < lineEnd && TCHAR[buf[colon] & 0xff]) {
                colon++;
            }
            if (colon == pos || colon == lineEnd || buf[colon] != ':') {
                return HeadRefusal.badRequest("invalid header name", "a header name is empty, holds a character a token may not, "
                        + "or is followed by whitespace before its colon");
            }
            for (int i = colon + 1; i < lineEnd; i++) {
                if (!FIELD_CHAR[buf[i] & 0xff]) {
                    return HeadRefusal.badRequest("invalid header value", "a header value holds a control character");
                }
            }
            if (++seen.fields > maxHeaderFields) {
                return new HeadRefusal(431, "too many header fields", "the request has more than " + maxHeaderFields
                        + " header fields (--http-max-header-fields)");
            }
            remember(buf, pos, colon, lineEnd, seen);
            pos = lineEnd + 2;
        }
        return null;
    }

    private static void remember(byte[] buf, int name, int colon, int lineEnd, Seen seen) {
        int length = colon - name;
        if (length == 4 && matchesIgnoreCase(buf, name, "host")) {
            seen.hosts++;
            seen.host = value(buf, colon + 1, lineEnd);
        } else if (length == 14 && matchesIgnoreCase(buf, name, "content-length")) {
            seen.contentLengths++;
            seen.contentLength = value(buf, colon + 1, lineEnd);
        } else if (length == 17 && matchesIgnoreCase(buf, name, "transfer-encoding")) {
            seen.transferEncodings++;
            seen.transferEncoding = value(buf, colon + 1, lineEnd);
        } else if (length == 7 && matchesIgnoreCase(buf, name, "upgrade")) {
            seen.upgrade = value(buf, colon + 1, lineEnd);
        } else if (length == 14 && matchesIgnoreCase(buf, name, "http2-settings")) {
            seen.http2Settings++;
        }
    }

    private static HeadRefusal framing(Seen seen, boolean http10) {
        if (seen.transferEncodings > 0 && seen.contentLengths > 0) {
            return HeadRefusal.badRequest("Content-Length with Transfer-Encoding",
                    "the request has both Content-Length and Transfer-Encoding, which frame its body differently");
        }
        if (seen.contentLengths > 1) {
            return HeadRefusal.badRequest("repeated Content-Length", "the request has more than one Content-Length");
        }
        if (seen.contentLength != null && !digits(seen.contentLength)) {
            return HeadRefusal.badRequest("invalid Content-Length", "the Content-Length is not a decimal number");
        }
        if (seen.transferEncodings > 0) {
            return transferCoding(seen, http10);
        }
        return null;
    }

    /**
     * RFC 9112 section 6.3: a request whose final transfer coding is not chunked cannot be framed (400); codings
     * before a final chunked are ones this edge does not implement (501).
     */
    private static HeadRefusal transferCoding(Seen seen, boolean http10) {
        if (seen.transferEncodings > 1 || http10) {
            return HeadRefusal.badRequest("repeated or HTTP/1.0 Transfer-Encoding",
                    "the request has more than one Transfer-Encoding header, or one in HTTP/1.0");
        }
        String value = seen.transferEncoding;
        int comma = value.lastIndexOf(',');
        String last = (comma < 0 ? value : value.substring(comma + 1)).trim();
        if (!last.equalsIgnoreCase("chunked")) {
            return HeadRefusal.badRequest("transfer coding not ending in chunked",
                    "the request's Transfer-Encoding \"" + value + "\" does not end in chunked, so its body cannot be framed");
        }
        if (comma >= 0) {
            return new HeadRefusal(501, "unsupported transfer coding",
                    "the edge implements the chunked transfer coding only, not \"" + value + "\"");
        }
        return null;
    }

    private static HeadRefusal host(Seen seen) {
        if (seen.hosts != 1) {
            return HeadRefusal.badRequest(seen.hosts == 0 ? "no Host" : "two Host headers", seen.hosts == 0
                    ? "the request has no Host header, so the edge cannot tell which tunnel it is for"
                    : "the request has more than one Host header");
        }
        if (!HostSyntax.valid(seen.host)) {
            return HeadRefusal.badRequest("invalid Host", "the Host header is not a host name or IP literal with an "
                    + "optional port 1-65535");
        }
        if (seen.upgrade != null && h2cUpgrade(seen.upgrade) && seen.http2Settings != 1) {
            return HeadRefusal.badRequest("h2c upgrade without HTTP2-Settings",
                    "an upgrade to h2c needs exactly one HTTP2-Settings header");
        }
        return null;
    }

    /** Asterisk-form for OPTIONS, or absolute-form naming the same authority as Host (origin-form is let through before). */
    private static HeadRefusal target(String method, String target, HostSyntax.Authority host) {
        if (target.equals("*") && method.equals("OPTIONS")) {
            return null;
        }
        String lower = target.length() > 8 ? target.substring(0, 8).toLowerCase(java.util.Locale.ROOT) : "";
        int schemeEnd = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
        if (schemeEnd < 0) {
            return HeadRefusal.badRequest("invalid request target", "the request target is neither a path nor an http(s) URL");
        }
        int authorityEnd = schemeEnd;
        while (authorityEnd < target.length() && "/?#".indexOf(target.charAt(authorityEnd)) < 0) {
            authorityEnd++;
        }
        HostSyntax.Authority authority = HostSyntax.parse(target.substring(schemeEnd, authorityEnd));
        if (authority == null) {
            return HeadRefusal.badRequest("invalid target authority", "the authority of the absolute request target is not valid");
        }
        if (!authority.sameAs(host, schemeEnd == 7 ? 80 : 443)) {
            return HeadRefusal.badRequest("target disagrees with Host",
                    "the absolute request target names another host than the Host header");
        }
        return null;
    }

    private static boolean h2cUpgrade(String upgrade) {
        for (String protocol : upgrade.split(",")) {
            if (protocol.trim().equalsIgnoreCase("h2c")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The index of the CR ending the line that starts at {@code from}, or -1 for a bare CR. A bare LF inside the line is
     * caught by the character checks of names, values and the request line.
     */
    private static int lineEnd(byte[] buf, int from, int end) {
        int cr = indexOf(buf, from, end, (byte) '\r');
        if (cr < 0 || cr + 1 >= end || buf[cr + 1] != '\n') {
            return -1;
        }
        return cr;
    }

    private static int indexOf(byte[] buf, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (buf[i] == value) {
                return i;
            }
        }
        return -1;
    }

    private static String value(byte[] buf, int from, int to) {
        int start = from;
        int end = to;
        while (start < end && isOws(buf[start])) {
            start++;
        }
        while (end > start && isOws(buf[end - 1])) {
            end--;
        }
        return new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
    }

    private static boolean isOws(byte b) {
        return b == ' ' || b == '\t';
    }

    private static boolean token(byte[] buf, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (!TCHAR[buf[i] & 0xff]) {
                return false;
            }
        }
        return true;
    }

    private static boolean visible(byte[] buf, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            byte b = buf[i];
            if (b < '!' || b > '~') {
                return false;
            }
        }
        return true;
    }

    private static boolean digits(String value) {
        if (value.isEmpty() || value.length() > MAX_CONTENT_LENGTH_DIGITS) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    private static boolean matches(byte[] buf, int from, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (buf[from + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matchesIgnoreCase(byte[] buf, int from, String lowerAscii) {
        for (int i = 0; i < lowerAscii.length(); i++) {
            int b = buf[from + i];
            if ((b >= 'A' && b <= 'Z' ? b + 32 : b) != lowerAscii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
