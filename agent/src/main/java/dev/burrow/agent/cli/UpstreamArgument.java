package dev.burrow.agent.cli;

import dev.burrow.agent.forward.HttpUpstream;
import dev.burrow.agent.internal.HostPort;

import java.net.URI;
import java.net.URISyntaxException;

/** Parses the upstream argument of {@code burrow http} and {@code burrow tcp}: "8080", "host:8080" or a URL. */
final class UpstreamArgument {
    static final String DEFAULT_HOST = "localhost";

    private UpstreamArgument() {
    }

    /** "8080" → http://localhost:8080, "host:8080" → http://host:8080, "https://host:8443" as given. */
    static URI http(String text) {
        String value = text == null ? "" : text.trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("no upstream given (expected a port, host:port or URL)");
        }
        URI uri;
        if (value.contains("://")) {
            try {
                uri = new URI(value);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("invalid upstream \"" + text + "\": " + e.getReason());
            }
            if (uri.getHost() == null && uri.getAuthority() != null) {
                String port = uri.getAuthority().substring(uri.getAuthority().lastIndexOf(':') + 1);
                HostPort.parsePort(port, "upstream", text);
            }
        } else {
            HostPort address = tcp(value, text);
            uri = URI.create("http://" + address);
        }
        return HttpUpstream.of(uri).uri();
    }

    /** "22" → localhost:22, "host:22" as given. */
    static HostPort tcp(String text) {
        String value = text == null ? "" : text.trim();
        if (value.isEmpty()) {
            throw new IllegalArgumentException("no upstream given (expected a port or host:port)");
        }
        if (value.contains("://")) {
            URI uri = URI.create(value);
            if (!"tcp".equalsIgnoreCase(uri.getScheme())) {
                throw new IllegalArgumentException("invalid upstream \"" + text + "\": a TCP upstream is host:port");
            }
            value = uri.getAuthority();
        }
        return tcp(value, text);
    }

    /** "53" → localhost:53, "host:53" or "udp://host:53" as given. */
    static HostPort udp(String text) {
        String value = text == null ? "" : text.trim();
        if (value.toLowerCase(java.util.Locale.ROOT).startsWith("udp://")) {
            value = value.substring("udp://".length());
        } else if (value.contains("://")) {
            throw new IllegalArgumentException("invalid upstream \"" + text + "\": a UDP upstream is host:port");
        }
        if (value.isEmpty()) {
            throw new IllegalArgumentException("no upstream given (expected a port or host:port)");
        }
        return tcp(value, text);
    }

    private static HostPort tcp(String value, String original) {
        if (value.chars().allMatch(Character::isDigit)) {
            return new HostPort(DEFAULT_HOST, HostPort.parsePort(value, "upstream", original));
        }
        return HostPort.parse(value, "upstream");
    }
}
