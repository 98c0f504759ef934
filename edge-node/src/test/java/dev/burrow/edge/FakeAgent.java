package dev.burrow.edge;

import dev.burrow.mux.LinkClosed;
import dev.burrow.mux.LinkRole;
import dev.burrow.mux.MuxOptions;
import dev.burrow.mux.MuxStream;
import dev.burrow.mux.StreamMultiplexer;
import dev.burrow.protocol.ControlMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** A minimal agent for edge tests: a real TLS link and multiplexer, control messages by hand, streams to a handler. */
final class FakeAgent {
    private final Vertx vertx;
    private final Map<Long, Promise<ControlMessage.BindResult>> binds = new ConcurrentHashMap<>();
    private final AtomicLong requestIds = new AtomicLong();
    private final Promise<ControlMessage.AuthResult> authResult = Promise.promise();
    private final Promise<LinkClosed> closed = Promise.promise();
    private volatile Handler<MuxStream> streamHandler = stream -> { };
    private volatile StreamMultiplexer mux;
    /** Held on purpose: Vert.x 5 closes an unreachable client's connections when it is garbage collected. */
    private volatile NetClient client;

    private FakeAgent(Vertx vertx) {
        this.vertx = vertx;
    }

    /** Connects, authenticates with {@code token} (optionally resuming a session) and completes with the auth result. */
    static Future<FakeAgent> connect(Vertx vertx, int port, Path ca, String token, String resumeSessionId) {
        FakeAgent agent = new FakeAgent(vertx);
        Context context = vertx.getOrCreateContext();
        Promise<FakeAgent> ready = Promise.promise();
        context.runOnContext(v -> (agent.client = vertx.createNetClient(new NetClientOptions().setSsl(true)
                        .setHostnameVerificationAlgorithm("HTTPS")
                        .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString()))))
                .connect(port, "localhost")
                .onFailure(ready::fail)
                .onSuccess(socket -> {
                    StreamMultiplexer mux = new StreamMultiplexer(vertx, socket, LinkRole.DIALER, MuxOptions.defaults("fake-agent"));
                    agent.mux = mux;
                    mux.controlHandler(agent::onControl);
                    mux.incomingStreamHandler(stream -> agent.streamHandler.handle(stream));
                    mux.closeHandler(agent.closed::tryComplete);
                    mux.start();
                    mux.sendControl(new ControlMessage.Auth(token, "fake-agent/1", resumeSessionId));
                    ready.complete(agent);
                }));
        return ready.future();
    }

    private void onControl(ControlMessage message) {
        if (message instanceof ControlMessage.AuthResult result) {
            authResult.tryComplete(result);
        } else if (message instanceof ControlMessage.BindResult result) {
            Promise<ControlMessage.BindResult> promise = binds.remove(result.requestId());
            if (promise != null) {
                promise.complete(result);
            }
        }
    }

    Future<ControlMessage.AuthResult> authResult() {
        return authResult.future();
    }

    Future<LinkClosed> closed() {
        return closed.future();
    }

    FakeAgent onStream(Handler<MuxStream> handler) {
        this.streamHandler = handler;
        return this;
    }

    Future<ControlMessage.BindResult> bindHttp(String hostname, String subdomain) {
        return bind("http", hostname, subdomain, 0);
    }

    Future<ControlMessage.BindResult> bindTcp(int port) {
        return bind("tcp", null, null, port);
    }

    Future<ControlMessage.BindResult> bindUdp(int port) {
        return bind("udp", null, null, port);
    }

    Future<ControlMessage.BindResult> bind(String proto, String hostname, String subdomain, int port) {
        return bind(proto, hostname, subdomain, port, dev.burrow.protocol.EndpointSettings.DEFAULTS);
    }

    Future<ControlMessage.BindResult> bind(String proto, String hostname, String subdomain, int port,
                                           dev.burrow.protocol.EndpointSettings settings) {
        long id = requestIds.incrementAndGet();
        Promise<ControlMessage.BindResult> promise = Promise.promise();
        binds.put(id, promise);
        mux.sendControl(ControlMessage.Bind.of(id, proto, hostname, subdomain, port, "test-upstream", settings));
        return promise.future();
    }

    void send(ControlMessage message) {
        mux.sendControl(message);
    }

    StreamMultiplexer mux() {
        return mux;
    }

    Future<LinkClosed> close() {
        mux.close(dev.burrow.protocol.ErrorCode.NO_ERROR, "test agent closing");
        return closed.future();
    }
}
