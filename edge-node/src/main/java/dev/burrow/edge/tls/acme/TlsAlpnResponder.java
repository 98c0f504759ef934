package dev.burrow.edge.tls.acme;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslClientHelloHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * Answers TLS-ALPN-01 on the public HTTPS port: first in each connection's pipeline, it reads the ClientHello; one
 * that offers ALPN {@code acme-tls/1} for a name with a published answer ({@link TlsAlpnAnswers}) is completed here
 * with the challenge certificate and then closed, and the handlers behind it (SNI routing, the HTTPS server) never
 * see it. Any other ClientHello is handed on unchanged. {@link #get()} makes the handler of one connection.
 */
public final class TlsAlpnResponder implements Supplier<ChannelHandler> {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TlsAlpnResponder.class);
    private final TlsAlpnAnswers answers;
    private final String routingHandler;

    /** @param routingHandler the name of the pipeline handler that routes an ordinary ClientHello (removed on an answer) */
    public TlsAlpnResponder(TlsAlpnAnswers answers, String routingHandler) {
        this.answers = answers;
        this.routingHandler = routingHandler;
    }

    @Override
    public ChannelHandler get() {
        return new Peek();
    }

    private final class Peek extends SslClientHelloHandler<SslContext> {
        Peek() {
            super(16 * 1024);
        }

        @Override
        protected Future<SslContext> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) {
            Promise<SslContext> promise = ctx.executor().newPromise();
            ClientHelloFields fields = clientHello == null ? null : ClientHelloFields.of(clientHello);
            if (fields == null || fields.serverName() == null || !fields.alpn().contains(TlsAlpn01Challenge.ACME_TLS_1_PROTOCOL)) {
                return promise.setSuccess(null);
            }
            String name = fields.serverName().toLowerCase(Locale.ROOT);
            answers.contextFor(name).onComplete(ar -> {
                if (ar.failed()) {
                    LOG.warn("acme: cannot answer tls-alpn-01 for {}: {}", name, ar.cause().toString());
                }
                ctx.executor().execute(() -> promise.trySuccess(ar.succeeded() ? ar.result() : null));
            });
            return promise;
        }

        @Override
        protected void onLookupComplete(ChannelHandlerContext ctx, Future<SslContext> future) {
            SslContext answer = future.getNow();
            if (answer != null && ctx.channel().isActive()) {
                if (ctx.pipeline().get(routingHandler) != null) {
                    ctx.pipeline().remove(routingHandler);
                }
                ctx.pipeline().addAfter(ctx.name(), "acme-tls-alpn-01", answer.newHandler(ctx.alloc()));
                ctx.pipeline().addAfter("acme-tls-alpn-01", "acme-tls-alpn-01-close", new CloseAfterHandshake());
                ctx.channel().config().setAutoRead(true);
            }
            ctx.pipeline().remove(this);
        }
    }

    /** The CA only needs the handshake: the connection ends with it, whatever its outcome. */
    private static final class CloseAfterHandshake extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent) {
                ctx.close();
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            io.netty.util.ReferenceCountUtil.release(message);
        }
    }
}
