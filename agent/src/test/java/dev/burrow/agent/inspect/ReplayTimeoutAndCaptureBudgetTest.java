package dev.burrow.agent.inspect;

import dev.burrow.agent.ExchangeObserver;
import dev.burrow.agent.forward.HttpUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The inspector's bounds: a replay to an upstream that never answers is stored as failed after the replay timeout
 * (review M7), and the bytes all exchanges in flight capture share one budget (review L6).
 */
class ReplayTimeoutAndCaptureBudgetTest {
    private Vertx vertx;
    private NetServer silent;
    private final List<NetSocket> accepted = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        // Accepts, reads the request, never answers.
        silent = vertx.createNetServer().connectHandler(socket -> {
            accepted.add(socket);
            socket.handler(bytes -> { });
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        silent.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aReplayWhoseUpstreamNeverAnswersIsStoredAsTimedOut() throws Exception {
        Inspector inspector = new Inspector(vertx, 10, 1_000, new CaptureBudget(CaptureBudget.DEFAULT_BYTES), Duration.ofMillis(500));
        ExchangeObserver observer = inspector.observe("web", HttpUpstream.of(URI.create("http://127.0.0.1:" + silent.actualPort())));
        ExchangeObserver.Exchange original = observer.begin("1.2.3.4:5", "GET", "/slow", List.of(Map.entry("Host", "x.example.com")));
        original.response(200, "OK", List.of());
        original.end();
        String id = inspector.store().list(1, null).get(0).id();

        long started = System.nanoTime();
        inspector.replay(new ReplayRequest(id, null, null, null, null, null))
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        CapturedExchange replay = inspector.store().list(1, null).get(0);
        assertEquals(id, replay.replayOf());
        assertNotNull(replay.error(), "the replay was not marked failed");
        assertTrue(replay.error().contains("replay timeout"), replay.error());
        assertTrue(tookMs >= 400 && tookMs < 9_000, "timed out after " + tookMs + " ms");
        assertEquals(1, accepted.size(), "the replay reached the upstream");
        inspector.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void exchangesInFlightShareOneCaptureBudget() {
        CaptureBudget budget = new CaptureBudget(150);
        ExchangeStore store = new ExchangeStore(10);
        CapturingObserver observer = new CapturingObserver(store, "web", 100, budget);
        ExchangeObserver.Exchange first = observer.begin("c", "POST", "/a", List.of());
        ExchangeObserver.Exchange second = observer.begin("c", "POST", "/b", List.of());
        first.requestBody(Buffer.buffer(new byte[120]));
        second.requestBody(Buffer.buffer(new byte[120]));
        assertEquals(0, budget.available());
        // Past the budget, a third exchange keeps nothing but still counts its body's size.
        ExchangeObserver.Exchange third = observer.begin("c", "POST", "/c", List.of());
        third.requestBody(Buffer.buffer(new byte[10]));
        third.end();
        CapturedExchange cut = store.list(1, null).get(0);
        assertEquals(0, cut.requestBody().bytes().length);
        assertEquals(10, cut.requestBody().size());
        assertTrue(cut.requestBody().truncated());

        first.end();
        second.end();
        assertEquals(150, budget.available(), "stored exchanges give their bytes back");
        List<CapturedExchange> kept = store.list(3, null);
        assertEquals(50, kept.get(0).requestBody().bytes().length, "/b got what was left");
        assertTrue(kept.get(0).requestBody().truncated());
        assertEquals(100, kept.get(1).requestBody().bytes().length, "/a got its cap");
        assertEquals(120, kept.get(1).requestBody().size());
    }

    @Test
    void uploadChunksArrivingAfterTheExchangeWasStoredTakeNoBudget() {
        // The upstream answered before the upload finished: the exchange is stored at the response's end, and the
        // request's last chunks arrive after that (review2 M5: they used to take budget that never came back).
        CaptureBudget budget = new CaptureBudget(1_000);
        ExchangeStore store = new ExchangeStore(10);
        CapturingObserver observer = new CapturingObserver(store, "web", 100, budget);
        ExchangeObserver.Exchange upload = observer.begin("c", "POST", "/upload", List.of());
        upload.requestBody(Buffer.buffer(new byte[40]));
        upload.response(413, "Payload Too Large", List.of());
        upload.responseBody(Buffer.buffer("too big"));
        upload.end();
        assertEquals(1_000, budget.available());
        for (int i = 0; i < 5; i++) {
            upload.requestBody(Buffer.buffer(new byte[40]));
        }
        assertEquals(1_000, budget.available(), "chunks after the snapshot kept budget");
        CapturedExchange stored = store.list(1, null).get(0);
        assertEquals(40, stored.requestBody().bytes().length);
        assertEquals(413, stored.status());
    }
}
