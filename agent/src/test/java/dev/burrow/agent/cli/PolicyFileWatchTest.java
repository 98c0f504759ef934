package dev.burrow.agent.cli;

import dev.burrow.agent.BurrowException;
import dev.burrow.agent.Endpoint;
import dev.burrow.agent.console.LogEvent;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A {@code --traffic-policy-file} edited while the endpoint runs: the new text is sent once, a text the edge refuses is
 * logged with the file's line and not sent again, and an unchanged file sends nothing.
 */
class PolicyFileWatchTest {
    private static final long BOUND_MILLIS = 10_000;
    private final Vertx vertx = Vertx.vertx();
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final List<LogEvent> logged = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** An endpoint whose edge refuses any document containing "teleport", as one that does not compile at line 3. */
    private Endpoint endpoint() {
        return new Endpoint() {
            @Override
            public Future<Void> updateTrafficPolicy(String document) {
                sent.add(document);
                return document.contains("teleport")
                        ? Future.failedFuture(new BurrowException(BurrowException.Reason.POLICY_REFUSED, ErrorCode.INVALID_TRAFFIC_POLICY,
                        "traffic_policy:3:15: action 'teleport' is not supported by Burrow", null))
                        : Future.succeededFuture();
            }

            @Override public String proto() { return "http"; }
            @Override public String publicUrl() { return "http://watched.localhost"; }
            @Override public String id() { return "ep1"; }
            @Override public Future<Void> close() { return Future.succeededFuture(); }
            @Override public Future<Void> closed() { return Future.succeededFuture(); }
        };
    }

    @Test
    void anEditIsSentOnceAndARefusedOneIsLoggedWithTheFilesLineAndNotResent(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("policy.yml"), "on_http_request: []\n");
        PolicyFileWatch watch = PolicyFileWatch.start(vertx, TrafficPolicyFile.read(file), endpoint(), logged::add);
        try {
            Thread.sleep(PolicyFileWatch.INTERVAL.toMillis() * 2 + 200);
            assertEquals(List.of(), sent, "an unchanged file sends nothing");

            String deny = "on_http_request:\n  - actions:\n      - type: deny\n";
            Files.writeString(file, deny);
            await(() -> sent.size() == 1, "the edit was not sent");
            assertEquals(deny, sent.get(0));

            Files.writeString(file, "on_http_request:\n  - actions:\n      - type: teleport\n");
            await(() -> logged.stream().anyMatch(e -> e.line().contains("NOT changed")), "no log line for the refused edit");
            LogEvent refusal = logged.stream().filter(e -> e.line().contains("NOT changed")).findFirst().orElseThrow();
            assertEquals(LogEvent.Level.WARN, refusal.level());
            assertTrue(refusal.line().contains(file + ":3:15: action 'teleport'"), refusal.line());
            Thread.sleep(PolicyFileWatch.INTERVAL.toMillis() * 2 + 200);
            assertEquals(2, sent.size(), "a refused text is not sent again until the file changes: " + sent);
        } finally {
            watch.stop();
        }
    }

    private static void await(BooleanSupplier condition, String failure) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOUND_MILLIS);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(condition.getAsBoolean(), failure);
    }
}
