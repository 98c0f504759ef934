package dev.burrow.mux;

import dev.burrow.protocol.ControlCodec;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.Frame;
import dev.burrow.protocol.FrameDecoder;
import dev.burrow.protocol.FrameEncoder;
import dev.burrow.protocol.FrameFlags;
import dev.burrow.protocol.FramePayloads;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.ProtocolException;
import dev.burrow.protocol.ProtocolLimits;
import dev.burrow.protocol.StreamOpen;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.NetSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One multiplexed link over a socket (agent link or relay link): frames in and out, streams, flow control,
 * heartbeats, go-away. Every peer violation closes this link only, with a logged reason; no exception
 * escapes to the socket. All state is confined to the socket's event loop; public methods may be called from
 * any thread.
 */
public final class StreamMultiplexer {
    private static final Logger LOG = LoggerFactory.getLogger(StreamMultiplexer.class);

    private final Vertx vertx;
    private final Context context;
    private final EventLoop eventLoop;
    private final NetSocket socket;
    private final MuxOptions options;
    private final FrameDecoder decoder = new FrameDecoder();
    private final LinkWriter writer;
    private final Map<Integer, MuxStreamImpl> streams = new HashMap<>();
    private final LinkedHashSet<MuxStreamImpl> sendReady = new LinkedHashSet<>();
    private final ArrayDeque<Promise<Duration>> pendingPings = new ArrayDeque<>();
    private final AtomicInteger nextLocalStreamId;
    private final int peerParity;

    private volatile String name;
    private volatile boolean closed;
    private volatile int openStreamCount;
    private volatile Duration lastRoundTrip = Duration.ZERO;
    private int highestPeerStreamId;
    private boolean localGoingAway;
    private boolean pumping;
    private long lastFrameNanos = System.nanoTime();
    private long heartbeatTimer = -1;
    private long pingSentNanos;
    private FramePayloads.GoAway peerGoAway;

    private Handler<MuxStream> incomingStreamHandler = stream -> stream.reset(ErrorCode.STREAM_CANCELLED, "this side accepts no streams");
    private Handler<ControlMessage> controlHandler = message -> { };
    private Handler<FramePayloads.GoAway> goAwayHandler = goAway -> { };
    private Handler<LinkClosed> closeHandler = reason -> { };

    /** Call on the socket's context (for example inside the connect handler). */
    public StreamMultiplexer(Vertx vertx, NetSocket socket, LinkRole role, MuxOptions options) {
        this.vertx = vertx;
        Context current = Vertx.currentContext();
        this.context = current != null ? current : vertx.getOrCreateContext();
        this.eventLoop = ((ContextInternal) context).nettyEventLoop();
        this.socket = socket;
        this.options = options;
        this.name = options.name();
        this.nextLocalStreamId = new AtomicInteger(role == LinkRole.DIALER ? 1 : 2);
        this.peerParity = role == LinkRole.DIALER ? 0 : 1;
        this.writer = new LinkWriter(socket, context, this::pump);
    }

    /** Sends the preface, starts reading frames and heartbeats. */
    public void start() {
        execute(() -> {
            socket.handler(this::onBytes);
            socket.closeHandler(v -> onSocketClosed());
            socket.exceptionHandler(this::onSocketException);
            socket.drainHandler(v -> pump());
            socket.setWriteQueueMaxSize(1024 * 1024);
            writer.write(FrameEncoder.preface());
            long intervalMillis = options.heartbeatInterval().toMillis();
            if (intervalMillis > 0) {
                heartbeatTimer = vertx.setPeriodic(intervalMillis, id -> execute(this::heartbeat));
            }
        });
    }

    public StreamMultiplexer incomingStreamHandler(Handler<MuxStream> handler) {
        execute(() -> incomingStreamHandler = handler);
        return this;
    }

    public StreamMultiplexer controlHandler(Handler<ControlMessage> handler) {
        execute(() -> controlHandler = handler);
        return this;
    }

    public StreamMultiplexer goAwayHandler(Handler<FramePayloads.GoAway> handler) {
        execute(() -> goAwayHandler = handler);
        return this;
    }

    public StreamMultiplexer closeHandler(Handler<LinkClosed> handler) {
        execute(() -> closeHandler = handler);
        return this;
    }

    /** Opens a stream to the peer. On a closed link the stream fails at once (its exception handler is told). */
    public MuxStream openStream(StreamOpen open) {
        int id = nextLocalStreamId.getAndAdd(2);
        MuxStreamImpl stream = new MuxStreamImpl(this, id, open, options.initialWindow());
        execute(() -> {
            if (closed || peerGoAway != null) {
                stream.onReset(new StreamResetException(ErrorCode.GOING_AWAY, "link " + name + " is closed or going away", false));
                return;
            }
            streams.put(id, stream);
            openStreamCount = streams.size();
            writer.write(FrameEncoder.open(id, open));
        });
        return stream;
    }

    public void sendControl(ControlMessage message) {
        execute(() -> writer.write(FrameEncoder.control(message)));
    }

    /** Measures the round trip to the peer. */
    public Future<Duration> ping() {
        Promise<Duration> promise = Promise.promise();
        execute(() -> {
            if (closed) {
                promise.fail("link " + name + " is closed");
                return;
            }
            pendingPings.add(promise);
            writer.write(FrameEncoder.ping(System.nanoTime(), false));
        });
        return promise.future();
    }

    /** Tells the peer this side is shutting down: it will accept no new streams; open ones may finish. */
    public void goAway(ErrorCode code, String message) {
        execute(() -> {
            if (closed || localGoingAway) {
                return;
            }
            localGoingAway = true;
            writer.write(FrameEncoder.goAway(highestPeerStreamId, code, message));
        });
    }

    /** Closes the link: GO_AWAY with the reason, then the socket; open streams are reset. */
    public void close(ErrorCode code, String message) {
        execute(() -> shutdown(code, message, false, true));
    }

    public boolean isClosed() {
        return closed;
    }

    public int openStreamCount() {
        return openStreamCount;
    }

    public String name() {
        return name;
    }

    /** Renames the link in logs, for example once the session it carries is known. */
    public void name(String newName) {
        this.name = newName;
    }

    public Duration lastRoundTrip() {
        return lastRoundTrip;
    }

    int initialWindow() {
        return options.initialWindow();
    }

    /** Runs {@code task} on the link's event loop: now when already there, else in call order. */
    void execute(Runnable task) {
        if (eventLoop.inEventLoop()) {
            task.run();
        } else {
            context.runOnContext(v -> task.run());
        }
    }

    // ---- inbound ----------------------------------------------------------------------------------------

    private void onBytes(Buffer bytes) {
        if (closed) {
            return;
        }
        lastFrameNanos = System.nanoTime();
        try {
            decoder.feed(bytes, this::onFrame);
        } catch (ProtocolException e) {
            protocolViolation(e.code(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{}: internal error while handling a frame", name, e);
            shutdown(ErrorCode.INTERNAL_ERROR, "internal error: " + e, false, true);
        }
    }

    private void onFrame(Frame frame) {
        if (closed) {
            return;
        }
        switch (frame.type()) {
            case DATA -> onStreamFrame(frame, stream -> {
                if (!stream.onData(frame.payload())) {
                    protocolViolation(ErrorCode.FLOW_CONTROL_ERROR, "peer sent " + frame.payload().length()
                            + " bytes on stream " + frame.streamId() + ", more than the window it was given");
                }
            });
            case OPEN -> onOpen(frame);
            case HEADERS -> onStreamFrame(frame, stream -> {
                try {
                    stream.onHeaders(HttpResponseHead.decode(frame.payload()));
                } catch (ProtocolException e) {
                    protocolViolation(e.code(), e.getMessage());
                }
            });
            case HALF_CLOSE -> onStreamFrame(frame, MuxStreamImpl::onRemoteHalfClose);
            case RESET -> onStreamFrame(frame, stream -> {
                FramePayloads.Reset reset = FramePayloads.reset(frame.payload());
                stream.onReset(new StreamResetException(reset.code(), reset.message(), true));
            });
            case WINDOW_UPDATE -> onStreamFrame(frame, stream -> {
                if (!stream.onWindowUpdate(FramePayloads.windowIncrement(frame.payload()))) {
                    protocolViolation(ErrorCode.FLOW_CONTROL_ERROR, "WINDOW_UPDATE overflows the window of stream " + frame.streamId());
                } else {
                    pump();
                }
            });
            case PING -> onPing(frame);
            case GO_AWAY -> {
                peerGoAway = FramePayloads.goAway(frame.payload());
                LOG.info("{}: peer is going away ({}: {})", name, peerGoAway.code(), peerGoAway.message());
                goAwayHandler.handle(peerGoAway);
            }
            case CONTROL -> {
                try {
                    controlHandler.handle(ControlCodec.decode(frame.payload().copy()));
                } catch (ProtocolException e) {
                    protocolViolation(e.code(), e.getMessage());
                }
            }
        }
    }

    private void onStreamFrame(Frame frame, java.util.function.Consumer<MuxStreamImpl> action) {
        MuxStreamImpl stream = streams.get(frame.streamId());
        if (stream != null) {
            action.accept(stream);
        } else if (!wasEverOpened(frame.streamId())) {
            protocolViolation(ErrorCode.STREAM_NOT_OPEN, frame.type() + " frame on stream " + frame.streamId() + ", which was never opened");
        }
        // else: a stream closed recently; late frames for it are expected and ignored.
    }

    private boolean wasEverOpened(int streamId) {
        if ((streamId & 1) == peerParity) {
            return streamId <= highestPeerStreamId;
        }
        return streamId < nextLocalStreamId.get();
    }

    private void onOpen(Frame frame) {
        int id = frame.streamId();
        if ((id & 1) != peerParity || id <= highestPeerStreamId) {
            protocolViolation(ErrorCode.PROTOCOL_ERROR, "OPEN for stream " + id + ", which the peer may not open now");
            return;
        }
        highestPeerStreamId = id;
        StreamOpen open;
        try {
            open = StreamOpen.decode(frame.payload());
        } catch (ProtocolException e) {
            protocolViolation(e.code(), e.getMessage());
            return;
        }
        if (localGoingAway) {
            writer.write(FrameEncoder.reset(id, ErrorCode.GOING_AWAY, "this node is shutting down; retry on another node"));
            return;
        }
        if (streams.size() >= options.maxConcurrentStreams()) {
            writer.write(FrameEncoder.reset(id, ErrorCode.TOO_MANY_STREAMS,
                    "more than " + options.maxConcurrentStreams() + " streams open on one link"));
            return;
        }
        MuxStreamImpl stream = new MuxStreamImpl(this, id, open, options.initialWindow());
        streams.put(id, stream);
        openStreamCount = streams.size();
        incomingStreamHandler.handle(stream);
    }

    private void onPing(Frame frame) {
        if (!frame.hasFlag(FrameFlags.ACK)) {
            writer.write(FrameEncoder.ping(frame.payload().getLong(0), true));
            return;
        }
        long rttNanos = System.nanoTime() - frame.payload().getLong(0);
        if (rttNanos >= 0) {
            lastRoundTrip = Duration.ofNanos(rttNanos);
        }
        Promise<Duration> waiting = pendingPings.poll();
        if (waiting != null) {
            waiting.tryComplete(lastRoundTrip);
        }
    }

    private void heartbeat() {
        if (closed) {
            return;
        }
        long silentNanos = System.nanoTime() - lastFrameNanos;
        long toleranceNanos = options.heartbeatInterval().toNanos() * options.heartbeatTolerance();
        if (silentNanos > toleranceNanos) {
            String message = "no frame from the peer for " + Duration.ofNanos(silentNanos).toMillis() + " ms ("
                    + options.heartbeatTolerance() + " heartbeat intervals)";
            LOG.warn("{}: closing link: {}", name, message);
            shutdown(ErrorCode.HEARTBEAT_TIMEOUT, message, false, true);
            return;
        }
        writer.write(FrameEncoder.ping(System.nanoTime(), false));
    }

    // ---- outbound ---------------------------------------------------------------------------------------

    void scheduleSend(MuxStreamImpl stream) {
        if (stream.canSend()) {
            sendReady.add(stream);
            pump();
        }
    }

    void sendHeaders(int streamId, HttpResponseHead head) {
        writer.write(FrameEncoder.headers(streamId, head));
    }

    void sendReset(int streamId, ErrorCode code, String message) {
        if (!closed) {
            writer.write(FrameEncoder.reset(streamId, code, message));
        }
    }

    void sendWindowUpdate(int streamId, int increment) {
        if (!closed) {
            writer.write(FrameEncoder.windowUpdate(streamId, increment));
        }
    }

    void streamClosed(MuxStreamImpl stream) {
        streams.remove(stream.id());
        sendReady.remove(stream);
        openStreamCount = streams.size();
    }

    /** Sends queued stream data round-robin, 64 KiB at a time, while credit lasts and the socket keeps up. */
    private void pump() {
        if (pumping || closed) {
            return;
        }
        pumping = true;
        try {
            while (!sendReady.isEmpty() && !writer.congested()) {
                var iterator = sendReady.iterator();
                MuxStreamImpl stream = iterator.next();
                iterator.remove();
                Buffer chunk = stream.takeChunk(ProtocolLimits.MAX_DATA_PAYLOAD);
                if (chunk != null) {
                    writer.write(FrameEncoder.data(stream.id(), chunk));
                }
                if (stream.halfCloseDue()) {
                    writer.write(FrameEncoder.halfClose(stream.id()));
                    stream.markLocalEnded();
                }
                stream.afterSend();
                if (stream.canSend()) {
                    sendReady.add(stream);
                }
            }
        } finally {
            pumping = false;
        }
    }

    // ---- shutdown ---------------------------------------------------------------------------------------

    private void protocolViolation(ErrorCode code, String message) {
        LOG.warn("{}: closing link, peer broke the protocol: {} ({})", name, message, code);
        shutdown(code, message, false, true);
    }

    private void onSocketException(Throwable error) {
        LOG.debug("{}: socket error: {}", name, error.toString());
        shutdown(ErrorCode.INTERNAL_ERROR, "socket error: " + error.getMessage(), true, false);
    }

    private void onSocketClosed() {
        if (peerGoAway != null) {
            shutdown(peerGoAway.code(), peerGoAway.message(), true, false);
        } else {
            shutdown(ErrorCode.NO_ERROR, "connection closed by the peer", true, false);
        }
    }

    private void shutdown(ErrorCode code, String message, boolean byPeer, boolean sendGoAway) {
        if (closed) {
            return;
        }
        if (sendGoAway) {
            writer.write(FrameEncoder.goAway(highestPeerStreamId, code, message));
        }
        closed = true;
        writer.closeAfterFlush();
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
        StreamResetException failure = new StreamResetException(code, "link closed: " + message, byPeer);
        for (MuxStreamImpl stream : streams.values().toArray(new MuxStreamImpl[0])) {
            stream.onReset(failure);
        }
        streams.clear();
        sendReady.clear();
        openStreamCount = 0;
        Promise<Duration> ping;
        while ((ping = pendingPings.poll()) != null) {
            ping.tryFail("link " + name + " closed: " + message);
        }
        closeHandler.handle(new LinkClosed(code, message, byPeer));
    }
}
