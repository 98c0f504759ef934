package dev.burrow.k8s;

import dev.burrow.agent.BurrowSession;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.Curl;
import dev.burrow.testsupport.tools.PythonHttpServer;
import dev.burrow.testsupport.tools.ToolProcess;
import dev.burrow.testsupport.tools.Tools;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClassBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What the controller's end-to-end tests share: a real edge (its own JVM), sessions with it, real upstreams on loopback
 * ({@code python3 -m http.server}, a {@code socat} echo) standing in for Services, and curl and socat as the public's
 * clients. Closes everything it started.
 */
final class ControllerTestBed implements AutoCloseable {
    /** Long enough for a cold edge, agent and upstream on a loaded 2-core machine (20 s seen at load 30). */
    static final Duration WAIT = Duration.ofSeconds(90);
    static final Duration POLL = Duration.ofMillis(100);
    private static final Pattern SOCAT_LISTENING = Pattern.compile("listening on .*:(\\d+)");

    final EdgeProcess edge;
    final Vertx vertx = Vertx.vertx();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    ControllerTestBed() {
        Tools.assumeInstalled("curl", "socat", "python3");
        edge = EdgeProcess.builder().startTimeout(Duration.ofSeconds(180)).start();
    }

    BurrowSession session() {
        return session(vertx);
    }

    /** A session on its own Vert.x instance, as a replica in its own process has (closed with the bed). */
    BurrowSession replicaSession() {
        Vertx own = Vertx.vertx();
        closeables.add(() -> Await.result(own.close(), WAIT, "replica vertx close"));
        return session(own);
    }

    private BurrowSession session(Vertx vertx) {
        BurrowSession session = Await.result(BurrowSession.builder(vertx).serverAddress(edge.serverAddress())
                .authtoken(edge.authtoken()).edgeCa(edge.caPath()).connect(), WAIT, "session");
        closeables.add(() -> Await.result(session.close(), WAIT, "session close"));
        return session;
    }

    /** {@code python3 -m http.server} answering {@code GET /} with {@code body}; its port. */
    int httpUpstream(String body) {
        try {
            Path dir = tempDir();
            Files.writeString(dir.resolve("index.html"), body);
            PythonHttpServer server = PythonHttpServer.serve(dir);
            closeables.add(server);
            return Integer.parseInt(server.address().substring(server.address().lastIndexOf(':') + 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A socat echo server on 127.0.0.1 (a port from the OS); its port. */
    int echoUpstream() {
        return socatUpstream("socat-echo", "EXEC:cat");
    }

    /**
     * A socat server on 127.0.0.1 that answers each line with {@code tag}, a dash and the line ({@code a-hello}): which
     * of several upstreams a connection reached; its port.
     */
    int taggedEchoUpstream(String tag) {
        return socatUpstream("socat-echo-" + tag, "SYSTEM:sed -u s/^/" + tag + "-/");
    }

    private int socatUpstream(String name, String program) {
        ToolProcess socat = ToolProcess.start(name, List.of(Tools.require("socat").toString(), "-d", "-d",
                "TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr", program), Map.of(), tempDir());
        closeables.add(socat);
        int port = Integer.parseInt(socat.awaitMatch(SOCAT_LISTENING, Duration.ofSeconds(20)).group(1));
        socat.awaitListening(port, Duration.ofSeconds(10));
        return port;
    }

    private Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("burrow-k8s-test");
            closeables.add(() -> TempDirs.deleteRecursively(dir));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What socat, as a public client, reads back after sending {@code line} to {@code 127.0.0.1:port}. */
    static ClientRun socatSend(int port, String line) {
        return ClientRun.run(List.of("sh", "-c", "printf '%s\\n' \"$1\" | \"$2\" -t 3 - TCP:127.0.0.1:" + port, "socat-send",
                line, Tools.require("socat").toString()), Duration.ofSeconds(20));
    }

    /** curl GET / of {@code host} at the edge's public HTTP port. */
    Curl.Result curl(String host) {
        return Curl.get(Curl.Version.HTTP_1_1, edge.httpPort(), host, "/", Duration.ofSeconds(10));
    }

    /** Waits until curl gets {@code status} (and {@code body}, when given) from {@code host}; the last result. */
    Curl.Result awaitCurl(String host, int status, String body) {
        return Await.eventually(() -> {
            Curl.Result result = curl(host);
            assertEquals(status, result.status(), host + ": " + result.run().stdout() + result.run().stderr());
            if (body != null) {
                assertEquals(body, result.run().stdout(), host);
            }
            return result;
        }, WAIT, POLL);
    }

    /** Each Service ("name", or "name:port" for one port of it) to the loopback port of its stand-in. */
    static ServiceUpstreams toLoopback(Map<String, Integer> services) {
        return (namespace, service, port) -> URI.create("http://127.0.0.1:"
                + services.getOrDefault(service + ":" + port, services.get(service)));
    }

    /** Creates the BurrowEndpoint CRD (deploy/kubernetes/crd-burrowendpoint.yaml) in the API server, unless it is there. */
    static void ensureCrd(KubernetesClient client) {
        var crds = client.apiextensions().v1().customResourceDefinitions();
        if (crds.withName("burrowendpoints.burrow.dev").get() == null) {
            crds.load(Path.of("..", "deploy", "kubernetes", "crd-burrowendpoint.yaml").toFile()).create();
        }
    }

    static IngressClass ingressClass(String name, String controller, boolean isDefault) {
        return new IngressClassBuilder().withNewMetadata().withName(name)
                .withAnnotations(isDefault ? Map.of(IngressClasses.DEFAULT_CLASS_ANNOTATION, "true") : Map.of()).endMetadata()
                .withNewSpec().withController(controller).endSpec().build();
    }

    static Ingress ingress(String name, String className, String host, String service) {
        return new IngressBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withIngressClassName(className)
                .addNewRule().withHost(host).withNewHttp().addNewPath().withPath("/").withPathType("Prefix")
                .withNewBackend().withNewService().withName(service).withNewPort().withNumber(80).endPort().endService().endBackend()
                .endPath().endHttp().endRule().endSpec().build();
    }

    @Override
    public void close() {
        List<AutoCloseable> lastFirst = new ArrayList<>(closeables);
        java.util.Collections.reverse(lastFirst);
        for (AutoCloseable closeable : lastFirst) {
            try {
                closeable.close();
            } catch (Exception e) {
                System.err.println("closing " + closeable + ": " + e);
            }
        }
        Await.result(vertx.close(), WAIT, "vertx close");
        edge.close();
    }
}
