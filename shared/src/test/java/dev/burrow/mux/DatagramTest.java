package dev.burrow.mux;

import dev.burrow.protocol.Datagram;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.FrameEncoder;
import dev.burrow.protocol.ProtocolLimits;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.burrow.mux.MuxTesting.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UDP streams: datagrams both ways whole and in order, held until a handler is set, bounded queues, strict typing. */
class DatagramTest extends MuxLinkTest {

    @Test
    void datagramsCrossBothWaysWholeWithTheirVisitorAddress() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        MuxTestServer.Pair pair = pairCollectingStreams(incoming);
        MuxStream edge = pair.client().openStream(StreamOpen.udp("ep-udp", "node-1"));
        MuxStream agent = MuxTesting.take(incoming);
        assertEquals(StreamOpen.Kind.UDP, agent.open().kind());
        assertEquals("node-1", agent.open().clientAddress());

        LinkedBlockingQueue<Datagram> atAgent = new LinkedBlockingQueue<>();
        agent.datagramHandler(atAgent::add);
        LinkedBlockingQueue<Datagram> atEdge = new LinkedBlockingQueue<>();
        edge.datagramHandler(atEdge::add);
        int[] sizes = {0, 1, 512, 1472, 65_536 - 29, ProtocolLimits.MAX_DATAGRAM_SIZE};
        for (int size : sizes) {
            assertTrue(edge.writeDatagram(new Datagram("[2001:db8::1]:5353", MuxTesting.randomPayload(size, size))));
        }
        for (int size : sizes) {
            Datagram got = atAgent.poll(10, TimeUnit.SECONDS);
            assertNotNull(got, "datagram of " + size + " bytes");
            assertEquals("[2001:db8::1]:5353", got.address());
            assertEquals("2001:db8::1", got.host());
            assertEquals(5353, got.port());
            assertEquals(MuxTesting.randomPayload(size, size), got.payload(), "the " + size + "-byte datagram, byte for byte");
            assertTrue(agent.writeDatagram(new Datagram(got.address(), got.payload())));
        }
        for (int size : sizes) {
            Datagram reply = atEdge.poll(10, TimeUnit.SECONDS);
            assertNotNull(reply, "reply of " + size + " bytes");
            assertEquals(size, reply.payload().length());
        }
        assertEquals(0, pair.client().datagramsDropped());
        assertEquals(0, pair.server().datagramsDropped());
    }

    @Test
    void datagramsThatArriveBeforeTheHandlerAreHeldUpTo64KiB() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        MuxTestServer.Pair pair = pairCollectingStreams(incoming);
        MuxStream edge = pair.client().openStream(StreamOpen.udp("ep-udp", null));
        MuxStream agent = MuxTesting.take(incoming);
        // 40 datagrams of 2 000 bytes: 80 kB, more than the 64 KiB held for a stream without a handler.
        for (int i = 0; i < 40; i++) {
            assertTrue(edge.writeDatagram(new Datagram("198.51.100.9:" + (1000 + i), Buffer.buffer(new byte[2_000]))));
        }
        MuxTesting.awaitCondition("the late datagrams are counted as dropped", () -> pair.server().datagramsDropped() > 0);
        List<Datagram> got = new ArrayList<>();
        agent.datagramHandler(got::add);
        MuxTesting.awaitCondition("the held datagrams are delivered", () -> !got.isEmpty());
        int held = got.size();
        assertTrue(held >= 30 && held < 40, "held " + held + " of 40 datagrams of 2 000 bytes");
        assertEquals(40 - held, pair.server().datagramsDropped(), "every datagram beyond the bound is counted");
        for (int i = 0; i < held; i++) {
            assertEquals("198.51.100.9:" + (1000 + i), got.get(i).address(), "in the order sent");
        }
    }

    @Test
    void aFullLinkQueueDropsTheNewestDatagramAndCountsIt() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        MuxTestServer.Pair pair = pairCollectingStreams(incoming);
        MuxStream edge = pair.client().openStream(StreamOpen.udp("ep-udp", null));
        MuxTesting.take(incoming);
        // Offered from this thread faster than the link's event loop can write: the queue's byte bound must hold.
        int refused = 0;
        Buffer big = Buffer.buffer(new byte[ProtocolLimits.MAX_DATAGRAM_SIZE]);
        for (int i = 0; i < 64; i++) {
            if (!edge.writeDatagram(new Datagram("192.0.2.1:9", big))) {
                refused++;
            }
            assertTrue(pair.client().datagramBytesQueued() <= DatagramQueue.DEFAULT_MAX_BYTES,
                    "queued " + pair.client().datagramBytesQueued());
        }
        assertTrue(refused > 0, "64 datagrams of 64 KB offered at once must overflow a 512 KiB queue");
        assertEquals(refused, pair.client().datagramsDropped());
        MuxTesting.awaitCondition("the queue drains", () -> pair.client().datagramBytesQueued() == 0);
    }

    @Test
    void aDatagramOnATcpStreamClosesTheLink() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(incoming::add));
        RawPeer peer = server.connectRaw();
        peer.sendPreface().send(FrameEncoder.open(1, StreamOpen.tcp("ep-tcp", null)))
                .send(FrameEncoder.datagram(1, new Datagram("192.0.2.1:9", Buffer.buffer("x"))));
        StreamMultiplexer attacked = server.nextLink();
        LinkClosed closed = await(attacked.closeFuture());
        assertEquals(ErrorCode.PROTOCOL_ERROR, closed.code());
        assertEquals("DATAGRAM frame on stream 1, which is a TCP stream, not a UDP stream", closed.message());
        assertFalse(closed.byPeer(), "the side that received the frame closed the link");
    }
}
