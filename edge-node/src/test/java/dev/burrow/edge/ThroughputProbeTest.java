package dev.burrow.edge;

import dev.burrow.edge.config.EdgeConfig;
import dev.burrow.protocol.HttpResponseHead;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static dev.burrow.edge.EdgeNodeEndToEndTest.await;

/**
 * Not part of the normal run: {@code mvn -pl edge-node test -Dtest=ThroughputProbeTest -Dprobe=true} measures HTTP
 * download/upload through an edge and a fake agent; with -Dprobe.dataDir/-Dprobe.http/-Dprobe.tunnel it probes an
 * edge started elsewhere (for example {@code java -Xmx128m -jar burrow-edge.jar}) and -Dprobe.mib=1024 moves 1 GiB.
 */
@EnabledIfSystemProperty(named = "probe", matches = "true")
class ThroughputProbeTest {
    @TempDir
    Path dataDir;

    @Test
    void probe() throws Exception {
        Vertx vertx = Vertx.vertx();
        // -Dprobe.dataDir=DIR -Dprobe.http=PORT -Dprobe.tunnel=PORT probe an edge running elsewhere (e.g. with -Xmx128m)
        String external = System.getProperty("probe.dataDir");
        int mib = Integer.getInteger("probe.mib", 64);
        EdgeNode edge = external != null ? null
                : await(EdgeNode.start(vertx, EdgeConfig.defaults().withHttpPort(0).withHttpsPort(0).withTunnelPort(0).withOpsPort(0).withDataDir(dataDir)));
        int httpPort = external != null ? Integer.getInteger("probe.http") : edge.httpPort();
        int tunnelPort = external != null ? Integer.getInteger("probe.tunnel") : edge.tunnelPort();
        Path ca = external != null ? Path.of(external, "ca.pem") : edge.caCertPath();
        String token = external != null ? java.nio.file.Files.readString(Path.of(external, "authtoken")).trim() : edge.devAuthtoken();
        Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
        FakeAgent agent = await(FakeAgent.connect(vertx, tunnelPort, ca, token, null));
        agent.onStream(stream -> {
            if (stream.open().requestHead().uri().equals("/down")) {
                stream.writeHeaders(new HttpResponseHead(200, "OK", List.of()));
                int[] left = {mib * 16};
                Runnable[] pump = new Runnable[1];
                pump[0] = () -> {
                    while (left[0] > 0 && !stream.writeQueueFull()) {
                        stream.write(chunk);
                        left[0]--;
                    }
                    if (left[0] == 0) {
                        stream.end();
                    }
                };
                stream.drainHandler(v -> pump[0].run());
                stream.handler(b -> { });
                pump[0].run();
            } else {
                long[] n = {0};
                stream.handler(b -> n[0] += b.length());
                stream.endHandler(v -> {
                    stream.writeHeaders(new HttpResponseHead(200, "OK", List.of(AgentResponders.header("Content-Length", "" + Long.toString(n[0]).length()))));
                    stream.end(Buffer.buffer(Long.toString(n[0])));
                });
            }
        });
        agent.closed().onComplete(ar -> System.out.println("agent link closed: " + ar));
        await(agent.authResult());
        await(agent.bindHttp("p.localhost", null));
        HttpClient http = vertx.createHttpClient();
        for (int round = 0; round < Integer.getInteger("probe.rounds", 3); round++) {
            long t0 = System.nanoTime();
            long[] got = {0};
            long timer = vertx.setPeriodic(1000, id -> System.out.printf("progress %d bytes%n", got[0]));
            await(http.request(new RequestOptions().setServer(SocketAddress.inetSocketAddress(httpPort, "127.0.0.1")).setHost("p.localhost").setURI("/down"))
                    .compose(r -> r.send()).compose(resp -> {
                        Promise<Void> p = Promise.promise();
                        resp.handler(b -> got[0] += b.length());
                        resp.endHandler(v -> p.complete());
                        return p.future();
                    }));
            vertx.cancelTimer(timer);
            System.out.printf("download %d MiB in %d ms%n", got[0] >> 20, (System.nanoTime() - t0) / 1_000_000);
            long t1 = System.nanoTime();
            String reply = await(http.request(new RequestOptions().setMethod(HttpMethod.POST).setServer(SocketAddress.inetSocketAddress(httpPort, "127.0.0.1")).setHost("p.localhost").setURI("/up").putHeader("Content-Length", "" + ((long) mib << 20)))
                    .compose(req -> {
                        int[] left = {mib * 16};
                        Runnable[] pump = new Runnable[1];
                        pump[0] = () -> {
                            while (left[0] > 0 && !req.writeQueueFull()) {
                                req.write(chunk);
                                left[0]--;
                            }
                            if (left[0] == 0) {
                                left[0] = -1;
                                req.end();
                            }
                        };
                        req.drainHandler(v -> pump[0].run());
                        pump[0].run();
                        return req.response();
                    }).compose(resp -> resp.body()).map(Buffer::toString));
            System.out.printf("upload %s bytes in %d ms%n", reply, (System.nanoTime() - t1) / 1_000_000);
        }
        if (edge != null) {
            await(edge.close());
        }
        await(vertx.close());
    }
}
