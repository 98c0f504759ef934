package dev.burrow.mux;

import dev.burrow.protocol.ControlCodec;
import dev.burrow.protocol.ControlMessage;
import dev.burrow.protocol.Datagram;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.Frame;
import dev.burrow.protocol.FrameDecoder;
import dev.burrow.protocol.FrameEncoder;
import dev.burrow.protocol.FrameFlags;
import dev.burrow.protocol.FrameType;
import dev.burrow.protocol.FramePayloads;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.HttpTrailers;
import dev.burrow.protocol.PooledPayloads;
import dev.burrow.protocol.ProtocolException;
import dev.burrow.protocol.ProtocolLimits;
import dev.burrow.protocol.StreamOpen;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.impl.ConnectionBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One multiplexed link over a socket (agent link or relay link): frames in and out, streams, flow control,
 * heartbeats, go-away. Every peer violation closes this link only, with a logged reason; no exception
 * escapes to the socket. All state is confined to the socket's event loop; public methods may be called from
 * any thread. Handlers (streams, control, go-away, close) are called on that event loop.
 *
 * <p>Flow control is per stream only (there is no link-wide window): the peer can make this side buffer at
 * most {@code initialWindow} bytes per open stream, and at most {@code maxConcurrentStreams} streams it opened.
 */
public final class StreamMultiplexer {
    private static final Logger LOG = LoggerFactory.getLogger(StreamMultiplexer.class);
    /**
     * Half a window taken within this time widens it (see {@link #windowGrowthNanos()}): 256 KiB in 5 ms is 50 MiB/s.
     * {@code -Dburrow.mux.windowGrowthFloorMillis} sets another (a larger one counts slower readers as fast).
     */
    static final long WINDOW_GROWTH_FLOOR_NANOS = Long.getLong("burrow.mux.windowGrowthFloorMillis", 5) * 1_000_000;
    /**
     * A reader that needs more than this many growth periods for half its window narrows it again (by half, not below
     * the initial window): its share of the widening budget goes to faster readers. Between the two a window stays as
     * it is, so a reader near the threshold does not make its window swing.
     */
    static final int WINDOW_NARROWING_FACTOR = 4;

    private final Vertx vertx;
    private final Context context;
    private final EventLoop eventLoop;
    private final NetSocket socket;
    private final MuxOptions options;
    private final FrameDecoder decoder = new FrameDecoder();
    private final LinkWriter writer;
    private final Map<Integer, MuxStreamImpl> streams = new HashMap<>();
    private final LinkedHashSet<MuxStreamImpl> sendReady = new LinkedHashSet<>();
    private final DatagramQueue datagrams = new DatagramQueue(DatagramQueue.DEFAULT_MAX_BYTES);
    /** What this link's receive windows may grow past their initial size together (drawing on the process's budget). */
    private final WindowBudget wideningBudget;
    /** User pings waiting for their ACK, by the opaque value they were sent with. */
    private final Map<Long, Promise<Duration>> pendingPings = new LinkedHashMap<>();
    private final Promise<LinkClosed> closedPromise = Promise.promise();
    private final AtomicInteger nextLocalStreamId;
    private final int peerParity;
    /** Whether the link is read as Netty's own buffers (a Vert.x socket, the multiplexer built on its event loop). */
    private final boolean readsByteBufs;

    private volatile String name;
    private volatile boolean closed;
    private volatile boolean peerReadsTrailers;
    private volatile int openStreamCount;
    private volatile Duration lastRoundTrip = Duration.ZERO;
    private int highestPeerStreamId;
    private int peerStreamCount;
    private boolean started;
    private boolean localGoingAway;
    private boolean pumping;
    private long lastFrameNanos = System.nanoTime();
    private long windowGrowthFloorNanos = WINDOW_GROWTH_FLOOR_NANOS;
    private long heartbeatTimer = -1;
    private long livenessTimer = -1;
    private long livenessDueNanos;
    private FramePayloads.GoAway peerGoAway;
    private LinkClosed closeReason;

    private Handler<MuxStream> incomingStreamHandler = stream -> stream.reset(ErrorCode.STREAM_CANCELLED, "this side accepts no streams");
    private Handler<ControlMessage> controlHandler = message -> { };
    private Handler<FramePayloads.GoAway> goAwayHandler = goAway -> { };
    private Handler<LinkClosed> closeHandler = reason -> { };

    /**
     * The link runs on the socket's own context (its event loop), whichever thread constructs it. The preface
     * is always the first thing written, even if streams are opened before {@link #start()}.
     *
     * <p>Construct it before the socket can deliver a byte: in the {@code NetServer} connect handler, or in a
     * callback of {@code NetClient.connect(...)} that runs on the socket's event loop (call {@code connect}
     * from that context). Vert.x drops bytes that reach a socket without a handler, so a multiplexer built
     * later (say, on another thread after the connect future completed) may miss the peer's preface. The
     * constructor pauses the socket, so nothing is lost between construction and {@link #start()}.
     */
    public StreamMultiplexer(Vertx vertx, NetSocket socket, LinkRole role, MuxOptions options) {
        this.vertx = vertx;
        this.context = contextOf(vertx, socket);
        this.eventLoop = ((ContextInternal) context).nettyEventLoop();
        this.socket = socket;
        this.options = options;
        this.name = options.name();
        this.nextLocalStreamId = new AtomicInteger(role == LinkRole.DIALER ? 1 : 2);
        this.peerParity = role == LinkRole.DIALER ? 0 : 1;
        this.writer = new LinkWriter(socket, context, FrameEncoder.preface(), this::pump);
        this.wideningBudget = options.nodeWideningBudget().child(options.linkWideningBudget());
        this.readsByteBufs = socket instanceof NetSocketInternal && eventLoop.inEventLoop();
        if (readsByteBufs) {
            ((NetSocketInternal) socket).messageHandler(this::onMessage);
            decoder.pooledDataPayloads(((ConnectionBase) socket).channel().alloc(), this::takesPooledPayloads);
            decoder.reservesAheadFor(streams::containsKey);
        }
        socket.pause();
    }

    private static Context contextOf(Vertx vertx, NetSocket socket) {
        if (socket instanceof ConnectionBase connection) {
            return connection.context();
        }
        Context current = Vertx.currentContext();
        return current != null ? current : vertx.getOrCreateContext();
    }

    /** Sends the preface, starts reading frames and heartbeats. Call once, right after construction. */
    public void start() {
        execute(() -> {
            if (started || closed) {
                return;
            }
            started = true;
            lastFrameNanos = System.nanoTime();
            if (!readsByteBufs) {
                socket.handler(bytes -> onBytes(((BufferInternal) bytes).getByteBuf()));
            }
            socket.closeHandler(v -> onSocketClosed());
            socket.exceptionHandler(this::onSocketException);
            socket.drainHandler(v -> pump());
            socket.setWriteQueueMaxSize(1024 * 1024);
            socket.resume();
            writer.start();
            long intervalMillis = options.heartbeatInterval().toMillis();
            if (intervalMillis > 0) {
                heartbeatTimer = vertx.setPeriodic(intervalMillis, id -> execute(this::heartbeat));
                scheduleLivenessCheck(toleranceMillis());
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

    /** Called once when the link closes; if it is already closed, called at once with the reason. */
    public StreamMultiplexer closeHandler(Handler<LinkClosed> handler) {
        execute(() -> {
            closeHandler = handler;
            if (closeReason != null && handler != null) {
                callLinkHandler(handler, closeReason, "close handler");
            }
        });
        return this;
    }

    /** Completes (never fails) with the reason once the link is closed. */
    public Future<LinkClosed> closeFuture() {
        return closedPromise.future();
    }

    /**
     * Opens a stream to the peer. On a closed link the stream fails at once (its exception handler is told).
     * The stream id is allocated on the link's event loop, so that OPEN frames leave in id order whichever
     * threads open streams; {@link MuxStream#id()} is 0 until then.
     */
    public MuxStream openStream(StreamOpen open) {
        MuxStreamImpl stream = new MuxStreamImpl(this, 0, open, options.initialWindow());
        execute(() -> {
            int id = nextLocalStreamId.getAndAdd(2);
            stream.assignId(id);
            if (closed || peerGoAway != null) {
                stream.onReset(new StreamResetException(ErrorCode.GOING_AWAY, "link " + name + " is closed or going away", false));
                return;
            }
            if (id <= 0) {
                stream.onReset(new StreamResetException(ErrorCode.TOO_MANY_STREAMS,
                        "link " + name + " has used all its stream ids; open a new link", false));
                return;
            }
            streams.put(id, stream);
            openStreamCount = streams.size();
            writer.writeFrame(FrameType.OPEN, id, open.encode());
        });
        return stream;
    }

    public void sendControl(ControlMessage message) {
        execute(() -> writer.write(FrameEncoder.control(message)));
    }

    /**
     * Sends a control message the peer can do without (a notice), unless the link is closed or its write queue is full:
     * a slow peer must not make notices pile up in the heap. Call on the link's context; returns whether it was sent.
     */
    public boolean offerControl(ControlMessage message) {
        if (closed || writer.congested()) {
            return false;
        }
        writer.write(FrameEncoder.control(message));
        return true;
    }

    /** Measures the round trip to the peer. */
    public Future<Duration> ping() {
        Promise<Duration> promise = Promise.promise();
        execute(() -> {
            if (closed) {
                promise.fail("link " + name + " is closed");
                return;
            }
            long opaque = System.nanoTime();
            while (pendingPings.containsKey(opaque)) {
                opaque++;
            }
            pendingPings.put(opaque, promise);
            writer.write(FrameEncoder.ping(opaque, false));
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

    /** The event loop the link runs on: every stream handler is called there, so a channel on it needs no hop. */
    public EventLoop eventLoop() {
        return eventLoop;
    }

    /**
     * Whether the peer named the {@code trailers} feature when the link was set up: only then are TRAILERS frames sent
     * to it ({@link MuxStream#end(HttpTrailers)} drops the trailers otherwise, as an older peer would close the link on
     * a frame type it does not know). Any thread.
     */
    public void peerReadsTrailers(boolean reads) {
        peerReadsTrailers = reads;
    }

    boolean peerReadsTrailers() {
        return peerReadsTrailers;
    }

    /** Renames the link in logs, for example once the session it carries is known. */
    public void name(String newName) {
        this.name = newName;
    }

    public Duration lastRoundTrip() {
        return lastRoundTrip;
    }

    int maxReceiveWindow() {
        return options.maxReceiveWindow();
    }

    WindowBudget wideningBudget() {
        return wideningBudget;
    }

    /** Bytes by which this link's receive windows are widened now, together (at most the link's budget). Any thread. */
    public long widenedWindowBytes() {
        return wideningBudget.taken();
    }

    /**
     * How fast a reader must take half a stream's window for the window to widen: within two round trips of the link
     * (the time a credit update needs to reach the peer and its DATA to come back), and at least
     * {@link #WINDOW_GROWTH_FLOOR_NANOS}, as a loaded machine's scheduling delays dwarf a loopback round trip.
     */
    long windowGrowthNanos() {
        return Math.max(windowGrowthFloorNanos, 2 * lastRoundTrip.toNanos());
    }

    /** For tests: another floor than {@link #WINDOW_GROWTH_FLOOR_NANOS}, so that "fast" and "slow" do not hang on the machine's load. */
    Future<Void> windowGrowthFloor(Duration floor) {
        Promise<Void> set = Promise.promise();
        execute(() -> {
            windowGrowthFloorNanos = floor.toNanos();
            set.complete();
        });
        return set.future();
    }

    /** The open stream with this id, or null; for tests. Call on the link's event loop. */
    MuxStreamImpl stream(int id) {
        return streams.get(id);
    }

    Context context() {
        return context;
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

    /**
     * A read of the link as Netty delivers it (a pooled buffer, decrypted by the TLS handler): decoded, then released
     * at once, because the decoder copies each payload into a buffer of its own. Reading it as a Vert.x {@link Buffer}
     * instead would cost a copy of every read to the heap before the decoder's copy.
     */
    private void onMessage(Object message) {
        if (message instanceof ByteBuf bytes) {
            try {
                onBytes(bytes);
            } finally {
                bytes.release();
            }
        } else {
            ReferenceCountUtil.release(message);
        }
    }

    private void onBytes(ByteBuf bytes) {
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
        } finally {
            if (closed) {
                // A frame of this read may have begun after the link closed (its shutdown ran inside the read).
                decoder.discard();
            }
        }
    }

    /** Whether DATA for this stream goes into pooled memory; asked by the decoder, on the link's event loop. */
    private boolean takesPooledPayloads(int streamId) {
        MuxStreamImpl stream = streams.get(streamId);
        return stream != null && stream.takesPooledPayloads();
    }

    private void onFrame(Frame frame) {
        if (closed) {
            if (frame.type() == FrameType.DATA) {
                PooledPayloads.release(frame.payload());
            }
            return;
        }
        switch (frame.type()) {
            case DATA -> onData(frame);
            case OPEN -> onOpen(frame);
            case HEADERS -> onStreamFrame(frame, stream -> {
                try {
                    stream.onHeaders(HttpResponseHead.decode(frame.payload()));
                } catch (ProtocolException e) {
                    protocolViolation(e.code(), e.getMessage());
                }
            });
            case TRAILERS -> onStreamFrame(frame, stream -> {
                try {
                    if (!stream.onTrailers(HttpTrailers.decode(frame.payload()))) {
                        protocolViolation(ErrorCode.PROTOCOL_ERROR, "TRAILERS frame on stream " + frame.streamId()
                                + " after its trailers or its half-close");
                    }
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
            case DATAGRAM -> onStreamFrame(frame, stream -> {
                if (stream.open().kind() != StreamOpen.Kind.UDP) {
                    protocolViolation(ErrorCode.PROTOCOL_ERROR, "DATAGRAM frame on stream " + frame.streamId()
                            + ", which is a " + stream.open().kind() + " stream, not a UDP stream");
                    return;
                }
                Datagram datagram;
                try {
                    datagram = Datagram.decode(frame.payload().copy());
                } catch (ProtocolException e) {
                    protocolViolation(e.code(), e.getMessage());
                    return;
                }
                if (!stream.onDatagram(datagram)) {
                    datagrams.countDropped();
                }
            });
            case PING -> onPing(frame);
            case GO_AWAY -> {
                peerGoAway = FramePayloads.goAway(frame.payload());
                LOG.info("{}: peer is going away ({}: {})", name, peerGoAway.code(), peerGoAway.message());
                callLinkHandler(goAwayHandler, peerGoAway, "go-away handler");
            }
            case CONTROL -> {
                ControlMessage message;
                try {
                    message = ControlCodec.decode(frame.payload());
                } catch (ProtocolException e) {
                    protocolViolation(e.code(), e.getMessage());
                    return;
                }
                callLinkHandler(controlHandler, message, "control handler");
            }
        }
    }

    /** DATA, whose payload the stream takes over, or which is given back here when no stream takes it. */
    private void onData(Frame frame) {
        MuxStreamImpl stream = streams.get(frame.streamId());
        if (stream == null) {
            PooledPayloads.release(frame.payload());
            onStreamFrame(frame, none -> { });
        } else if (stream.trailers() != null && frame.payload().length() > 0) {
            PooledPayloads.release(frame.payload());
            protocolViolation(ErrorCode.PROTOCOL_ERROR, "DATA frame on stream " + frame.streamId() + " after its trailers");
        } else if (!stream.onData(frame.payload())) {
            protocolViolation(ErrorCode.FLOW_CONTROL_ERROR, "peer sent " + frame.payload().length()
                    + " bytes on stream " + frame.streamId() + ", more than the window it was given");
        }
    }

    private void onStreamFrame(Frame frame, Consumer<MuxStreamImpl> action) {
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
        if (peerStreamCount >= options.maxConcurrentStreams()) {
            writer.write(FrameEncoder.reset(id, ErrorCode.TOO_MANY_STREAMS,
                    "more than " + options.maxConcurrentStreams() + " streams open on one link"));
            return;
        }
        MuxStreamImpl stream = new MuxStreamImpl(this, id, open, options.initialWindow());
        streams.put(id, stream);
        peerStreamCount++;
        openStreamCount = streams.size();
        try {
            incomingStreamHandler.handle(stream);
        } catch (RuntimeException e) {
            LOG.error("{}: incoming stream handler failed on stream {}; resetting it", name, id, e);
            stream.reset(ErrorCode.INTERNAL_ERROR, "the other side failed to accept this stream");
        }
    }

    private void onPing(Frame frame) {
        long opaque = frame.payload().getLong(0);
        if (!frame.hasFlag(FrameFlags.ACK)) {
            // A peer that pings but does not read would grow our write queue: while the socket is backed up
            // (so the peer is not reading anyway, and will see our other frames when it does) skip the answer.
            if (!writer.congested()) {
                writer.write(FrameEncoder.ping(opaque, true));
            }
            return;
        }
        long rttNanos = System.nanoTime() - opaque;
        Promise<Duration> waiting = pendingPings.remove(opaque);
        // Heartbeat pings are not in pendingPings; their opaque is also a send time.
        if (rttNanos >= 0 && (waiting != null || rttNanos <= options.heartbeatInterval().toNanos() * Math.max(1, options.heartbeatTolerance()))) {
            lastRoundTrip = Duration.ofNanos(rttNanos);
        }
        if (waiting != null) {
            waiting.tryComplete(Duration.ofNanos(Math.max(0, rttNanos)));
        }
    }

    private void heartbeat() {
        if (!closed) {
            writer.write(FrameEncoder.ping(System.nanoTime(), false));
        }
    }

    private long toleranceMillis() {
        return options.heartbeatInterval().toMillis() * options.heartbeatTolerance();
    }

    /**
     * A one-shot timer at the moment the link would have been silent for the whole tolerance: a dead link is
     * noticed within {@code tolerance} intervals, not one tick later, and frames cost no timer work.
     */
    private void scheduleLivenessCheck(long delayMillis) {
        long delay = Math.max(1, delayMillis);
        livenessDueNanos = System.nanoTime() + delay * 1_000_000;
        livenessTimer = vertx.setTimer(delay, id -> execute(this::checkLiveness));
    }

    private void checkLiveness() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        long silentMillis = (now - lastFrameNanos) / 1_000_000;
        long toleranceMillis = toleranceMillis();
        if (silentMillis < toleranceMillis) {
            scheduleLivenessCheck(toleranceMillis - silentMillis);
            return;
        }
        long lateMillis = (now - livenessDueNanos) / 1_000_000;
        if (lateMillis > options.heartbeatInterval().toMillis()) {
            // This check ran late, so this event loop was held up (a long handler, a GC pause, a starved CPU) and ran
            // the overdue timer before reading the socket again; the peer's heartbeat may wait unread, or be late for
            // the same stall (a peer in this process or on this machine). Silence counts only while this side could
            // hear: the peer gets the whole tolerance again from now.
            LOG.debug("{}: liveness check ran {} ms late; checking again in {} ms", name, lateMillis, toleranceMillis);
            scheduleLivenessCheck(toleranceMillis);
            return;
        }
        String message = "no frame from the peer for " + silentMillis + " ms (" + options.heartbeatTolerance()
                + " heartbeat intervals)";
        LOG.warn("{}: closing link: {}", name, message);
        shutdown(ErrorCode.HEARTBEAT_TIMEOUT, message, false, true);
    }

    // ---- outbound ---------------------------------------------------------------------------------------

    void scheduleSend(MuxStreamImpl stream) {
        if (stream.canSend()) {
            sendReady.add(stream);
            pump();
        }
    }

    /**
     * Queues a datagram of {@code stream} for sending; called from any thread. Returns false, and counts a drop, when
     * the link's datagram queue is full or the link is closed: the queue bounds what a backed-up socket can hold.
     */
    boolean queueDatagram(MuxStreamImpl stream, Datagram datagram) {
        if (closed || !datagrams.reserve(datagram)) {
            datagrams.countDropped();
            return false;
        }
        execute(() -> {
            if (closed || !stream.acceptsDatagrams()) {
                datagrams.release(datagram);
                datagrams.countDropped();
                return;
            }
            datagrams.add(stream.id(), datagram);
            pump();
        });
        return true;
    }

    /** Datagrams this link dropped: its queue was full, the stream was gone, or no handler took an incoming one. */
    public long datagramsDropped() {
        return datagrams.dropped();
    }

    /** Bytes of datagrams waiting to be written on this link. */
    public long datagramBytesQueued() {
        return datagrams.queuedBytes();
    }

    void sendHeaders(int streamId, HttpResponseHead head) {
        writer.writeFrame(FrameType.HEADERS, streamId, head.encode());
    }

    void sendReset(int streamId, ErrorCode code, String message) {
        if (!closed) {
            writer.write(FrameEncoder.reset(streamId, code, message));
        }
    }

    void sendWindowUpdate(int streamId, int increment) {
        if (!closed) {
            writer.writeFrame(FrameType.WINDOW_UPDATE, streamId, FrameEncoder.windowIncrement(increment));
        }
    }

    void streamClosed(MuxStreamImpl stream) {
        if (streams.remove(stream.id()) == stream && (stream.id() & 1) == peerParity) {
            peerStreamCount--;
        }
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
            // Datagrams first: they are small, latency-bound, and their queue is what bounds them, not a window.
            while (!datagrams.isEmpty() && !writer.congested()) {
                DatagramQueue.Queued next = datagrams.poll();
                writer.write(FrameEncoder.datagram(next.streamId(), next.datagram()));
            }
            while (!sendReady.isEmpty() && !writer.congested()) {
                var iterator = sendReady.iterator();
                MuxStreamImpl stream = iterator.next();
                iterator.remove();
                Buffer chunk = stream.takeChunk(ProtocolLimits.MAX_DATA_PAYLOAD);
                if (chunk != null) {
                    writer.writeFrame(FrameType.DATA, stream.id(), chunk, stream.releasesWrittenPayloads());
                }
                if (stream.halfCloseDue()) {
                    HttpTrailers trailers = stream.takeTrailers();
                    if (trailers != null) {
                        writer.writeFrame(FrameType.TRAILERS, stream.id(), trailers.encode());
                    }
                    writer.writeFrame(FrameType.HALF_CLOSE, stream.id(), null);
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
        if (closed) {
            return;
        }
        if (decoder.bufferedBytes() > 0) {
            String message = "connection closed in the middle of a frame (" + decoder.bufferedBytes() + " bytes of it received)";
            LOG.warn("{}: {}", name, message);
            shutdown(ErrorCode.PROTOCOL_ERROR, message, true, false);
        } else if (peerGoAway != null) {
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
        decoder.discard();
        writer.closeAfterFlush();
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
        if (livenessTimer >= 0) {
            vertx.cancelTimer(livenessTimer);
        }
        StreamResetException failure = new StreamResetException(code, "link closed: " + message, byPeer);
        for (MuxStreamImpl stream : streams.values().toArray(new MuxStreamImpl[0])) {
            stream.onReset(failure);
        }
        streams.clear();
        sendReady.clear();
        datagrams.clear();
        peerStreamCount = 0;
        openStreamCount = 0;
        for (Promise<Duration> ping : pendingPings.values()) {
            ping.tryFail("link " + name + " closed: " + message);
        }
        pendingPings.clear();
        closeReason = new LinkClosed(code, message, byPeer);
        closedPromise.tryComplete(closeReason);
        callLinkHandler(closeHandler, closeReason, "close handler");
    }

    /** Calls a handler of the link's owner; a throwing handler is logged and does not break the link. */
    private <T> void callLinkHandler(Handler<T> handler, T value, String what) {
        try {
            handler.handle(value);
        } catch (RuntimeException e) {
            LOG.error("{}: the {} threw", name, what, e);
        }
    }
}
