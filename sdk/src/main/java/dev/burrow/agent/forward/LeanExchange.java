package dev.burrow.agent.forward;

import dev.burrow.agent.ExchangeObserver;
import dev.burrow.agent.TunnelConnection;
import dev.burrow.agent.internal.StreamConnection;
import dev.burrow.mux.MuxStream;
import dev.burrow.protocol.ErrorCode;
import dev.burrow.protocol.HttpRequestHead;
import dev.burrow.protocol.HttpResponseHead;
import dev.burrow.protocol.HttpTrailers;
import dev.burrow.protocol.PooledPayloads;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One plain-HTTP/1.1 exchange on a pooled upstream channel: the edge's request head encoded by Netty's codec, the
 * request body written as it comes (chunked when the client's was, or when it has no length), the response head sent
 * back with {@code writeHeaders} and its body written into the stream, with backpressure both ways (the stream pauses
 * while the channel is not writable; the channel stops reading while the stream's queue is full). The channel goes back
 * to the pool only after a complete keep-alive response to a completely sent request; on any failure, a client that went
 * away or a timeout it is closed. Everything runs on the link's event loop, which is also the channel's.
 */
final class LeanExchange extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(LeanExchange.class);
    private static final String HANDLER = "exchange";

    private final UpstreamChannelPool pool;
    private final EventLoop loop;
    private final HttpUpstream upstream;
    private final UpstreamTimeouts timeouts;
    private final TunnelConnection connection;
    /** The link stream behind {@code connection}, told to release the pooled body pieces written to it. */
    private final MuxStream stream;
    private final HttpRequestHead head;
    private final ExchangeObserver.Exchange observed;
    private Channel channel;
    private DefaultHttpRequest request;
    private ScheduledFuture<?> responseTimer;
    private boolean headWritten;
    private boolean requestEnded;
    private boolean informational;
    private boolean responded;
    private boolean keepAlive;
    /** The client went away or the exchange timed out: nothing more is sent to it. */
    private boolean aborted;
    /** The exchange let go of its channel (given back or closed). */
    private boolean done;

    LeanExchange(UpstreamChannelPool pool, EventLoop loop, HttpUpstream upstream, UpstreamTimeouts timeouts,
                 StreamConnection connection, ExchangeObserver observer) {
        this.pool = pool;
        this.stream = connection.stream();
        this.loop = loop;
        this.upstream = upstream;
        this.timeouts = timeouts;
        this.connection = connection;
        this.head = connection.requestHead();
        this.observed = ObservedExchanges.begin(observer, connection);
    }

    /** Called on any thread; the exchange moves to the link's event loop. */
    void start() {
        connection.pause();
        connection.exceptionHandler(this::onClientGone);
        try {
            request = requestHead();
        } catch (IllegalArgumentException invalid) {
            failUpstream(invalid);
            return;
        }
        if (loop.inEventLoop()) {
            acquire();
        } else {
            loop.execute(this::acquire);
        }
    }

    private void acquire() {
        pool.acquire(loop).addListener((io.netty.util.concurrent.Future<Channel> acquired) -> {
            if (!acquired.isSuccess()) {
                failUpstream(acquired.cause());
            } else if (aborted) {
                pool.release(acquired.getNow());
            } else {
                attach(acquired.getNow());
            }
        });
    }

    private void attach(Channel acquired) {
        channel = acquired;
        channel.pipeline().addBefore(UpstreamChannelPool.GUARD, HANDLER, this);
        if (!channel.isActive()) {
            // Closed by the upstream between the pool's check and now: this handler will not hear of it.
            failUpstream(new ClosedChannelException());
            return;
        }
        boolean fixedLength = request.headers().contains(HttpHeaderNames.CONTENT_LENGTH);
        if (!fixedLength && head.headers().stream().anyMatch(h -> h.getKey().equalsIgnoreCase("transfer-encoding"))) {
            HttpUtil.setTransferEncodingChunked(request, true);
        }
        if (fixedLength || HttpUtil.isTransferEncodingChunked(request)) {
            writeHead();
        }
        connection.handler(this::onRequestData);
        connection.endHandler(v -> onRequestEnd());
        connection.resume();
    }

    private DefaultHttpRequest requestHead() {
        DefaultHttpRequest built = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(head.method()), head.uri());
        HttpHeaders headers = built.headers();
        for (Map.Entry<String, String> header : HopByHopHeaders.strip(head.headers(), false)) {
            // The edge answers Expect itself; the upstream gets the body without being asked.
            if (!header.getKey().equalsIgnoreCase("expect")) {
                headers.add(header.getKey(), header.getValue());
            }
        }
        if (!headers.contains(HttpHeaderNames.HOST)) {
            headers.set(HttpHeaderNames.HOST, upstream.address());
        }
        return built;
    }

    private void writeHead() {
        headWritten = true;
        channel.write(request);
    }

    private void onRequestData(Buffer data) {
        if (done) {
            return;
        }
        observed.requestBody(data);
        if (!headWritten) {
            // A body without a length: send it chunked.
            HttpUtil.setTransferEncodingChunked(request, true);
            writeHead();
        }
        channel.writeAndFlush(new DefaultHttpContent(((BufferInternal) data).getByteBuf()));
        if (!channel.isWritable()) {
            connection.pause();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && !requestEnded && !done) {
            connection.resume();
        }
    }

    private void onRequestEnd() {
        if (done) {
            return;
        }
        requestEnded = true;
        if (!headWritten) {
            writeHead();
        }
        channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!responded && !aborted) {
            long millis = timeouts.response().toMillis();
            responseTimer = loop.schedule(this::onResponseTimeout, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void onResponseTimeout() {
        responseTimer = null;
        if (responded || done) {
            return;
        }
        aborted = true;
        String message = timeouts.noAnswer(upstream);
        observed.fail(message);
        LOG.debug("{}: {}", connection, message);
        closeChannel();
        connection.reset(ErrorCode.UPSTREAM_TIMEOUT, message);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        boolean handedOver = false;
        try {
            if (done) {
                return;
            }
            if (msg instanceof HttpResponse response && !onResponseHead(response)) {
                return;
            }
            if (msg instanceof HttpContent content) {
                handedOver = onResponseContent(content);
            }
        } finally {
            if (!handedOver) {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    /** Returns whether the message may carry body content for the client. */
    private boolean onResponseHead(HttpResponse response) {
        if (response.decoderResult().isFailure()) {
            failUpstream(response.decoderResult().cause());
            return false;
        }
        int status = response.status().code();
        if (status < 200) {
            // 100 Continue, 103 Early Hints: not relayed; a 101 to a request that did not ask to upgrade is a fault.
            if (status == 101) {
                failUpstream(new IllegalStateException("upstream switched protocols without being asked to"));
                return false;
            }
            informational = true;
            return false;
        }
        responded = true;
        cancelResponseTimer();
        keepAlive = HttpUtil.isKeepAlive(response);
        HttpResponseHead responseHead = new HttpResponseHead(status, response.status().reasonPhrase(),
                HopByHopHeaders.strip(entries(response.headers()), false));
        observed.response(responseHead.status(), responseHead.reason(), responseHead.headers());
        stream.releaseWrittenPayloads();
        connection.writeHeaders(responseHead);
        connection.drainHandler(v -> onDrained());
        return true;
    }

    /** Returns whether the content's buffer was handed over to the link (which then releases it). */
    private boolean onResponseContent(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            failUpstream(content.decoderResult().cause());
            return false;
        }
        if (informational) {
            // The (empty) end of an informational response; the real one follows.
            informational = !(content instanceof LastHttpContent);
            return false;
        }
        if (!responded) {
            return false;
        }
        ByteBuf bytes = content.content();
        boolean handedOver = false;
        if (bytes.isReadable()) {
            // A direct piece goes to the link as it is: the link releases it once copied into its batch.
            handedOver = bytes.isDirect();
            Buffer chunk = handedOver ? PooledPayloads.adopt(bytes)
                    : BufferInternal.buffer(Unpooled.wrappedBuffer(ByteBufUtil.getBytes(bytes)));
            observed.responseBody(chunk);
            connection.write(chunk);
            if (connection.writeQueueFull()) {
                channel.config().setAutoRead(false);
            }
        }
        if (content instanceof LastHttpContent last) {
            onResponseEnd(last.trailingHeaders());
        }
        return handedOver;
    }

    private void onDrained() {
        if (!done) {
            channel.config().setAutoRead(true);
        }
    }

    private void onResponseEnd(HttpHeaders trailerFields) {
        HttpTrailers trailers;
        try {
            trailers = trailerFields.isEmpty() ? null : new HttpTrailers(entries(trailerFields));
        } catch (IllegalArgumentException tooLarge) {
            failUpstream(tooLarge);
            return;
        }
        done = true;
        detach();
        if (keepAlive && requestEnded) {
            pool.release(channel);
        } else {
            channel.close();
            // The upstream answered before the request body ended: the rest of the body is read and dropped.
            connection.handler(data -> { });
            connection.resume();
        }
        connection.end(trailers);
        observed.end();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // The codec passed on whatever it had decoded first: an end that came with the close was seen already.
        failUpstream(new ClosedChannelException());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failUpstream(cause);
    }

    private void onClientGone(Throwable reason) {
        if (aborted || done) {
            return;
        }
        aborted = true;
        observed.fail("the client went away (" + reason.getMessage() + ")");
        LOG.debug("{}: the client went away ({}); closing the upstream connection", connection, reason.getMessage());
        if (channel != null) {
            closeChannel();
        }
    }

    private void failUpstream(Throwable failure) {
        if (done || aborted) {
            if (!done && channel != null) {
                closeChannel();
            }
            return;
        }
        if (channel != null) {
            closeChannel();
        }
        done = true;
        if (responded) {
            String message = failure instanceof ClosedChannelException
                    ? "upstream " + upstream.address() + " closed the connection before the end of the response"
                    : "upstream " + upstream.address() + " broke off the response: " + failure.getMessage();
            observed.fail(message);
            LOG.debug("{}: {}", connection, message);
            connection.reset(ErrorCode.UPSTREAM_ERROR, "upstream " + upstream.address() + " broke off the response");
            return;
        }
        UpstreamFailures.Failure mapped = failure instanceof ClosedChannelException
                ? new UpstreamFailures.Failure(ErrorCode.UPSTREAM_ERROR,
                        "upstream " + upstream.address() + " closed the connection without answering")
                : UpstreamFailures.classify(failure, upstream.address());
        observed.fail(mapped.message());
        LOG.debug("{}: {}", connection, mapped.message());
        connection.reset(mapped.code(), mapped.message());
    }

    /** Stops the exchange's use of its channel and closes it (never back to the pool: its state is unknown). */
    private void closeChannel() {
        done = true;
        detach();
        channel.close();
    }

    private void detach() {
        cancelResponseTimer();
        if (channel != null && channel.pipeline().context(this) != null) {
            channel.pipeline().remove(this);
        }
    }

    private void cancelResponseTimer() {
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
    }

    private static List<Map.Entry<String, String>> entries(HttpHeaders headers) {
        List<Map.Entry<String, String>> list = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> header : headers) {
            list.add(Map.entry(header.getKey(), header.getValue()));
        }
        return list;
    }
}
