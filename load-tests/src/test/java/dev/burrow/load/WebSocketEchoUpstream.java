package dev.burrow.load;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The WebSocket upstream for {@link WebSocketSimulation}: echoes every text and binary message on
 * {@value #WS_PATH}; any other request gets 200 "{@value #PLAIN_BODY}" (a readiness probe for gatling.sh).
 * Built on the Netty that Gatling already brings, so it needs nothing outside this module's test classpath.
 * Prints {@code WebSocket echo listening on HOST:PORT} once bound; port 0 picks a free port.
 *
 * <p>Usage: {@code java -cp <test classpath> dev.burrow.load.WebSocketEchoUpstream [host] [port]}
 */
public final class WebSocketEchoUpstream {

  static final String WS_PATH = "/ws";
  static final String PLAIN_BODY = "burrow websocket echo\n";
  /** Largest message echoed; the simulations send a few dozen bytes. */
  static final int MAX_FRAME_BYTES = 64 * 1024;

  private WebSocketEchoUpstream() {}

  public static void main(String[] args) throws InterruptedException {
    String host = args.length > 0 ? args[0] : "127.0.0.1";
    int port = args.length > 1 ? Integer.parseInt(args[1]) : 0;
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel server = new ServerBootstrap()
          .group(group)
          .channel(NioServerSocketChannel.class)
          .childHandler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
              ch.pipeline()
                  .addLast(new HttpServerCodec())
                  .addLast(new HttpObjectAggregator(MAX_FRAME_BYTES))
                  .addLast(new WebSocketServerProtocolHandler(WS_PATH, null, false, MAX_FRAME_BYTES))
                  .addLast(new EchoHandler());
            }
          })
          .bind(host, port).sync().channel();
      InetSocketAddress bound = (InetSocketAddress) server.localAddress();
      System.out.println("WebSocket echo listening on " + bound.getHostString() + ":" + bound.getPort());
      System.out.flush();
      server.closeFuture().sync();
    } finally {
      group.shutdownGracefully();
    }
  }

  /** Echoes WebSocket data frames; answers plain HTTP requests (not upgrades) with a short 200. */
  private static final class EchoHandler extends SimpleChannelInboundHandler<Object> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
        ctx.writeAndFlush(((WebSocketFrame) msg).retainedDuplicate());
      } else if (msg instanceof FullHttpRequest request) {
        FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), HttpResponseStatus.OK,
            Unpooled.copiedBuffer(PLAIN_BODY, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpUtil.setContentLength(response, response.content().readableBytes());
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
          written.addListener(ChannelFutureListener.CLOSE);
        }
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
