package dev.burrow.mux;

import dev.burrow.protocol.HttpRequestHead;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import java.util.AbstractMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.burrow.mux.MuxTesting.await;
import static dev.burrow.mux.MuxTesting.awaitCondition;
import static dev.burrow.mux.MuxTesting.awaitFailure;
import static dev.burrow.mux.MuxTesting.collectBytes;
import static dev.burrow.mux.MuxTesting.tcpOpen;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Opening streams from either side, bytes both ways, half-close in each direction, close on both ends. */
class StreamBasicsTest extends MuxLinkTest {
    @Test
    void dialerOpensStreamAndOpenArrivesIntact() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        MuxTestServer.Pair pair = pairCollectingStreams(incoming);

        List<Map.Entry<String, String>> headers = List.of(
                new AbstractMap.SimpleImmutableEntry<>("Host", "demo.localhost"),
                new AbstractMap.SimpleImmutableEntry<>("X-Forwarded-For", "203.0.113.7"),
                new AbstractMap.SimpleImmutableEntry<>("X-Forwarded-For", "198.51.100.1"));
        StreamOpen open = StreamOpen.http("ep-1", "203.0.113.7:51234", new HttpRequestHead("POST", "/upload?x=1", headers));
        MuxStream local = pair.client().openStream(open);
        MuxStream remote = MuxTesting.take(incoming);

        assertEquals(open, remote.open());
        assertEquals(local.id(), remote.id());
        assertEquals(1, local.id() % 2, "the dialer opens odd ids");
        assertEquals(1, pair.client().openStreamCount());
        assertEquals(1, pair.server().openStreamCount());
    }

    @Test
    void acceptorOpensStreamWithEvenId() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        server = MuxTestServer.start(vertx, link -> { });
        MuxTestServer.Pair pair = server.pair(link -> link.incomingStreamHandler(incoming::add));

        MuxStream fromServer = pair.server().openStream(tcpOpen("tcp-ep"));
        MuxStream atClient = MuxTesting.take(incoming);
        assertEquals(tcpOpen("tcp-ep"), atClient.open());
        assertEquals(0, fromServer.id() % 2, "the acceptor opens even ids");

        var received = collectBytes(atClient);
        await(fromServer.write(Buffer.buffer("hello from the edge")));
        await(fromServer.end());
        assertEquals("hello from the edge", await(received).toString());
    }

    @Test
    void halfCloseEachWayIsIndependent() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        MuxTestServer.Pair pair = pairCollectingStreams(incoming);
        MuxStream client = pair.client().openStream(tcpOpen("ep"));
        MuxStream server = MuxTesting.take(incoming);

        LinkedBlockingQueue<String> atServer = new LinkedBlockingQueue<>();
        Promise<Void> serverSawEnd = Promise.promise();
        server.handler(b -> atServer.add(b.toString()));
        server.endHandler(serverSawEnd::complete);
        LinkedBlockingQueue<String> atClient = new LinkedBlockingQueue<>();
        Promise<Void> clientSawEnd = Promise.promise();
        client.handler(b -> atClient.add(b.toString()));
        client.endHandler(clientSawEnd::complete);

        client.write(Buffer.buffer("request"));
        client.end();
        await(serverSawEnd.future());
        assertEquals("request", atServer.poll(5, TimeUnit.SECONDS));
        assertFalse(client.closed().isComplete(), "only one direction has ended");

        // The reverse direction still flows after the client half-closed.
        server.write(Buffer.buffer("response-1"));
        assertEquals("response-1", atClient.poll(5, TimeUnit.SECONDS));
        server.write(Buffer.buffer("response-2"));
        assertEquals("response-2", atClient.poll(5, TimeUnit.SECONDS));
        assertFalse(clientSawEnd.future().isComplete());
        server.end();
        await(clientSawEnd.future());

        await(client.closed());
        await(server.closed());
        awaitCondition("both links forget the stream",
                () -> pair.client().openStreamCount() == 0 && pair.server().openStreamCount() == 0);
        assertInstanceOf(StreamResetException.class, awaitFailure(client.write(Buffer.buffer("late"))),
                "writing after end fails");
    }

    @Test
    void serverHalfClosesFirstWhileClientKeepsSending() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        MuxTestServer.Pair pair = pairCollectingStreams(incoming);
        MuxStream client = pair.client().openStream(tcpOpen("ep"));
        client.write(Buffer.buffer("hello"));
        MuxStream server = MuxTesting.take(incoming);
        var atServer = collectBytes(server);
        var atClient = collectBytes(client);

        await(server.end());
        assertEquals(0, await(atClient).length());
        for (int i = 0; i < 10; i++) {
            client.write(Buffer.buffer("-" + i));
        }
        client.end();
        assertEquals("hello-0-1-2-3-4-5-6-7-8-9", await(atServer).toString());
        await(client.closed());
        await(server.closed());
    }

    @Test
    void dataArrivingBeforeHandlerWaitsAndEndComesAfterIt() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        MuxTestServer.Pair pair = pairCollectingStreams(incoming);
        MuxStream client = pair.client().openStream(tcpOpen("ep"));
        MuxStream server = MuxTesting.take(incoming);
        // Handlers are set only after the data and the half-close have arrived.
        Promise<Void> serverEnded = Promise.promise();
        server.endHandler(serverEnded::complete);
        client.write(Buffer.buffer("early "));
        client.write(Buffer.buffer("bytes"));
        await(client.end());
        MuxStreamImpl impl = (MuxStreamImpl) server;
        awaitCondition("the bytes are buffered", () -> impl.bufferedInboundBytes() == 11);
        assertFalse(serverEnded.future().isComplete(), "end must wait for the data before it");

        Buffer seenBeforeEnd = Buffer.buffer();
        Promise<String> atEnd = Promise.promise();
        server.endHandler(v -> atEnd.complete(seenBeforeEnd.toString()));
        server.handler(seenBeforeEnd::appendBuffer);
        assertEquals("early bytes", await(atEnd.future()), "end comes after every byte");
        assertFalse(server.closed().isComplete(), "the server has not ended its direction yet");
        server.end();
        await(server.closed());
        await(client.closed());
    }

    @Test
    void pausedStreamHoldsEndUntilResumed() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        server = MuxTestServer.start(vertx, link -> link.incomingStreamHandler(stream -> {
            stream.pause();
            incoming.add(stream);
        }));
        MuxTestServer.Pair pair = server.pair(link -> { });
        MuxStream client = pair.client().openStream(tcpOpen("ep"));
        await(client.end());
        MuxStream server = MuxTesting.take(incoming);
        Promise<Void> ended = Promise.promise();
        server.endHandler(ended::complete);
        server.handler(b -> { });
        await(pair.client().ping());
        await(pair.server().ping());
        assertFalse(ended.future().isComplete(), "a paused stream delivers nothing, not even end");
        server.fetch(1);
        await(ended.future());
    }

    @Test
    void headersTravelBeforeData() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        MuxTestServer.Pair pair = pairCollectingStreams(incoming);
        MuxStream client = pair.client().openStream(StreamOpen.http("ep", "198.51.100.2:1", new HttpRequestHead("GET", "/", List.of())));
        MuxStream server = MuxTesting.take(incoming);
        HttpResponseHead head = new HttpResponseHead(201, "Created",
                List.of(new AbstractMap.SimpleImmutableEntry<>("Content-Type", "text/plain")));
        await(server.writeHeaders(head));
        server.write(Buffer.buffer("body"));
        server.end();
        Promise<HttpResponseHead> gotHead = Promise.promise();
        client.headersHandler(gotHead::complete);
        assertEquals("body", await(collectBytes(client)).toString());
        assertEquals(head, await(gotHead.future()));
    }

    /**
     * A body-less request: OPEN and END arrive before the receiver has set any handler (the agent holds such a stream
     * until its bind's answer is in). The end must wait for the reader, or the upstream request is never ended.
     */
    @Test
    void anEndThatArrivesBeforeAnyHandlerWaitsForTheReader() throws Exception {
        LinkedBlockingQueue<MuxStream> incoming = new LinkedBlockingQueue<>();
        MuxTestServer.Pair pair = pairCollectingStreams(incoming);
        MuxStream client = pair.client().openStream(StreamOpen.http("ep", "198.51.100.2:1", new HttpRequestHead("GET", "/", List.of())));
        await(client.end());
        pair.client().openStream(tcpOpen("ep"));
        MuxStream held = MuxTesting.take(incoming);
        MuxTesting.take(incoming); // frames arrive in order: the first stream's END has been read by now

        Promise<Void> sawEnd = Promise.promise();
        held.pause();
        held.handler(data -> sawEnd.tryFail("unexpected data " + data));
        held.endHandler(sawEnd::tryComplete);
        held.resume();
        await(sawEnd.future());
        held.end();
        await(held.closed());
    }

    @Test
    void controlMessagesArriveInOrder() {
        LinkedBlockingQueue<dev.burrow.protocol.ControlMessage> control = new LinkedBlockingQueue<>();
        server = MuxTestServer.start(vertx, link -> link.controlHandler(control::add));
        MuxTestServer.Pair pair = server.pair(link -> { });
        var auth = new dev.burrow.protocol.ControlMessage.Auth("secret", "0.1", null);
        var unbind = new dev.burrow.protocol.ControlMessage.Unbind("ep-9");
        pair.client().sendControl(auth);
        pair.client().sendControl(unbind);
        awaitCondition("two control messages arrive", () -> control.size() == 2);
        assertEquals(List.of(auth, unbind), List.copyOf(control));
    }
}
