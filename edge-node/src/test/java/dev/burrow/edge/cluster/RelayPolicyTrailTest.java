package dev.burrow.edge.cluster;

import dev.burrow.edge.pki.DevPki;
import dev.burrow.mux.LinkRole;
import dev.burrow.mux.MuxOptions;
import dev.burrow.mux.MuxStream;
import dev.burrow.mux.StreamMultiplexer;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.HttpRequestHead;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.StreamOpen;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The relaying node's side of the policy trail, against a peer node on a real TLS relay link: a peer that names
 * {@code policy_trail} when it accepts the link gets the exchange's trail in the OPEN; a peer of an older version (which
 * names only {@code trailers}, and refuses a trail: here it resets such a stream) gets the exchange without it.
 */
class RelayPolicyTrailTest {
    private static final List<String> TRAIL = List.of("on_http_request: office only: matched; restrict-ips: allowed 127.0.0.1");
    private static final Duration LIMIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private final Vertx vertx = Vertx.vertx();
    private final List<StreamOpen> received = new CopyOnWriteArrayList<>();
    private RelayPool pool;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.close();
        }
        vertx.close().await();
    }

    @Test
    void aPeerThatNamedTheFeatureGetsTheTrailInTheOpen() throws Exception {
        RelayLink link = linkToPeerNaming(List.of(ControlMessage.FEATURE_TRAILERS, ControlMessage.FEATURE_POLICY_TRAIL));

        assertTrue(link.takesPolicyTrail());
        assertEquals(200, exchange(link));
        assertEquals(TRAIL, received.get(0).policyTrail());
    }

    @Test
    void aPeerOfAnOlderVersionGetsTheExchangeWithoutTheTrail() throws Exception {
        RelayLink link = linkToPeerNaming(List.of(ControlMessage.FEATURE_TRAILERS));

        assertFalse(link.takesPolicyTrail());
        assertEquals(200, exchange(link), "the exchange goes through, with no refusal");
        assertEquals(List.of(), received.get(0).policyTrail());
        assertEquals("/inspected", received.get(0).requestHead().uri());
    }

    /** One HTTP exchange over the relay with the trail offered; the status the peer answered. */
    private int exchange(RelayLink link) throws Exception {
        StreamOpen open = StreamOpen.http("ep_test", "127.0.0.1:40000",
                new HttpRequestHead("GET", "/inspected", List.of(Map.entry("host", "app.localhost"))));
        Promise<Integer> status = Promise.promise();
        // Offered whatever the peer reads: the link itself must keep it from a peer that cannot read it.
        link.openStream(open.withPolicyTrail(TRAIL))
                .onSuccess(stream -> {
                    stream.exceptionHandler(status::tryFail);
                    stream.headersHandler(head -> status.tryComplete(head.status()));
                    stream.end();
                })
                .onFailure(status::tryFail);
        return status.future().toCompletionStage().toCompletableFuture().get(LIMIT.toSeconds(), TimeUnit.SECONDS);
    }

    /** Starts a fake peer node that accepts the relay link naming {@code features}, and links to it. */
    private RelayLink linkToPeerNaming(List<String> features) throws Exception {
        DevPki.ensure(dir, "localhost");
        boolean readsTrail = features.contains(ControlMessage.FEATURE_POLICY_TRAIL);
        NetServer server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions().setCertPath(dir.resolve(DevPki.SERVER_CERT).toString())
                        .setKeyPath(dir.resolve(DevPki.SERVER_KEY).toString()))
                .setEnabledSecureTransportProtocols(Set.of("TLSv1.3")));
        server.connectHandler(socket -> {
            StreamMultiplexer mux = new StreamMultiplexer(vertx, socket, LinkRole.ACCEPTOR, MuxOptions.defaults("fake peer"));
            mux.controlHandler(message -> {
                if (message instanceof ControlMessage.Auth) {
                    mux.sendControl(ControlMessage.AuthResult.accepted("relay", 10_000).withFeatures(features));
                }
            });
            mux.incomingStreamHandler(stream -> answer(stream, readsTrail));
            mux.start();
        });
        int port = server.listen().await().actualPort();
        pool = new RelayPool(vertx, dir.resolve(DevPki.CA_CERT), RelaySecret.fromCaKey(dir.resolve(DevPki.CA_KEY)), "node-a",
                Duration.ofSeconds(10));
        pool.add(new NodeInfo("member-b", "node-b", "127.0.0.1", 0, port));
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (pool.ready("member-b") == null && System.nanoTime() < deadline) {
            Thread.sleep(20); // the pool has no readiness event; a bounded poll of its state
        }
        RelayPool.Peer peer = pool.ready("member-b");
        assertNotNull(peer, "the relay link did not come up within " + LIMIT);
        return new RelayLink(peer, "session-1");
    }

    /** As a peer node: records the OPEN and answers 200; an older one refuses a trail it cannot read. */
    private void answer(MuxStream stream, boolean readsTrail) {
        received.add(stream.open());
        if (!readsTrail && !stream.open().policyTrail().isEmpty()) {
            stream.reset(ErrorCode.PROTOCOL_ERROR, "OPEN payload has unexpected trailing bytes");
            return;
        }
        stream.handler(data -> { });
        stream.writeHeaders(new HttpResponseHead(200, "OK", List.of()));
        stream.end();
    }
}
