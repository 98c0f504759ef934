package dev.burrow.agent.cli;

import dev.burrow.agent.internal.HostPort;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** Reads one entry of {@code endpoints:} into an {@link EndpointConfig}, reporting problems with their lines. */
final class EndpointReader {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    private final Path path;
    private final List<ConfigProblem> problems;
    private boolean failed;

    EndpointReader(Path path, List<ConfigProblem> problems) {
        this.path = path;
        this.problems = problems;
    }

    /** {@code null} if the entry has a problem (already reported). */
    EndpointConfig read(YamlTree.Node node) {
        EndpointConfig address = readAddress(node);
        if (address == null || !(node instanceof YamlTree.Mapping entry)) {
            return address;
        }
        EndpointConfig endpoint = readTls(entry, address);
        if (endpoint == null || !entry.keyLines().containsKey("traffic_policy")) {
            return endpoint;
        }
        try {
            return endpoint.withTrafficPolicy(TrafficPolicyFile.fromConfig(path, java.nio.file.Files.readAllLines(path),
                    entry.keyLines().get("traffic_policy")).ofConfigEndpoint(path, endpoint.name()));
        } catch (java.io.IOException e) {
            problem(entry.keyLines().get("traffic_policy"), "cannot read the traffic_policy of endpoint \"" + endpoint.name() + "\": " + e.getMessage());
            return null;
        }
    }

    /**
     * The endpoint's TLS keys, as the command line's flags: {@code mutual_tls_cas} and {@code mutual_tls_crls} (HTTP
     * endpoints), {@code crt} and {@code key} (TLS endpoints the agent terminates), {@code upstream.tls_verify} and
     * {@code upstream.tls_verify_cas} (HTTP endpoints with an https upstream). Paths are relative to this file; the
     * files are read now.
     */
    private EndpointConfig readTls(YamlTree.Mapping entry, EndpointConfig endpoint) {
        String where = "endpoint \"" + endpoint.name() + "\"";
        boolean http = endpoint.proto().equals("http") || endpoint.proto().equals(dev.burrow.protocol.BindProtocols.HTTPS);
        boolean tls = endpoint.proto().equals(dev.burrow.protocol.BindProtocols.TLS);
        Path cas = path(entry, "mutual_tls_cas", where, http, "HTTP endpoints");
        Path crls = path(entry, "mutual_tls_crls", where, http, "HTTP endpoints");
        Path crt = path(entry, "crt", where, tls, "TLS endpoints (the agent terminates their TLS with it)");
        Path key = path(entry, "key", where, tls, "TLS endpoints (the agent terminates their TLS with it)");
        YamlTree.Mapping upstream = entry.entries().get("upstream") instanceof YamlTree.Mapping mapping ? mapping : null;
        Boolean verify = null;
        Path verifyCas = null;
        if (upstream != null) {
            verify = http || !upstream.entries().containsKey("tls_verify") ? bool(upstream, "tls_verify", where + " upstream")
                    : notFor(upstream, "tls_verify", where);
            verifyCas = path(upstream, "tls_verify_cas", where + " upstream", http, "HTTP endpoints");
        }
        if (failed) {
            return null;
        }
        int line = entry.line();
        try {
            if (verifyCas != null) {
                line = upstream.entries().get("tls_verify_cas").line();
                if (!java.nio.file.Files.isReadable(verifyCas)) {
                    throw new IllegalArgumentException("upstream.tls_verify_cas " + verifyCas + " is not a readable file");
                }
                if (Boolean.FALSE.equals(verify)) {
                    throw new IllegalArgumentException("upstream.tls_verify_cas has no effect with tls_verify: false; give one of them");
                }
            }
            line = entry.entries().containsKey("mutual_tls_crls") ? entry.entries().get("mutual_tls_crls").line()
                    : entry.entries().containsKey("mutual_tls_cas") ? entry.entries().get("mutual_tls_cas").line()
                    : entry.entries().containsKey("crt") ? entry.entries().get("crt").line()
                    : entry.entries().containsKey("key") ? entry.entries().get("key").line() : line;
            EndpointTls endpointTls = cas != null || crls != null ? EndpointTls.mutualTls(cas, "mutual_tls_cas", crls, "mutual_tls_crls")
                    : EndpointTls.termination(crt, key, "crt", "key");
            return endpoint.withTls(endpointTls, new dev.burrow.agent.forward.UpstreamTls(verify == null || verify, verifyCas));
        } catch (IllegalArgumentException e) {
            problem(line, where + ": " + e.getMessage());
            return null;
        }
    }

    /** The path a key of {@code mapping} names, relative to this file; null when absent or not for this endpoint (reported). */
    private Path path(YamlTree.Mapping mapping, String key, String where, boolean applies, String appliesTo) {
        String text = text(mapping, key, where + " " + key);
        if (text == null) {
            return null;
        }
        if (!applies) {
            problem(mapping.entries().get(key).line(), where + ": " + key + " applies to " + appliesTo + " only; delete it");
            return null;
        }
        return new ConfigValue(text, path, mapping.entries().get(key).line()).path();
    }

    private Boolean notFor(YamlTree.Mapping upstream, String key, String where) {
        problem(upstream.entries().get(key).line(), where + ": upstream." + key + " applies to HTTP endpoints only; delete it");
        return null;
    }

    private EndpointConfig readAddress(YamlTree.Node node) {
        if (!(node instanceof YamlTree.Mapping entry)) {
            problem(node.line(), "each endpoint must be a mapping with name, url and upstream (found " + node.kind() + ")");
            return null;
        }
        entry.keyLines().forEach((key, line) -> {
            if (!ConfigSchema.ENDPOINT.contains(key)) {
                unknown(key, line, "an endpoint", ConfigSchema.ENDPOINT);
            }
        });
        String name = text(entry, "name", "endpoint name");
        if (name == null) {
            if (!entry.entries().containsKey("name")) {
                problem(entry.line(), "endpoint without a name: add \"name: …\" (what `burrow start NAME` uses)");
            }
            return null;
        }
        String where = "endpoint \"" + name + "\"";
        if (!NAME.matcher(name).matches()) {
            problem(entry.entries().get("name").line(), where + ": a name is letters, digits, '.', '_' or '-' (at most 63)");
        }
        String url = text(entry, "url", where + " url");
        String upstreamUrl = null;
        String protocol = null;
        int upstreamLine = entry.line();
        YamlTree.Node upstream = entry.entries().get("upstream");
        if (upstream == null) {
            problem(entry.line(), where + " has no upstream: add \"upstream: {url: http://localhost:3000}\" (or a port)");
        } else if (upstream instanceof YamlTree.Scalar) {
            upstreamUrl = text(entry, "upstream", where + " upstream");
            upstreamLine = upstream.line();
        } else if (upstream instanceof YamlTree.Mapping mapping) {
            mapping.keyLines().forEach((key, line) -> {
                if (!ConfigSchema.UPSTREAM.contains(key)) {
                    unknown(key, line, where + " upstream", ConfigSchema.UPSTREAM);
                }
            });
            upstreamUrl = text(mapping, "url", where + " upstream.url");
            protocol = text(mapping, "protocol", where + " upstream.protocol");
            upstreamLine = mapping.entries().containsKey("url") ? mapping.entries().get("url").line() : mapping.line();
            if (upstreamUrl == null && !mapping.entries().containsKey("url")) {
                problem(mapping.line(), where + " upstream has no url: add \"url: http://localhost:3000\"");
            }
        } else {
            problem(upstream.line(), where + " upstream must be a URL or a mapping with url and protocol");
        }
        Boolean pooling = bool(entry, "pooling", where);
        Boolean inspect = bool(entry, "inspect", where);
        String binding = binding(entry, where);
        if (failed || upstreamUrl == null) {
            return null;
        }
        boolean tcp = url != null ? url.toLowerCase(Locale.ROOT).startsWith("tcp://")
                : upstreamUrl.toLowerCase(Locale.ROOT).startsWith("tcp://");
        boolean udp = url != null ? url.toLowerCase(Locale.ROOT).startsWith("udp://")
                : upstreamUrl.toLowerCase(Locale.ROOT).startsWith("udp://");
        boolean tls = url != null && url.toLowerCase(Locale.ROOT).startsWith("tls://");
        ConfigValue origin = new ConfigValue(name, path, entry.line());
        try {
            if ((tls || udp || tcp) && dev.burrow.protocol.Bindings.INTERNAL.equalsIgnoreCase(String.valueOf(binding))) {
                throw new IllegalArgumentException("only HTTP endpoints can have the internal binding");
            }
            if (tls) {
                if (protocol != null) {
                    throw new IllegalArgumentException("upstream.protocol applies to HTTP endpoints only; delete it");
                }
                HostPort target = UpstreamArgument.tcp(upstreamUrl);
                return new EndpointConfig(name, dev.burrow.protocol.BindProtocols.TLS, TlsCommand.hostname(url, "url"), 0,
                        URI.create("tcp://" + target), null, pooling, inspect, origin);
            }
            if (udp) {
                if (protocol != null) {
                    throw new IllegalArgumentException("upstream.protocol applies to HTTP endpoints only; delete it");
                }
                int port = url == null ? 0 : remotePort(url);
                HostPort target = UpstreamArgument.udp(upstreamUrl);
                return new EndpointConfig(name, "udp", null, port, URI.create("udp://" + target), null, pooling, inspect, origin);
            }
            if (tcp) {
                if (protocol != null) {
                    throw new IllegalArgumentException("upstream.protocol applies to HTTP endpoints only; delete it");
                }
                int port = url == null ? 0 : remotePort(url);
                HostPort target = UpstreamArgument.tcp(upstreamUrl);
                return new EndpointConfig(name, "tcp", null, port, URI.create("tcp://" + target), null, pooling, inspect, origin);
            }
            String upstreamProtocol = protocol == null ? "http1" : protocol.toLowerCase(Locale.ROOT);
            ConfigSchema.oneOf(upstreamProtocol, ConfigSchema.UPSTREAM_PROTOCOLS);
            String hostname = url == null ? null : HttpCommand.hostname(url, "url");
            String mismatch = dev.burrow.protocol.Bindings.mismatch(binding, hostname);
            if (mismatch != null) {
                throw new IllegalArgumentException("bindings: " + mismatch);
            }
            return new EndpointConfig(name, HttpCommand.proto(url), hostname, 0, UpstreamArgument.http(upstreamUrl), upstreamProtocol,
                    pooling, inspect, origin);
        } catch (IllegalArgumentException e) {
            problem(upstreamLine, where + ": " + e.getMessage());
            return null;
        }
    }

    /** The port of a {@code tcp://} or {@code udp://} url (both schemes are six characters). */
    private static int remotePort(String url) {
        String rest = url.substring("tcp://".length());
        int colon = rest.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("url \"" + url + "\" needs a port, e.g. " + url.substring(0, 6)
                    + ":20001 (or leave url out for any port)");
        }
        String port = rest.substring(colon + 1);
        return port.equals("0") ? 0 : HostPort.parsePort(port, "url", url);
    }

    /** ngrok's {@code bindings: [internal]} (one binding; a single value is read too), or null when absent. */
    private String binding(YamlTree.Mapping entry, String where) {
        YamlTree.Node node = entry.entries().get("bindings");
        if (node instanceof YamlTree.Sequence list && list.items().size() == 1 && list.items().get(0) instanceof YamlTree.Scalar one) {
            return one.text();
        }
        if (node == null || node instanceof YamlTree.Scalar) {
            return text(entry, "bindings", where + " bindings");
        }
        problem(node.line(), where + " bindings must name one binding: [public] or [internal]");
        return null;
    }

    private Boolean bool(YamlTree.Mapping entry, String key, String where) {
        String text = text(entry, key, where + " " + key);
        if (text == null) {
            return null;
        }
        try {
            return ConfigSchema.bool(text);
        } catch (IllegalArgumentException e) {
            problem(entry.entries().get(key).line(), where + " " + key + ": " + e.getMessage());
            return null;
        }
    }

    private String text(YamlTree.Mapping mapping, String key, String what) {
        YamlTree.Node node = mapping.entries().get(key);
        if (node == null) {
            return null;
        }
        if (node instanceof YamlTree.Scalar s && s.text() != null) {
            return s.text();
        }
        problem(node.line(), what + " must be a single value, not " + node.kind());
        return null;
    }

    private void unknown(String key, int line, String where, Set<String> known) {
        String guess = ConfigSchema.suggestion(key, known);
        problem(line, "unknown key \"" + key + "\" in " + where + (guess != null ? "; did you mean \"" + guess + "\"?" : "")
                + " (known: " + String.join(", ", new TreeSet<>(known)) + ")");
    }

    private void problem(int line, String message) {
        failed = true;
        problems.add(new ConfigProblem(path, line, message));
    }
}
