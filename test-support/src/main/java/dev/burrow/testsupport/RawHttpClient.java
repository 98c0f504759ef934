package dev.burrow.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over one plain blocking socket, byte for byte: the test decides the framing (Content-Length or chunked),
 * sees the response framing exactly as sent, and knows that several exchanges share one connection (keep-alive).
 * Every read is bounded by the socket timeout.
 */
public final class RawHttpClient implements AutoCloseable {

    /** A parsed response; header names keep their case, lookups ignore it. */
    public record Response(String statusLine, int status, List<Map.Entry<String, String>> headers, byte[] body,
                           boolean chunked) {
        public String header(String name) {
            for (Map.Entry<String, String> h : headers) {
                if (h.getKey().equalsIgnoreCase(name)) {
                    return h.getValue();
                }
            }
            return null;
        }

        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private RawHttpClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
    }

    public static RawHttpClient connect(String host, int port, Duration readTimeout) {
        try {
            Socket s = new Socket();
            s.connect(new InetSocketAddress(host, port), 5_000);
            s.setSoTimeout((int) readTimeout.toMillis());
            s.setTcpNoDelay(true);
            return new RawHttpClient(s);
        } catch (IOException e) {
            throw new UncheckedIOException("connect " + host + ":" + port, e);
        }
    }

    public static RawHttpClient connect(int port) {
        return connect("127.0.0.1", port, Duration.ofSeconds(15));
    }

    public Socket socket() {
        return socket;
    }

    /** Local port of the connection: the same before and after a run of requests means one connection. */
    public int localPort() {
        return socket.getLocalPort();
    }

    public RawHttpClient write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RawHttpClient write(String ascii) {
        return write(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Sends a request with a Content-Length body (no body when {@code body} is null). */
    public RawHttpClient sendRequest(String method, String target, String host, Map<String, String> headers, byte[] body) {
        StringBuilder head = requestHead(method, target, host, headers);
        if (body != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        write(head.toString());
        if (body != null) {
            write(body);
        }
        return this;
    }

    /** Sends a request whose body goes as {@code Transfer-Encoding: chunked}, one HTTP chunk per array. */
    public RawHttpClient sendChunkedRequest(String method, String target, String host, Map<String, String> headers,
                                            List<byte[]> chunks) {
        StringBuilder head = requestHead(method, target, host, headers);
        head.append("Transfer-Encoding: chunked\r\n\r\n");
        write(head.toString());
        for (byte[] c : chunks) {
            write(Integer.toHexString(c.length) + "\r\n");
            write(c);
            write("\r\n");
        }
        write("0\r\n\r\n");
        return this;
    }

    private static StringBuilder requestHead(String method, String target, String host, Map<String, String> headers) {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        head.append("Host: ").append(host).append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        return head;
    }

    /** Reads one response; {@code headRequest} says there is no body whatever the headers say. */
    public Response readResponse(boolean headRequest) {
        try {
            String statusLine = readLine();
            if (statusLine == null) {
                throw new IOException("connection closed before a response");
            }
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x status line: " + statusLine);
            }
            int status = Integer.parseInt(parts[1]);
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            String line;
            while ((line = readLine()) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                headers.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
            }
            String te = find(headers, "Transfer-Encoding");
            String cl = find(headers, "Content-Length");
            boolean chunked = te != null && te.toLowerCase(Locale.ROOT).contains("chunked");
            byte[] body;
            if (headRequest || status == 204 || status == 304 || status / 100 == 1) {
                body = new byte[0];
            } else if (chunked) {
                body = readChunked();
            } else if (cl != null) {
                body = readExactly(Integer.parseInt(cl));
            } else {
                body = in.readAllBytes();
            }
            return new Response(statusLine, status, headers, body, chunked);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Response readResponse() {
        return readResponse(false);
    }

    /** Sends a request with a Content-Length body and reads the response. */
    public Response exchange(String method, String target, String host, Map<String, String> headers, byte[] body) {
        sendRequest(method, target, host, headers, body);
        return readResponse("HEAD".equals(method));
    }

    private static String find(List<Map.Entry<String, String>> headers, String name) {
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                return h.getValue();
            }
        }
        return null;
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            if (sizeLine == null) {
                throw new IOException("connection closed inside a chunked body");
            }
            int semi = sizeLine.indexOf(';');
            int size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
            if (size == 0) {
                String trailer;
                while ((trailer = readLine()) != null && !trailer.isEmpty()) {
                    // trailers are ignored
                }
                return body.toByteArray();
            }
            body.write(readExactly(size));
            String crlf = readLine();
            if (crlf == null || !crlf.isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private byte[] readExactly(int n) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("connection closed after " + b.length + " of " + n + " body bytes");
        }
        return b;
    }

    private String readLine() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] b = line.toByteArray();
                int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                return new String(b, 0, len, StandardCharsets.ISO_8859_1);
            }
            line.write(c);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads and drops {@code bytes} raw bytes (head and body alike); fails if the connection ends first. */
    public RawHttpClient discard(long bytes) {
        try {
            byte[] chunk = new byte[64 * 1024];
            for (long left = bytes; left > 0; ) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, left));
                if (n < 0) {
                    throw new IOException("the connection ended " + left + " bytes short of " + bytes);
                }
                left -= n;
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the server has closed the connection (a read returns EOF at once). */
    public boolean isClosedByPeer(Duration wait) {
        try {
            socket.setSoTimeout((int) wait.toMillis());
            return in.read() < 0;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
