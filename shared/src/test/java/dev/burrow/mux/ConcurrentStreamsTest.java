package dev.burrow.mux;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static dev.burrow.mux.MuxTesting.await;
import static dev.burrow.mux.MuxTesting.awaitCondition;
import static dev.burrow.mux.MuxTesting.collect;
import static dev.burrow.mux.MuxTesting.randomPayload;
import static dev.burrow.mux.MuxTesting.tcpOpen;
import static dev.burrow.mux.MuxTesting.writeAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Many streams at once on one link, each with its own payload both ways; every byte checked. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ConcurrentStreamsTest {
    private static final int STREAMS = 200;
    private static final int PAYLOAD = 256 * 1024;
    private static Vertx vertx;
    private static MuxTestServer server;

    @BeforeAll
    static void startVertx(Vertx classVertx) {
        vertx = classVertx;
    }

    @AfterAll
    static void closeServer() {
        if (server != null) {
            server.close();
        }
    }

    private static Buffer clientPayload(int index) {
        return randomPayload(1_000 + index, PAYLOAD);
    }

    private static Buffer serverPayload(int index) {
        return randomPayload(2_000 + index, PAYLOAD - index); // lengths differ too
    }

    @Test
    void twoHundredStreamsCarryDistinctPayloadsBothWays() {
        // The server reads each stream while writing its own answer (streams are full duplex).
        ConcurrentHashMap<Integer, Future<MuxTesting.Received>> atServer = new ConcurrentHashMap<>();
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(stream -> {
            int index = Integer.parseInt(stream.open().endpointId());
            atServer.put(index, collect(stream));
            writeAll(stream, serverPayload(index), 16 * 1024);
        }));
        MuxTestServer.Pair pair = server.pair(link -> { });

        List<Future<MuxTesting.Received>> atClient = new ArrayList<>();
        List<MuxStream> streams = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            MuxStream stream = pair.client().openStream(tcpOpen(Integer.toString(i)));
            streams.add(stream);
            atClient.add(collect(stream));
            writeAll(stream, clientPayload(i), 24 * 1024 + i);
        }

        for (int i = 0; i < STREAMS; i++) {
            assertEquals(MuxTesting.Received.of(serverPayload(i)), await(atClient.get(i)), "client side of stream " + i);
        }
        awaitCondition("the server saw every stream", () -> atServer.size() == STREAMS);
        for (int i = 0; i < STREAMS; i++) {
            assertEquals(MuxTesting.Received.of(clientPayload(i)), await(atServer.get(i)), "server side of stream " + i);
        }
        for (MuxStream stream : streams) {
            await(stream.closed());
        }
        awaitCondition("both links are back to zero streams",
                () -> pair.client().openStreamCount() == 0 && pair.server().openStreamCount() == 0);
    }
}
