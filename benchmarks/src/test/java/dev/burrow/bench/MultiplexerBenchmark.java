package dev.burrow.bench;

import dev.burrow.mux.LinkRole;
import dev.burrow.mux.MuxOptions;
import dev.burrow.mux.MuxStream;
import dev.burrow.mux.StreamMultiplexer;
import dev.burrow.protocol.ErrorCode;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One exchange through two multiplexers on a loopback TCP connection (no TLS): the dialer (the edge's role) opens a
 * stream with the request head and half-closes it; the acceptor (the agent's role) answers with the response head, a
 * 1 KiB body and a half-close. The benchmark thread waits for the end: this is the round trip an exchange pays in the
 * multiplexers, their event-loop hops and two loopback writes, without HTTP parsing on either side.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MultiplexerBenchmark {
    private static final long EXCHANGE_TIMEOUT_SECONDS = 10;

    private Vertx vertx;
    private NetServer server;
    private NetClient client;
    private StreamMultiplexer edge;

    @Setup(Level.Trial)
    public void connect() throws Exception {
        vertx = Vertx.vertx();
        MuxOptions options = MuxOptions.defaults("bench").withHeartbeatInterval(Duration.ZERO);
        server = vertx.createNetServer().connectHandler(socket -> {
            StreamMultiplexer agent = new StreamMultiplexer(vertx, socket, LinkRole.ACCEPTOR, options.withName("agent"));
            agent.incomingStreamHandler(MultiplexerBenchmark::answer);
            agent.start();
        });
        int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
        client = vertx.createNetClient();
        Promise<StreamMultiplexer> dialled = Promise.promise();
        vertx.getOrCreateContext().runOnContext(v -> client.connect(port, "127.0.0.1").onComplete(ar -> {
            if (ar.failed()) {
                dialled.fail(ar.cause());
                return;
            }
            NetSocket socket = ar.result();
            StreamMultiplexer link = new StreamMultiplexer(vertx, socket, LinkRole.DIALER, options.withName("edge"));
            link.start();
            dialled.complete(link);
        }));
        edge = dialled.future().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static void answer(MuxStream stream) {
        stream.handler(ignored -> { });
        stream.endHandler(v -> {
            stream.writeHeaders(ExchangeShapes.RESPONSE_HEAD);
            stream.write(ExchangeShapes.PAGE);
            stream.end();
        });
    }

    @Benchmark
    public long exchange() throws Exception {
        CompletableFuture<Long> done = new CompletableFuture<>();
        AtomicLong bytes = new AtomicLong();
        MuxStream stream = edge.openStream(ExchangeShapes.OPEN);
        stream.exceptionHandler(done::completeExceptionally);
        stream.handler(chunk -> bytes.addAndGet(chunk.length()));
        stream.endHandler(v -> done.complete(bytes.get()));
        stream.end();
        return done.get(EXCHANGE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        edge.close(ErrorCode.NO_ERROR, "benchmark over");
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
