package dev.burrow.policy;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The edge CPU a five-rule policy (restrict-ips, basic-auth, add-headers, rate-limit, url-rewrite) adds to one
 * request: a new exchange and its request phase, everything allowed (the costliest path: every action runs). Run by
 * hand, not in the build:
 * <pre>
 * mvn -B -q -pl policy -am test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/policy.cp
 * java -cp policy/target/test-classes:policy/target/classes:$(cat /tmp/policy.cp) org.openjdk.jmh.Main PolicyEvaluationBenchmark
 * java -cp ...same... dev.burrow.policy.PolicyEvaluationBenchmark
 * </pre>
 * On a machine others are loading, wall-clock figures mostly measure the scheduler; {@link #main} measures the
 * thread's CPU time per evaluation instead (median and best of 40 rounds of 20 000), which preemption does not inflate.
 */
@State(Scope.Thread)
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PolicyEvaluationBenchmark {
    static final String FIVE_RULES = """
            on_http_request:
              - name: office and partners
                actions:
                  - type: restrict-ips
                    config: {allow: [10.0.0.0/8, 192.0.2.0/24, "2001:db8::/32"], deny: [192.0.2.66/32]}
              - name: staff only under /admin
                expressions: ["req.url.path.startsWith('/admin')"]
                actions:
                  - type: basic-auth
                    config: {realm: admin, credentials: ["alice:correct horse", "bob:battery staple"]}
              - name: tell the upstream who
                actions:
                  - type: add-headers
                    config: {headers: {x-client-ip: "${conn.client_ip}", x-policy: five-rules}}
              - name: per-client limit
                actions:
                  - type: rate-limit
                    config: {name: per client, algorithm: sliding_window, capacity: 2000000000, rate: 60s,
                             bucket_key: [conn.client_ip]}
              - name: old paths
                actions:
                  - type: url-rewrite
                    config: {from: "/admin/v1/(.*)", to: "/admin/v2/$1"}
            """;

    private TrafficPolicy policy;
    private ConnectionFacts connection;
    private List<Map.Entry<String, String>> headers;

    @Setup
    public void compile() throws PolicyException {
        policy = new PolicyCompiler(PolicyEnvironment.local(null)).compile(FIVE_RULES, "bench.yml");
        connection = new ConnectionFacts("192.0.2.10", 50000, 443, null,
                new ConnectionFacts.EndpointFacts("ep_bench", "https://bench.example", "https"));
        String credentials = Base64.getEncoder().encodeToString("alice:correct horse".getBytes(StandardCharsets.UTF_8));
        headers = List.of(Map.entry("Host", "bench.example"), Map.entry("User-Agent", "curl/8.5.0"),
                Map.entry("Accept", "*/*"), Map.entry("Authorization", "Basic " + credentials));
    }

    @Benchmark
    public void fiveRulesAllowed(Blackhole sink) {
        PolicyRequest request = new PolicyRequest("GET", "https", "bench.example", "/admin/v1/users", "page=2",
                headers, -1);
        PolicyExchange exchange = policy.newExchange(connection, request);
        sink.consume(exchange.onRequest().result());
        sink.consume(request.path());
    }

    public static void main(String[] args) throws PolicyException {
        PolicyEvaluationBenchmark bench = new PolicyEvaluationBenchmark();
        bench.compile();
        Blackhole sink = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        int rounds = 40;
        int perRound = 20_000;
        long[] nanosPerOp = new long[rounds];
        for (int warm = 0; warm < 10 * perRound; warm++) {
            bench.fiveRulesAllowed(sink);
        }
        for (int round = 0; round < rounds; round++) {
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < perRound; i++) {
                bench.fiveRulesAllowed(sink);
            }
            nanosPerOp[round] = (threads.getCurrentThreadCpuTime() - start) / perRound;
        }
        java.util.Arrays.sort(nanosPerOp);
        System.out.printf("five rules, CPU time per evaluation: median %.2f us, best %.2f us, worst %.2f us%n",
                nanosPerOp[rounds / 2] / 1000.0, nanosPerOp[0] / 1000.0, nanosPerOp[rounds - 1] / 1000.0);
    }

    @Benchmark
    public void noPolicy(Blackhole sink) {
        PolicyRequest request = new PolicyRequest("GET", "https", "bench.example", "/admin/v1/users", "page=2",
                headers, -1);
        PolicyExchange exchange = TrafficPolicy.none().newExchange(connection, request);
        sink.consume(exchange.onRequest().result());
    }
}
