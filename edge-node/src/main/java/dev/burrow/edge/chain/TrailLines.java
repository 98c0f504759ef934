package dev.burrow.edge.chain;

import dev.burrow.policy.PolicyExchange;
import dev.burrow.policy.TrailEntry;

import java.util.ArrayList;
import java.util.List;

/**
 * The decision trail as the agent's inspector shows it: one line per rule evaluated,
 * {@code on_http_request: tenant policy: office only: matched: restrict-ips: allowed 127.0.0.1}.
 */
public final class TrailLines {
    /** Longer lines are cut: a trail is for reading, and it travels in the stream's OPEN. */
    static final int MAX_LINE_CHARS = 400;

    private TrailLines() {
    }

    /** The exchange's trail so far; empty without a policy. */
    public static List<String> of(PolicyExchange exchange) {
        return exchange == null ? List.of() : of(exchange.trail());
    }

    public static List<String> of(List<TrailEntry> trail) {
        if (trail.isEmpty()) {
            return List.of();
        }
        List<String> lines = new ArrayList<>(trail.size());
        for (TrailEntry entry : trail) {
            StringBuilder line = new StringBuilder(entry.phase()).append(": ").append(entry.rule())
                    .append(entry.matched() ? ": matched" : ": not matched");
            for (String action : entry.actions()) {
                line.append(entry.matched() ? "; " : " (").append(action).append(entry.matched() ? "" : ")");
            }
            lines.add(line.length() <= MAX_LINE_CHARS ? line.toString() : line.substring(0, MAX_LINE_CHARS - 1) + "…");
        }
        return lines;
    }
}
