package dev.burrow.agent;

import dev.burrow.agent.testing.FakeEdge;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A session told a local address dials the edge from it (what a load generator spreading over source addresses needs). */
@ExtendWith(VertxExtension.class)
class LocalAddressTest {
    private static final long WAIT_SECONDS = 30;

    @Test
    void theLinkComesFromTheLocalAddressGiven(Vertx vertx) throws Exception {
        FakeEdge edge = new FakeEdge(vertx).start(0).await();
        try {
            BurrowSession session = BurrowSession.builder(vertx).serverAddress(edge.address()).authtoken(FakeEdge.TOKEN)
                    .edgeCa(edge.caFile()).links(1).localAddress("127.0.0.3").connect().await(WAIT_SECONDS, TimeUnit.SECONDS);
            try {
                assertEquals(List.of("127.0.0.3"), edge.linkSources());
            } finally {
                session.close().await(WAIT_SECONDS, TimeUnit.SECONDS);
            }
        } finally {
            edge.close().await();
        }
    }

    @Test
    void theOptionsNameTheLocalAddressOnlyWhenOneIsGiven() {
        SessionOptions given = BurrowSession.builder().authtoken("t").localAddress("127.0.0.2").options();
        SessionOptions none = BurrowSession.builder().authtoken("t").options();
        assertTrue(given.toString().contains("localAddress=127.0.0.2"), given.toString());
        assertFalse(none.toString().contains("localAddress"), none.toString());
        assertEquals("127.0.0.2", given.forServer("other:4443").localAddress(), "each node's connector dials from it too");
        assertThrows(IllegalArgumentException.class, () -> BurrowSession.builder().localAddress("127.0.0.2").options());
    }
}
