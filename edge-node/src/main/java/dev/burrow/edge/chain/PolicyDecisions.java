package dev.burrow.edge.chain;

import dev.burrow.edge.registry.Endpoint;
import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.TrailEntry;
import dev.burrow.policy.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the traffic policies decided, made visible: Prometheus counters of rule matches (by layer and phase) and of
 * actions (by type and outcome: {@code continued}, {@code terminated}, {@code failed}), one access-log line per
 * exchange and per refused or non-HTTP connection of an endpoint under a policy (logger {@code burrow.access}, with
 * the decision: the rule and action that ended it, or {@code none}), and the refusals handed to {@link RefusalNotices}
 * so that the agent's inspector lists requests that never reached it. Called on event loops; never blocks.
 */
public final class PolicyDecisions {
    private static final Logger ACCESS = LoggerFactory.getLogger("burrow.access");
    public static final String NONE = "none";

    private final MeterRegistry metrics;
    private final RefusalNotices notices;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public PolicyDecisions(MeterRegistry metrics, RefusalNotices notices) {
        this.metrics = metrics;
        this.notices = notices;
    }

    /** Counts into a registry nobody reads and tells no agent (unit tests). */
    public static PolicyDecisions unobserved() {
        return new PolicyDecisions(new SimpleMeterRegistry(), RefusalNotices.NONE);
    }

    /** One layer's run of one phase: {@code entries} are the rules it evaluated, {@code verdict} what it decided. */
    void phaseRan(String layer, List<TrailEntry> entries, Verdict verdict) {
        int lastMatched = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).matched()) {
                lastMatched = i;
                counter("burrow_policy_rule_matches", "layer", layer, "phase", entries.get(i).phase()).increment();
            }
        }
        for (int i = 0; i <= lastMatched; i++) {
            List<String> actions = entries.get(i).actions();
            if (!entries.get(i).matched()) {
                continue;
            }
            for (int a = 0; a < actions.size(); a++) {
                String type = actionType(actions.get(a));
                String outcome = actions.get(a).startsWith(type + ": failed: ") ? "failed"
                        : i == lastMatched && a == actions.size() - 1 && !Chains.proceeds(verdict) ? "terminated" : "continued";
                counter("burrow_policy_actions", "action", type, "outcome", outcome).increment();
            }
        }
    }

    /** A connection's {@code on_tcp_connect} ran through every layer. */
    void connected(Endpoint endpoint, ConnectionFacts connection, List<TrailEntry> trail, Verdict verdict) {
        boolean refused = !Chains.proceeds(verdict);
        if (refused || !"http".equals(connection.endpoint().protocol())) {
            ACCESS.info("{} {} client={} connect {} decision={}", connection.endpoint().protocol(), endpoint.id(),
                    connection.clientIp(), refused ? "closed" : "accepted", quoted(decision(trail, verdict)));
        }
    }

    /** The request phase answered or closed: nothing reached the agent. */
    void refused(Endpoint endpoint, ConnectionFacts connection, PolicyRequest request, Verdict verdict, List<TrailEntry> trail) {
        int status = verdict instanceof Verdict.Respond respond ? respond.status() : 0;
        String decision = decision(trail, verdict);
        logExchange(endpoint, connection, request, status, decision);
        notices.refused(endpoint, connection, request, status, decision, trail);
    }

    /** The agent answered and the response phase ran through every layer. */
    void answered(Endpoint endpoint, ConnectionFacts connection, PolicyRequest request, int status, Verdict verdict,
                  List<TrailEntry> trail) {
        int shown = verdict instanceof Verdict.Respond respond ? respond.status() : Chains.proceeds(verdict) ? status : 0;
        logExchange(endpoint, connection, request, shown, decision(trail, verdict));
    }

    private static void logExchange(Endpoint endpoint, ConnectionFacts connection, PolicyRequest request, int status,
                                    String decision) {
        ACCESS.info("http {} client={} \"{} {}\" status={} decision={}", endpoint.id(), connection.clientIp(),
                request.method(), request.target(), status == 0 ? "closed" : status, quoted(decision));
    }

    /** {@code LAYER: RULE (ACTION)} of the rule whose action ended the phase, or {@link #NONE}. */
    static String decision(List<TrailEntry> trail, Verdict verdict) {
        if (Chains.proceeds(verdict)) {
            return NONE;
        }
        String action = verdict instanceof Verdict.Respond respond ? respond.action()
                : verdict instanceof Verdict.Close close ? close.action()
                : verdict instanceof Verdict.ForwardInternal forward ? forward.action() : "?";
        for (int i = trail.size() - 1; i >= 0; i--) {
            if (trail.get(i).matched()) {
                return trail.get(i).rule() + " (" + action + ")";
            }
        }
        return "(" + action + ")";
    }

    private static String quoted(String decision) {
        return NONE.equals(decision) ? decision : "\"" + decision.replace("\"", "'") + "\"";
    }

    /** The action's type: the trail line starts with it ({@code "restrict-ips: refused ... -> 403"}). */
    static String actionType(String line) {
        int end = 0;
        while (end < line.length() && line.charAt(end) != ':' && line.charAt(end) != ' ') {
            end++;
        }
        return line.substring(0, end);
    }

    private Counter counter(String name, String k1, String v1, String k2, String v2) {
        return counters.computeIfAbsent(name + '|' + v1 + '|' + v2, key -> Counter.builder(name).tags(k1, v1, k2, v2)
                .description(name.contains("rule") ? "traffic-policy rules that matched" : "traffic-policy actions run, by outcome")
                .register(metrics));
    }
}
