package dev.burrow.policy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.burrow.policy.fetch.TestGuards;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The edge CPU one jwt-validation adds to a request once its JWKS is cached: a new exchange whose request phase parses,
 * verifies (RS256 or ES256) and checks the claims of one bearer token. Run by hand, as {@link PolicyEvaluationBenchmark}
 * ({@code org.openjdk.jmh.Main JwtValidationBenchmark}, or {@code main} for thread CPU time per validation).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JwtValidationBenchmark {
    @Param({"RS256", "ES256"})
    public String algorithm;

    private Vertx vertx;
    private TrafficPolicy policy;
    private ConnectionFacts connection;
    private List<Map.Entry<String, String>> headers;
    private List<List<Map.Entry<String, String>>> distinctTokens;
    private int next;

    @Setup
    public void setUp() throws Exception {
        JWK key = algorithm.equals("RS256") ? new RSAKeyGenerator(2048).keyID("k").generate()
                : new ECKeyGenerator(Curve.P_256).keyID("k").generate();
        JWSSigner signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
        String token = sign(signer, "alice");
        distinctTokens = new java.util.ArrayList<>();
        for (int i = 0; i < DISTINCT; i++) {
            distinctTokens.add(List.of(Map.entry("Host", "bench.example"), Map.entry("Authorization", "Bearer "
                    + sign(signer, "user-" + i))));
        }
        String jwks = new JWKSet(key.toPublicJWK()).toString();
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> request.response().end(jwks))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        policy = new PolicyCompiler(PolicyEnvironment.local(vertx).withFetchGuard(TestGuards.LOOPBACK_ALLOWED)).compile("""
                on_http_request:
                  - actions:
                      - type: jwt-validation
                        config:
                          issuer: {allow_list: [{value: "https://issuer.example/"}]}
                          audience: {allow_list: [{value: api}]}
                          http: {tokens: [{type: access_token, method: header, name: Authorization, prefix: "Bearer "}]}
                          jws: {allowed_algorithms: [RS256, ES256], keys: {sources: {additional_jkus: ["http://127.0.0.1:%d/"]}}}
                """.formatted(server.actualPort()), "bench.yml");
        connection = new ConnectionFacts("192.0.2.10", 50000, 443, null,
                new ConnectionFacts.EndpointFacts("ep_bench", "https://bench.example", "https"));
        headers = List.of(Map.entry("Host", "bench.example"), Map.entry("Authorization", "Bearer " + token));
        Verdict first = validate().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        if (first != Verdict.PROCEED) {
            throw new IllegalStateException("the benchmark's token was refused: " + first);
        }
    }

    /** More tokens than the verified-signature cache holds, so cycling through them always checks the signature. */
    static final int DISTINCT = 5_000;

    private String sign(JWSSigner signer, String subject) throws Exception {
        SignedJWT token = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.parse(algorithm)).keyID("k").build(),
                new JWTClaimsSet.Builder().issuer("https://issuer.example/").audience("api").subject(subject)
                        .expirationTime(Date.from(Instant.now().plusSeconds(3600))).build());
        token.sign(signer);
        return token.serialize();
    }

    private io.vertx.core.Future<Verdict> validate() {
        return validate(headers);
    }

    private io.vertx.core.Future<Verdict> validate(List<Map.Entry<String, String>> head) {
        PolicyRequest request = new PolicyRequest("GET", "https", "bench.example", "/api", null, head, -1);
        return policy.newExchange(connection, request).onRequest();
    }

    /** The same token again, as a client sends it request after request. */
    @Benchmark
    public Verdict cachedKey() {
        return validate().result();
    }

    /** A token not seen lately: the signature is checked. */
    @Benchmark
    public Verdict cachedKeyNewToken() {
        next = (next + 1) % DISTINCT;
        return validate(distinctTokens.get(next)).result();
    }

    @TearDown
    public void tearDown() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void measure(java.lang.management.ThreadMXBean threads, String what,
                                java.util.function.Supplier<Verdict> validation, int perRound) {
        int rounds = 30;
        long[] nanosPerOp = new long[rounds];
        for (int warm = 0; warm < 5 * perRound; warm++) {
            validation.get();
        }
        for (int round = 0; round < rounds; round++) {
            long start = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < perRound; i++) {
                if (validation.get() != Verdict.PROCEED) {
                    throw new IllegalStateException("refused during the benchmark");
                }
            }
            nanosPerOp[round] = (threads.getCurrentThreadCpuTime() - start) / perRound;
        }
        java.util.Arrays.sort(nanosPerOp);
        System.out.printf("%s, CPU time per validation: median %.2f us, best %.2f us, worst %.2f us%n",
                what, nanosPerOp[rounds / 2] / 1000.0, nanosPerOp[0] / 1000.0, nanosPerOp[rounds - 1] / 1000.0);
    }

    public static void main(String[] args) throws Exception {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        for (String algorithm : List.of("RS256", "ES256")) {
            JwtValidationBenchmark bench = new JwtValidationBenchmark();
            bench.algorithm = algorithm;
            bench.setUp();
            measure(threads, algorithm + ", cached key, same token", bench::cachedKey, 2_000);
            measure(threads, algorithm + ", cached key, new token", bench::cachedKeyNewToken, 200);
            bench.tearDown();
        }
    }
}
