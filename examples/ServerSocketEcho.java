import dev.burrow.agent.Burrow;
import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.EndpointListener;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * An echo server written against java.net.ServerSocket, served on a public TCP port of a Burrow edge. The only
 * Burrow-specific lines are the three that make the ServerSocket; the accept loop is what it always was.
 * Try it: {@code nc localhost PORT} with the port it prints.
 */
public class ServerSocketEcho {
    public static void main(String[] args) throws Exception {
        BurrowSession session = Burrow.withAuthtokenFromEnv().connect().await();
        EndpointListener endpoint = session.tcpEndpoint().listen().await();
        ServerSocket server = endpoint.serverSocket();
        System.out.println("Echoing on " + endpoint.publicUrl());

        while (true) {
            Socket client = server.accept();
            new Thread(() -> {
                try (client; InputStream in = client.getInputStream(); OutputStream out = client.getOutputStream()) {
                    in.transferTo(out);
                } catch (Exception e) {
                    System.err.println(client.getRemoteSocketAddress() + ": " + e.getMessage());
                }
            }).start();
        }
    }
}
