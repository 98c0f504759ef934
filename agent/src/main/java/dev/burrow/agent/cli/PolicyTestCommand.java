package dev.burrow.agent.cli;

import dev.burrow.policy.ConnectionFacts;
import dev.burrow.policy.PolicyExchange;
import dev.burrow.policy.PolicyRequest;
import dev.burrow.policy.PolicyResponse;
import dev.burrow.policy.TrafficPolicy;
import dev.burrow.policy.TrailEntry;
import dev.burrow.policy.Verdict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code burrow policy test FILE --request 'GET /admin' --header 'K: V' --client-ip 203.0.113.9}: runs the policy's
 * phases on one made-up connection and request (and, when the request goes through, on a made-up upstream response)
 * and prints the decision trail and what the client would get.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Show the rules matched, the actions run and the response a request would get.")
final class PolicyTestCommand implements Callable<Integer> {
    @ParentCommand
    PolicyCommand parent;

    @Parameters(paramLabel = "FILE", description = "The traffic policy file.")
    Path file;

    @Option(names = "--request", paramLabel = "'METHOD TARGET'", defaultValue = "GET /",
            description = "The request line, e.g. 'GET /admin?x=1' (default: ${DEFAULT-VALUE}).")
    String requestLine;

    @Option(names = "--header", paramLabel = "'NAME: VALUE'", description = "A request header; repeatable.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--client-ip", paramLabel = "IP", defaultValue = "192.0.2.1",
            description = "The client's address as the edge sees it (default: ${DEFAULT-VALUE}).")
    String clientIp;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "example.burrow.test",
            description = "The Host the request is for (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--scheme", defaultValue = "https", description = "http or https (default: ${DEFAULT-VALUE}).")
    String scheme;

    @Option(names = "--response-status", paramLabel = "CODE", defaultValue = "200",
            description = "The upstream's status, for on_http_response (default: ${DEFAULT-VALUE}).")
    int responseStatus;

    @Option(names = "--response-header", paramLabel = "'NAME: VALUE'",
            description = "An upstream response header, for on_http_response; repeatable.")
    List<String> responseHeaders = new ArrayList<>();

    @Override
    public Integer call() {
        PrintStream out = parent.cli.out();
        TrafficPolicy policy = PolicyCommand.compile(file, out, parent.cli.err());
        if (policy == null) {
            return BurrowCli.EXIT_FAILURE;
        }
        ConnectionFacts connection = new ConnectionFacts(clientIp, 50000, "https".equals(scheme) ? 443 : 80, null,
                new ConnectionFacts.EndpointFacts("offline", scheme + "://" + host, scheme));
        Verdict connect = policy.onTcpConnect(connection).result();
        if (connect instanceof Verdict.Close close) {
            out.println("on_tcp_connect: connection closed by " + close.action() + " (" + close.reason() + ")");
            return 0;
        }
        PolicyRequest request = request();
        PolicyExchange exchange = policy.newExchange(connection, request);
        Verdict verdict = exchange.onRequest().result();
        PolicyResponse response = null;
        if (verdict == Verdict.PROCEED) {
            response = new PolicyResponse(responseStatus, pairs(responseHeaders));
            verdict = exchange.onResponse(response);
        }
        printTrail(out, exchange.trail());
        if (response != null) {
            out.println("Forwarded to the upstream: " + request.method() + " " + request.target());
            request.headers().forEach(header -> out.println("  " + header.getKey() + ": " + header.getValue()));
        }
        if (verdict != Verdict.PROCEED) {
            printVerdict(out, verdict);
            return 0;
        }
        out.println("Response: " + response.status() + " from the upstream");
        response.headers().forEach(header -> out.println("  " + header.getKey() + ": " + header.getValue()));
        if (exchange.responseBodyEncoder() != null) {
            out.println("  (body compressed by the policy)");
        }
        return 0;
    }

    private PolicyRequest request() {
        String[] parts = requestLine.strip().split("\\s+", 2);
        if (parts.length != 2 || !parts[1].startsWith("/")) {
            throw new IllegalArgumentException("--request must read 'METHOD /path?query', not '" + requestLine + "'");
        }
        List<Map.Entry<String, String>> head = new ArrayList<>();
        head.add(Map.entry("Host", host));
        head.addAll(pairs(headers));
        int question = parts[1].indexOf('?');
        String path = question < 0 ? parts[1] : parts[1].substring(0, question);
        String query = question < 0 ? null : parts[1].substring(question + 1);
        long length = head.stream().filter(h -> h.getKey().equalsIgnoreCase("content-length")).findFirst()
                .map(h -> Long.parseLong(h.getValue().strip())).orElse(-1L);
        return new PolicyRequest(parts[0], scheme, host, path, query, head, length);
    }

    private static List<Map.Entry<String, String>> pairs(List<String> headers) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (String header : headers) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("a header reads 'Name: value', not '" + header + "'");
            }
            pairs.add(Map.entry(header.substring(0, colon).strip(), header.substring(colon + 1).strip()));
        }
        return pairs;
    }

    private static void printTrail(PrintStream out, List<TrailEntry> trail) {
        if (trail.isEmpty()) {
            out.println("No rule ran.");
        }
        for (TrailEntry entry : trail) {
            out.println(entry.phase() + ": rule " + entry.rule() + (entry.matched() ? " matched" : " did not match"));
            entry.actions().forEach(action -> out.println("    " + action));
        }
    }

    private static void printVerdict(PrintStream out, Verdict verdict) {
        if (verdict instanceof Verdict.Close close) {
            out.println("Connection closed by " + close.action() + " (" + close.reason() + ")");
        } else if (verdict instanceof Verdict.ForwardInternal forward) {
            out.println("Forwarded to the internal endpoint " + forward.url() + " (its own policy runs there)");
        } else if (verdict instanceof Verdict.Respond respond) {
            out.println("Response: " + respond.status() + " from the policy (" + respond.action() + ")");
            respond.headers().forEach(header -> out.println("  " + header.getKey() + ": " + header.getValue()));
            if (respond.body().length > 0) {
                out.println();
                out.println(new String(respond.body(), StandardCharsets.UTF_8).stripTrailing());
            }
        }
    }
}
