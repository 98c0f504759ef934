package dev.burrow.agent.cli;

import dev.burrow.agent.BurrowException;
import dev.burrow.protocol.ErrorCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * An endpoint's traffic policy document and where it came from ({@code --traffic-policy-file}, or a config file's
 * {@code traffic_policy:}), so that the edge's compile errors, which name the bind's document, point at that place.
 */
record TrafficPolicyFile(String document, String source, int lineOffset, int columnOffset, Path watched,
                         String configEndpoint, PolicyRules rulesFirst) {
    static final TrafficPolicyFile NONE = new TrafficPolicyFile(null, null, 0, 0);

    TrafficPolicyFile(String document, String source, int lineOffset, int columnOffset) {
        this(document, source, lineOffset, columnOffset, null, null, PolicyRules.NONE);
    }
    private static final java.util.regex.Pattern POSITION = java.util.regex.Pattern.compile("^(\\d+):(\\d+): (.*)$", java.util.regex.Pattern.DOTALL);
    /** How the edge names a bind's policy document in its errors. */
    private static final String EDGE_SOURCE = "traffic_policy:";

    /** Reads {@code --traffic-policy-file}; null gives {@link #NONE}. */
    static TrafficPolicyFile read(Path file) {
        if (file == null) {
            return NONE;
        }
        try {
            return new TrafficPolicyFile(Files.readString(file), file.toString(), 0, 0, file, null, PolicyRules.NONE);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --traffic-policy-file " + file + ": " + e.getMessage());
        }
    }

    /**
     * The {@code traffic_policy:} of a config file's endpoint whose key is on {@code keyLine} (1-based): the block
     * indented under it (ngrok's v3 shape, a mapping), or the text of a {@code |} block, or an inline value (JSON),
     * sent as written, so that the edge's line and column map back onto the file.
     */
    static TrafficPolicyFile fromConfig(Path file, java.util.List<String> lines, int keyLine) {
        String keyText = lines.get(keyLine - 1);
        int keyIndent = indent(keyText);
        String inline = keyText.substring(keyText.indexOf(':') + 1).trim();
        if (!inline.isEmpty() && !inline.startsWith("|") && !inline.startsWith(">") && !inline.startsWith("#")) {
            return new TrafficPolicyFile(inline, file.toString(), keyLine - 1, keyText.indexOf(inline));
        }
        int end = keyLine;
        int dedent = Integer.MAX_VALUE;
        while (end < lines.size() && (lines.get(end).isBlank() || indent(lines.get(end)) > keyIndent)) {
            if (!lines.get(end).isBlank()) {
                dedent = Math.min(dedent, indent(lines.get(end)));
            }
            end++;
        }
        if (dedent == Integer.MAX_VALUE) {
            return NONE;
        }
        StringBuilder document = new StringBuilder();
        for (int i = keyLine; i < end; i++) {
            String line = lines.get(i);
            document.append(line.isBlank() ? "" : line.substring(dedent)).append('\n');
        }
        return new TrafficPolicyFile(document.toString(), file.toString(), keyLine, dedent);
    }

    /** As read from a config file's endpoint {@code name}, so that a changed file can be read again. */
    TrafficPolicyFile ofConfigEndpoint(Path configFile, String name) {
        return new TrafficPolicyFile(document, source, lineOffset, columnOffset, configFile, name, rulesFirst);
    }

    /** With rules (from the older flags) that run before the document's own, in each phase. */
    TrafficPolicyFile withRulesFirst(PolicyRules rules) {
        return new TrafficPolicyFile(document, source, lineOffset, columnOffset, watched, configEndpoint, rules);
    }

    /** A policy that does not compile, refused in the agent before it is sent; the message reads {@code file:line:col: what}. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** The file this policy comes from, to watch for changes; null for none. */
    Path watchedFile() {
        return watched;
    }

    /**
     * The file read again (blocking): the policy file, or the config file's endpoint; the rules first stay. Throws
     * IllegalArgumentException with a sentence when the file cannot be read or no longer defines the endpoint.
     */
    TrafficPolicyFile reread() {
        TrafficPolicyFile fresh;
        if (configEndpoint == null) {
            fresh = read(watched);
        } else {
            EndpointConfig endpoint = ConfigFile.load(watched, true).endpoints().get(configEndpoint);
            if (endpoint == null) {
                throw new IllegalArgumentException(watched + " no longer defines endpoint \"" + configEndpoint + "\"");
            }
            fresh = endpoint.trafficPolicy().ofConfigEndpoint(watched, configEndpoint);
        }
        return fresh.withRulesFirst(rulesFirst);
    }

    /**
     * The document the edge gets: the rules first, then the document's own, in each phase (ngrok's order for its older
     * flags). Without rules first it is the document as written, so the edge's positions map onto the file; with them the
     * document is compiled here first, so that its mistakes still read {@code file:line:col} ({@link Refused}).
     */
    String sent() {
        if (rulesFirst.isEmpty()) {
            return document;
        }
        if (document != null) {
            try {
                PolicyCheck.compile(document, EDGE_SOURCE.substring(0, EDGE_SOURCE.length() - 1));
            } catch (dev.burrow.policy.PolicyException e) {
                throw new Refused(source + ":" + position(e.getMessage().substring(EDGE_SOURCE.length())));
            }
        }
        String merged = rulesFirst.before(document);
        try {
            PolicyCheck.compile(merged, "flags");
        } catch (dev.burrow.policy.PolicyException e) {
            throw new Refused("the rules made of the policy flags do not compile: " + e.problem());
        }
        return merged;
    }

    private static int indent(String line) {
        int spaces = 0;
        while (spaces < line.length() && line.charAt(spaces) == ' ') {
            spaces++;
        }
        return spaces;
    }

    /** The edge's refusal of the policy, naming this file instead of the bind (the line and column are the file's). */
    Throwable named(Throwable failure) {
        if (source != null && failure instanceof BurrowException e && e.edgeCode() == ErrorCode.INVALID_TRAFFIC_POLICY
                && e.getMessage() != null && e.getMessage().startsWith(EDGE_SOURCE)) {
            return new BurrowException(e.reason(), e.edgeCode(), source + ":" + position(e.getMessage().substring(EDGE_SOURCE.length())), e);
        }
        return failure;
    }

    /** {@code line:col: what} of the document, as the file's line and column (a position of 0 stays unknown). */
    String position(String edgePosition) {
        java.util.regex.Matcher matcher = POSITION.matcher(edgePosition);
        if (!matcher.matches() || (lineOffset == 0 && columnOffset == 0)) {
            return edgePosition;
        }
        int line = Integer.parseInt(matcher.group(1));
        int column = Integer.parseInt(matcher.group(2));
        return (line == 0 ? 0 : line + lineOffset) + ":" + (column == 0 ? 0 : column + columnOffset) + ": " + matcher.group(3);
    }
}
