package dev.burrow.e2e;

import dev.burrow.testsupport.AgentProcess;
import dev.burrow.testsupport.Closeables;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.FreePorts;
import dev.burrow.testsupport.ManagedProcess;
import dev.burrow.testsupport.ProcessLogsOnFailure;
import dev.burrow.testsupport.cluster.EdgeCluster;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * gRPC through a tunnel, with a server and a client nobody on the team wrote (Debian's python3-grpcio): the client
 * speaks HTTP/2 over TLS to the edge's HTTPS listener, the agent speaks h2c to the server ({@code --upstream-protocol
 * http2}), and the response trailers (grpc-status, grpc-message, custom metadata) cross the link in a TRAILERS frame.
 * Unary and server-streaming calls keep their reply bytes, an OK status, and a refusal keeps its code and details.
 * The same calls through a second node cross the relay link between the nodes, trailers included.
 * nghttpd (an h2c upstream adding a trailer) and nghttp (an HTTP/2 client) show the same for a plain file.
 */
@ExtendWith(ProcessLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GrpcE2ETest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Pattern LISTENING = Pattern.compile("^listening (\\d+)$");

    private Path script;
    private GrpcServer server;
    private EdgeCluster cluster;
    private EdgeProcess edge;
    private AgentProcess agent;

    @BeforeAll
    void start() throws IOException {
        Assumptions.assumeTrue(ClientRun.run(List.of(PYTHON.toString(), "-c", "import grpc"), Duration.ofSeconds(20)).exitCode() == 0,
                "python3-grpcio is not installed (.ci/setup.d/24-http2-tools.sh installs it)");
        script = Files.createTempFile("grpc_echo", ".py");
        try (InputStream in = GrpcE2ETest.class.getResourceAsStream("/http2/grpc_echo.py")) {
            Files.write(script, in.readAllBytes());
        }
        server = new GrpcServer(script);
        int port = Integer.parseInt(server.awaitMatch(LISTENING, Duration.ofSeconds(20)).group(1));
        cluster = EdgeCluster.start(2, "2s");
        edge = cluster.node(0);
        // One link, to node 0: a call through node 1 crosses the relay link between the nodes.
        agent = AgentProcess.http(edge, "http://127.0.0.1:" + port).name("agent-grpc").url("https://grpc.localhost")
                .arg("--upstream-protocol", "http2", "--links", "1").start();
    }

    @AfterAll
    void stop() throws IOException {
        Closeables.closeAll(agent, cluster, server);
        if (script != null) {
            Files.deleteIfExists(script);
        }
    }

    @Test
    void unaryAndStreamingCallsKeepTheirRepliesStatusesAndTrailers() {
        assertCallsKeepTheirOutcomes(grpcClient(edge));
    }

    @Test
    void callsThroughAnotherNodeKeepTheirTrailersAcrossTheRelayLink() throws InterruptedException {
        EdgeProcess relaying = cluster.node(1);
        ClientRun run = grpcClient(relaying);
        // The other node learns the endpoint from the registry within moments of the bind; bounded retries cover that.
        for (int attempt = 1; attempt < 10 && !run.stdout().startsWith("unary code=OK"); attempt++) {
            Thread.sleep(500);
            run = grpcClient(relaying);
        }
        assertCallsKeepTheirOutcomes(run);
    }

    private ClientRun grpcClient(EdgeProcess node) {
        return ClientRun.run(List.of(PYTHON.toString(), script.toString(), "client", node.bindAddress() + ":" + node.httpsPort(),
                "grpc.localhost", node.caPath().toString()), Duration.ofSeconds(60));
    }

    private static void assertCallsKeepTheirOutcomes(ClientRun run) {
        List<String> lines = run.stdout().lines().toList();
        assertEquals(3, lines.size(), run.describe());
        assertEquals("unary code=OK reply=echo:hello trailer=kept", lines.get(0), run.describe());
        assertEquals("fail code=INVALID_ARGUMENT details=no such thing: widget trailer=refused", lines.get(1), run.describe());
        assertEquals("stream code=OK replies=part-0:4abc|part-1:4abc|part-2:4abc|part-3:4abc", lines.get(2), run.describe());
        assertEquals(0, run.exitCode(), run.describe());
    }

    @Test
    void anHttp2UpstreamsTrailersReachAnHttp2ClientAfterTheBody() throws IOException {
        Tools.assumeInstalled("nghttp");
        Path nghttpd = Path.of("/usr/sbin/nghttpd");
        Assumptions.assumeTrue(Files.isExecutable(nghttpd), "nghttpd is not installed (.ci/setup.d/24-http2-tools.sh installs it)");
        Path docroot = Files.createTempDirectory("nghttpd-");
        Files.writeString(docroot.resolve("file.txt"), "body of the file\n");
        int port = FreePorts.closedPort();
        try (NghttpdServer files = new NghttpdServer(nghttpd, port, docroot);
             AgentProcess filesAgent = AgentProcess.http(edge, "http://127.0.0.1:" + port).name("agent-nghttpd")
                     .url("https://files.localhost").arg("--upstream-protocol", "http2").start()) {
            ClientRun run = ClientRun.run(List.of(Tools.require("nghttp").toString(), "-v", "--no-dep",
                    "https://127.0.0.1:" + edge.httpsPort() + "/file.txt", "-H", ":authority: files.localhost:" + edge.httpsPort()),
                    Duration.ofSeconds(30));
            String out = run.stdout();
            int status = out.indexOf(":status: 200");
            int data = out.indexOf("recv DATA frame", status);
            int trailer = out.indexOf("x-trailer: kept", data);
            assertTrue(status > 0 && data > status && trailer > data, "status, then the body, then the trailer:\n" + run.describe());
        } finally {
            Files.deleteIfExists(docroot.resolve("file.txt"));
            Files.deleteIfExists(docroot);
        }
    }

    /** nghttpd serving a directory over h2c (prior knowledge), adding a trailer to every response with a body. */
    private static final class NghttpdServer extends ManagedProcess {
        NghttpdServer(Path nghttpd, int port, Path docroot) {
            super("nghttpd", List.of(nghttpd.toString(), "--no-tls", "--address=127.0.0.1", "-d", docroot.toString(),
                    "--trailer=x-trailer: kept", String.valueOf(port)), Map.of(), docroot);
        }
    }

    /** The python gRPC server; it stops when its stdin closes, and is killed by PID on close. */
    private static final class GrpcServer extends ManagedProcess {
        GrpcServer(Path script) {
            super("grpc-server", List.of(PYTHON.toString(), script.toString(), "server"), Map.of(), script.getParent());
        }
    }
}
