package dev.burrow.agent.forward;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.NetServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpstreamChannelPoolTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void anEventLoopHandsOutAtMostItsCapOfConnectionsAndGetsRoomBackWhenOneIsReleasedOrClosed() throws Exception {
        NetServer upstream = vertx.createNetServer().connectHandler(socket -> { }).listen(0, "127.0.0.1")
                .await(10, TimeUnit.SECONDS);
        UpstreamChannelPool pool = new UpstreamChannelPool((VertxInternal) vertx,
                HttpUpstream.of(URI.create("http://127.0.0.1:" + upstream.actualPort())), 5_000);
        EventLoop loop = ((ContextInternal) vertx.getOrCreateContext()).nettyEventLoop();

        List<Channel> handedOut = new ArrayList<>();
        for (int i = 0; i < UpstreamChannelPool.MAX_IN_USE_PER_LOOP; i++) {
            assertTrue(pool.hasRoom(loop), "room for connection " + i);
            handedOut.add(loop.submit(() -> pool.acquire(loop)).get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS));
        }
        assertFalse(pool.hasRoom(loop), "the cap is reached");

        loop.submit(() -> pool.release(handedOut.get(0))).get(10, TimeUnit.SECONDS);
        assertTrue(pool.hasRoom(loop), "a connection given back frees its place");
        Channel reused = loop.submit(() -> pool.acquire(loop)).get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
        assertEquals(handedOut.get(0), reused, "the idle connection is handed out again");
        assertFalse(pool.hasRoom(loop));

        handedOut.get(1).close().await(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!pool.hasRoom(loop) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(pool.hasRoom(loop), "a connection closed while handed out frees its place");
        pool.close();
    }
}
