package dev.burrow.edge.link;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InOrderTest {
    private final Vertx vertx = Vertx.vertx();
    private final Context context = vertx.getOrCreateContext();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aPipelineOfOperationsBeyondTheCapIsRefusedWithoutBeingQueued() throws Exception {
        InOrder inOrder = new InOrder(context, 4);
        Promise<Void> first = Promise.promise();
        AtomicInteger started = new AtomicInteger();
        Supplier<Future<Void>> pendingForever = () -> {
            started.incrementAndGet();
            return Promise.<Void>promise().future();
        };
        List<Future<Void>> runs = onContext(() -> {
            List<Future<Void>> all = new ArrayList<>();
            all.add(inOrder.run(() -> first.future()));
            for (int i = 0; i < 1_000; i++) {
                all.add(inOrder.run(pendingForever));
            }
            return all;
        });
        assertEquals(4, onContext(inOrder::pending));
        assertTrue(onContext(inOrder::isFull));
        assertEquals(1_000 - 3, runs.stream().filter(Future::failed).count());

        onContext(() -> first.tryComplete());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (onContext(inOrder::pending) != 3 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(3, onContext(inOrder::pending));
        assertFalse(onContext(inOrder::isFull));
        assertEquals(1, started.get());
    }

    private <T> T onContext(Supplier<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> result.complete(action.get()));
        return result.get(5, TimeUnit.SECONDS);
    }
}
