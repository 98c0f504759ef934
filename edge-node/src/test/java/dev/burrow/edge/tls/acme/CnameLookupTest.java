package dev.burrow.edge.tls.acme;

import dev.burrow.edge.config.HostPort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A DNS server that never answers fails the lookup within its timeout, saying which server and which name. */
class CnameLookupTest {
    @Test
    void aSilentServerFailsTheLookupWithinItsTimeout() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            CnameLookup lookup = new CnameLookup(vertx, new HostPort("127.0.0.1", silent.getLocalPort()), 300);
            long started = System.nanoTime();
            Future<String> looked = lookup.targetOf("_acme-challenge.shop.customer.com");
            Throwable error = null;
            try {
                looked.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                error = e.getCause();
            }
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertTrue(error != null && error.getMessage().startsWith("the CNAME of _acme-challenge.shop.customer.com could not be"
                    + " looked up at 127.0.0.1:" + silent.getLocalPort() + " (at most 300 ms)"), String.valueOf(error));
            assertTrue(tookMillis < 3_000, "took " + tookMillis + " ms");
            lookup.close();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
