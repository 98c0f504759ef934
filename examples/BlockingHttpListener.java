import dev.burrow.agent.Burrow;
import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.EndpointListener;
import dev.burrow.agent.TunnelConnection;
import dev.burrow.protocol.HttpResponseHead;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * An HTTP endpoint whose exchanges the application takes itself, with plain blocking streams: accept() gives each
 * exchange, its request head already parsed by the edge; read the body from inputStream(), answer with
 * writeHeaders() and outputStream(). An optional traffic policy (YAML or JSON text) travels with the bind.
 * Usage: BlockingHttpListener [http://NAME.your-domain] [policy-file]
 */
public class BlockingHttpListener {
    public static void main(String[] args) throws Exception {
        BurrowSession session = Burrow.withAuthtokenFromEnv().connect().await();
        var builder = session.httpEndpoint();
        if (args.length > 0) {
            builder.url(args[0]);
        }
        if (args.length > 1) {
            builder.trafficPolicy(java.nio.file.Files.readString(java.nio.file.Path.of(args[1])));
        }
        EndpointListener listener = builder.listen().await();
        System.out.println("Listening on " + listener.publicUrl());

        while (true) {
            TunnelConnection exchange = listener.accept().await();
            new Thread(() -> answer(exchange)).start();
        }
    }

    private static void answer(TunnelConnection exchange) {
        try (InputStream in = exchange.inputStream(); OutputStream out = exchange.outputStream()) {
            long received = in.transferTo(OutputStream.nullOutputStream());
            byte[] body = (exchange.requestHead().method() + " " + exchange.requestHead().uri() + ": " + received
                    + " bytes from " + exchange.clientAddress() + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.writeHeaders(new HttpResponseHead(200, "OK", List.of(
                    Map.entry("Content-Type", "text/plain; charset=utf-8"),
                    Map.entry("Content-Length", String.valueOf(body.length))))).await();
            out.write(body);
        } catch (Exception e) {
            System.err.println(exchange.clientAddress() + ": " + e.getMessage());
        }
    }
}
