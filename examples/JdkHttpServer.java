import com.sun.net.httpserver.HttpServer;
import dev.burrow.agent.Burrow;
import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.Forwarder;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The JDK's own HTTP server on a loopback port, published at a public URL with forward(URI): the SDK keeps a pooled
 * keep-alive client to it and relays every exchange (bodies streamed both ways, WebSocket upgrades as byte pipes).
 */
public class JdkHttpServer {
    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] hello = ("hello from " + exchange.getRequestURI() + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, hello.length);
            exchange.getResponseBody().write(hello);
            exchange.close();
        });
        server.start();

        BurrowSession session = Burrow.withAuthtokenFromEnv().connect().await();
        Forwarder web = session.httpEndpoint()
                .forward(URI.create("http://127.0.0.1:" + server.getAddress().getPort())).await();
        System.out.println("Forwarding " + web.publicUrl() + " -> " + web.upstream());

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            session.close().await();      // the edge frees the name at once
            server.stop(0);
        }));
        session.closed().await();
    }
}
