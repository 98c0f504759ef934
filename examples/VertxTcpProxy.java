import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.EndpointListener;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;

import java.nio.file.Path;

/**
 * The Vert.x form, on the application's own Vert.x instance: nothing blocks, connections arrive in a handler on the
 * session's event loop and are piped with backpressure to a local TCP service. The SDK's own forward() does the same
 * with half-close and observers; this shows the primitives.
 * Usage: VertxTcpProxy HOST:PORT   (the local service; BURROW_AUTHTOKEN, BURROW_SERVER, BURROW_EDGE_CA as usual)
 */
public class VertxTcpProxy {
    public static void main(String[] args) {
        String[] target = args[0].split(":");
        Vertx vertx = Vertx.vertx();
        NetClient client = vertx.createNetClient();
        var builder = BurrowSession.builder(vertx).authtoken(System.getenv("BURROW_AUTHTOKEN"));
        if (System.getenv("BURROW_SERVER") != null) {
            builder.serverAddress(System.getenv("BURROW_SERVER"));
        }
        if (System.getenv("BURROW_EDGE_CA") != null) {
            builder.edgeCa(Path.of(System.getenv("BURROW_EDGE_CA")));
        }
        builder.connect()
                .compose(session -> session.tcpEndpoint().listen())
                .onSuccess(endpoint -> System.out.println("Proxying " + endpoint.publicUrl() + " -> " + args[0]))
                .onFailure(failure -> {
                    System.err.println(failure.getMessage());
                    vertx.close();
                })
                .onSuccess(endpoint -> endpoint.connectionHandler(connection -> {
                    connection.pause();
                    client.connect(Integer.parseInt(target[1]), target[0]).onComplete(socket -> {
                        if (socket.failed()) {
                            connection.reset(dev.burrow.protocol.ErrorCode.UPSTREAM_UNREACHABLE, socket.cause().getMessage());
                            return;
                        }
                        connection.pipeTo(socket.result());
                        socket.result().pipeTo(connection);
                        connection.resume();
                    });
                }));
    }
}
