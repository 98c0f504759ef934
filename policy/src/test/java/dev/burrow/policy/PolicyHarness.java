package dev.burrow.policy;

import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Compiles policy documents and drives requests through them the way the edge does, synchronously. */
final class PolicyHarness {
    static final ConnectionFacts.EndpointFacts ENDPOINT =
            new ConnectionFacts.EndpointFacts("ep_test", "https://demo.localhost", "https");

    final List<Map<String, Object>> logged = new ArrayList<>();
    final InProcessRateLimitCounters counters = new InProcessRateLimitCounters(System::nanoTime);
    final PolicyEnvironment environment = PolicyEnvironment.of(null, counters, logged::add);

    TrafficPolicy compile(String yaml) throws PolicyException {
        return new PolicyCompiler(environment).compile(yaml, "policy.yml");
    }

    static PolicyException refusal(String yaml) {
        try {
            new PolicyCompiler(PolicyEnvironment.local(null)).compile(yaml, "policy.yml");
        } catch (PolicyException e) {
            return e;
        }
        throw new AssertionError("the policy compiled, but should have been refused:\n" + yaml);
    }

    static ConnectionFacts client(String ip) {
        return new ConnectionFacts(ip, 40000, 443, null, ENDPOINT);
    }

    static PolicyRequest request(String method, String target, String... headers) {
        List<Map.Entry<String, String>> head = new ArrayList<>();
        head.add(Map.entry("Host", "demo.localhost"));
        for (String header : headers) {
            int colon = header.indexOf(':');
            head.add(Map.entry(header.substring(0, colon).strip(), header.substring(colon + 1).strip()));
        }
        int question = target.indexOf('?');
        String path = question < 0 ? target : target.substring(0, question);
        String query = question < 0 ? null : target.substring(question + 1);
        return new PolicyRequest(method, "https", "demo.localhost", path, query, head, -1);
    }

    /** The request phase's verdict, which must be decided at once (all counters here are in-process). */
    static Verdict decide(PolicyExchange exchange) {
        Future<Verdict> verdict = exchange.onRequest();
        if (!verdict.isComplete()) {
            throw new AssertionError("the request phase did not decide at once");
        }
        if (verdict.failed()) {
            throw new AssertionError(verdict.cause());
        }
        return verdict.result();
    }

    Verdict decide(TrafficPolicy policy, String ip, PolicyRequest request) {
        return decide(policy.newExchange(client(ip), request));
    }

    static int status(Verdict verdict) {
        return verdict instanceof Verdict.Respond respond ? respond.status() : verdict == Verdict.PROCEED ? 0 : -1;
    }

    static String header(Verdict verdict, String name) {
        for (Map.Entry<String, String> header : ((Verdict.Respond) verdict).headers()) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    static String body(Verdict verdict) {
        return new String(((Verdict.Respond) verdict).body(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
