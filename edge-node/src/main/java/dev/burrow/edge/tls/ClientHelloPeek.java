package dev.burrow.edge.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Reads the server name (SNI) of a TLS ClientHello without terminating TLS, with Netty's ClientHello parser: the
 * record may come split over any number of TCP segments; a ClientHello longer than {@code maxLength} bytes, a first
 * record that is not TLS, or one not complete within {@code timeoutMillis} of the connection closes the connection.
 * A ClientHello without SNI gives null. While the route is looked up no further bytes are read; then {@code onRouted}
 * runs on the channel's event loop and this handler leaves the pipeline, handing every byte it held, unchanged, to
 * the handlers behind it.
 *
 * @param <R> what the name routes to
 */
final class ClientHelloPeek<R> extends AbstractSniHandler<R> {
    static final String NAME = "burrow-client-hello-peek";

    private final Function<String, io.vertx.core.Future<R>> route;
    private final BiConsumer<String, R> onRouted;

    /**
     * @param route    looks up what a server name (null: none) routes to; a failure routes to null
     * @param onRouted gets the name and its route before the held bytes move on
     */
    ClientHelloPeek(int maxLength, long timeoutMillis, Function<String, io.vertx.core.Future<R>> route, BiConsumer<String, R> onRouted) {
        super(maxLength, timeoutMillis);
        this.route = route;
        this.onRouted = onRouted;
    }

    @Override
    protected Future<R> lookup(ChannelHandlerContext ctx, String hostname) {
        Promise<R> promise = ctx.executor().newPromise();
        route.apply(hostname).onComplete(ar -> ctx.executor().execute(() -> promise.trySuccess(ar.succeeded() ? ar.result() : null)));
        return promise;
    }

    @Override
    protected void onLookupComplete(ChannelHandlerContext ctx, String hostname, Future<R> future) {
        if (!ctx.channel().isActive()) {
            return;
        }
        onRouted.accept(hostname, future.getNow());
        ctx.pipeline().remove(this);
    }
}
