package dev.burrow.k8s;

import dev.burrow.agent.BurrowSession;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.EdgeProcess;
import dev.burrow.testsupport.PublicHttpClient;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.Curl;
import dev.burrow.testsupport.tools.Tools;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPathBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressLoadBalancerIngress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressTLSBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The controller against fabric8's mock API server in CRUD mode (watches, status; no admission, RBAC or
 * server-side apply), a real edge in its own JVM and real upstreams on loopback: what a user of the cluster sees
 * through the public hostname as Ingresses are created, changed and deleted.
 */
@EnableKubernetesMockClient(crud = true)
class IngressControllerE2ETest {
    /** Long enough for a cold edge, agent and upstream on a loaded 2-core machine (20 s seen at load 30). */
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(100);

    private static final ControllerSettings SHOP = ControllerSettings.defaults(List.of("shop"));

    KubernetesClient client;
    KubernetesMockServer server;

    private static EdgeProcess edge;
    private Vertx vertx;
    private BurrowSession session;
    private PublicHttpClient http;

    @BeforeAll
    static void startEdge() {
        edge = EdgeProcess.builder().startTimeout(Duration.ofSeconds(180)).start();
    }

    @AfterAll
    static void stopEdge() {
        if (edge != null) {
            edge.close();
        }
    }

    @BeforeEach
    void startSession() {
        vertx = Vertx.vertx();
        session = Await.result(BurrowSession.builder(vertx).serverAddress(edge.serverAddress()).authtoken(edge.authtoken())
                .edgeCa(edge.caPath()).connect(), WAIT, "session");
        http = new PublicHttpClient(vertx, edge.httpPort(), 2);
    }

    @AfterEach
    void stopAll() {
        http.close();
        Await.result(session.close().eventually(vertx::close), WAIT, "close");
    }

    @Test
    void anIngressIsServedAtItsHostWithItsStatusAndGoesWhenDeletedWhileAnotherStays() {
        Map<String, Integer> services = Map.of("web", upstream("web v1"), "blog", upstream("blog"), "api", upstream("api"));
        client.network().v1().ingressClasses().resource(ControllerTestBed.ingressClass("burrow", ControllerSettings.DEFAULT_CONTROLLER_NAME, false)).create();
        try (BurrowController ignored = BurrowController.start(client, session, toLoopback(services), SHOP)) {
            create(ingress("web", "web.localhost", "web"));
            create(ingress("blog", "blog.localhost", "blog"));
            Ingress paths = ingress("paths", "paths.localhost", "web");
            paths.getSpec().getRules().get(0).getHttp().getPaths().add(0, new HTTPIngressPathBuilder().withPath("/api").withPathType("Prefix")
                    .withNewBackend().withNewService().withName("api").withNewPort().withNumber(80).endPort().endService().endBackend().build());
            create(paths);

            awaitBody("web.localhost", 200, "web v1");
            awaitBody("blog.localhost", 200, "blog");
            awaitBody("paths.localhost", 200, "web v1");
            assertEquals("api", http.get("paths.localhost", "/api/items?page=2").bodyText(), "a path rule goes to its own Service");
            assertEquals("web v1", http.get("paths.localhost", "/apix").bodyText(), "a prefix matches whole path segments");
            Await.until(() -> statusHosts("web").equals(List.of("web.localhost")), WAIT, POLL,
                    () -> "status of web: " + statusHosts("web"));

            client.network().v1().ingresses().inNamespace("shop").withName("web").delete();
            awaitBody("web.localhost", 404, null);
            assertEquals("blog", http.get("blog.localhost", "/").bodyText());
            assertEquals(List.of("blog.localhost"), statusHosts("blog"));
        }
    }

    @Test
    void anExactPathTakesOnlyItselfAndAHostWithoutASlashPathAnswers404ForAPathNoRuleTakes() {
        Map<String, Integer> services = Map.of("web", upstream("web"), "login", upstream("login"), "api", upstream("api"));
        client.network().v1().ingressClasses().resource(ControllerTestBed.ingressClass("burrow", ControllerSettings.DEFAULT_CONTROLLER_NAME, false)).create();
        try (BurrowController ignored = BurrowController.start(client, session, toLoopback(services), SHOP)) {
            Ingress exact = ingress("exact", "exact.localhost", "web");
            exact.getSpec().getRules().get(0).getHttp().getPaths().add(new HTTPIngressPathBuilder().withPath("/login").withPathType("Exact")
                    .withNewBackend().withNewService().withName("login").withNewPort().withNumber(80).endPort().endService().endBackend().build());
            create(exact);
            Ingress noRoot = ingress("noroot", "noroot.localhost", "api");
            noRoot.getSpec().getRules().get(0).getHttp().getPaths().get(0).setPath("/api");
            noRoot.getSpec().getRules().get(0).getHttp().getPaths().add(new HTTPIngressPathBuilder().withPath("/health").withPathType("Exact")
                    .withNewBackend().withNewService().withName("web").withNewPort().withNumber(80).endPort().endService().endBackend().build());
            create(noRoot);

            awaitBody("exact.localhost", 200, "web");
            assertEquals("login", http.get("exact.localhost", "/login?next=%2F").bodyText(), "an Exact path takes its path");
            assertEquals("web", http.get("exact.localhost", "/login/more").bodyText(), "and nothing under it");
            assertEquals("web", http.get("exact.localhost", "/logins").bodyText());

            Await.until(() -> http.get("noroot.localhost", "/api/items").status() == 200, WAIT, POLL, () -> "noroot.localhost never served");
            assertEquals("api", http.get("noroot.localhost", "/api/items").bodyText());
            assertEquals("web", http.get("noroot.localhost", "/health").bodyText());
            for (String path : List.of("/", "/other", "/health/x", "/apix")) {
                PublicHttpClient.Response unmatched = http.get("noroot.localhost", path);
                assertEquals(404, unmatched.status(), path + ": " + unmatched.bodyText());
                assertEquals("no route for this path\n", unmatched.bodyText(), path);
            }
        }
    }

    @Test
    void aBackendChangeReBindsTheHostToTheNewServiceWhileAnotherHostStays() {
        Map<String, Integer> services = Map.of("web", upstream("web v1"), "web-v2", upstream("web v2"), "blog", upstream("blog"));
        client.network().v1().ingressClasses().resource(ControllerTestBed.ingressClass("burrow", ControllerSettings.DEFAULT_CONTROLLER_NAME, false)).create();
        try (BurrowController ignored = BurrowController.start(client, session, toLoopback(services), SHOP)) {
            create(ingress("web", "web.localhost", "web"));
            create(ingress("blog", "blog.localhost", "blog"));
            awaitBody("web.localhost", 200, "web v1");

            // The controller may be writing the Ingress's status at this moment: a 409 Conflict means read it again.
            Await.eventually(() -> client.network().v1().ingresses().inNamespace("shop").withName("web").edit(i -> {
                i.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService().setName("web-v2");
                return i;
            }), WAIT, POLL);
            awaitBody("web.localhost", 200, "web v2");
            assertEquals("blog", http.get("blog.localhost", "/").bodyText());
        }
    }

    @Test
    void onlyIngressesNamingAClassOfThisControllerOrTheDefaultClassWhenItIsOursAreServed() {
        Map<String, Integer> services = Map.of("web", upstream("web"), "other", upstream("other"), "plain", upstream("plain"));
        client.network().v1().ingressClasses().resource(ControllerTestBed.ingressClass("tunnels", ControllerSettings.DEFAULT_CONTROLLER_NAME, false)).create();
        client.network().v1().ingressClasses().resource(ControllerTestBed.ingressClass("nginx", "k8s.io/ingress-nginx", true)).create();
        try (BurrowController ignored = BurrowController.start(client, session, toLoopback(services), SHOP)) {
            create(ControllerTestBed.ingress("web", "tunnels", "web.localhost", "web"));
            create(ControllerTestBed.ingress("other", "nginx", "other.localhost", "other"));
            create(ControllerTestBed.ingress("plain", null, "plain.localhost", "plain"));

            awaitBody("web.localhost", 200, "web");
            assertEquals(404, curlStatus("other.localhost"), "an Ingress of another controller's class");
            assertEquals(404, curlStatus("plain.localhost"), "no class, and the default class is not ours");
            assertEquals(List.of(), statusHosts("other"));

            client.network().v1().ingressClasses().withName("nginx").edit(c -> {
                c.getMetadata().setAnnotations(Map.of());
                return c;
            });
            client.network().v1().ingressClasses().withName("tunnels").edit(c -> {
                c.getMetadata().setAnnotations(Map.of(IngressClasses.DEFAULT_CLASS_ANNOTATION, "true"));
                return c;
            });
            awaitBody("plain.localhost", 200, "plain");
            Await.until(() -> statusHosts("plain").equals(List.of("plain.localhost")), WAIT, POLL,
                    () -> "status of plain: " + statusHosts("plain"));

            client.network().v1().ingressClasses().withName("tunnels").edit(c -> {
                c.getSpec().setController("example.com/another-controller");
                return c;
            });
            awaitBody("web.localhost", 404, null);
            Await.until(() -> statusHosts("web").isEmpty(), WAIT, POLL, () -> "status of web: " + statusHosts("web"));
            assertEquals(404, curlStatus("plain.localhost"), "the default class is no longer ours");
        }
    }

    private int curlStatus(String host) {
        return Curl.get(Curl.Version.HTTP_1_1, edge.httpPort(), host, "/", Duration.ofSeconds(10)).status();
    }

    @Test
    void aHostNamedByATlsSectionIsServedOverHttpsWithTheEdgesCertificateWhileTheOtherHostStaysPlainHttp() {
        Map<String, Integer> services = Map.of("web", upstream("web over tls"), "blog", upstream("blog"));
        client.network().v1().ingressClasses().resource(ControllerTestBed.ingressClass("burrow", ControllerSettings.DEFAULT_CONTROLLER_NAME, false)).create();
        try (BurrowController ignored = BurrowController.start(client, session, toLoopback(services), SHOP)) {
            Ingress ingress = ingress("tls", "secure.localhost", "web");
            ingress.getSpec().getRules().add(ingress("plain", "plain-tls.localhost", "blog").getSpec().getRules().get(0));
            ingress.getSpec().setTls(List.of(new IngressTLSBuilder().withHosts("secure.localhost").withSecretName("not-read").build()));
            create(ingress);

            ClientRun secure = Await.eventually(() -> {
                ClientRun run = curlHttps("secure.localhost");
                assertTrue(run.stdout().startsWith("HTTP/1.1 200"), run.stdout() + run.stderr());
                return run;
            }, WAIT, POLL);
            assertTrue(secure.stdout().endsWith("\r\nweb over tls"), secure.stdout());
            PublicHttpClient.Response plain = http.get("secure.localhost", "/");
            assertEquals(308, plain.status(), "plain HTTP to a TLS host is redirected");
            assertEquals("https://secure.localhost:" + edge.httpsPort() + "/", plain.header("location"));
            awaitBody("plain-tls.localhost", 200, "blog");
        }
    }

    @Test
    void kubectlCreatesGetsPatchesAndDeletesAnIngressAndTheControllerFollowsEachStep() {
        Map<String, Integer> services = Map.of("web", upstream("web v1"), "web-v2", upstream("web v2"));
        try (KubectlOnMock kubectl = new KubectlOnMock(server);
             BurrowController ignored = BurrowController.start(client, session, toLoopback(services), SHOP)) {
            kubectl.run("create", "--validate=false", "-f", kubectl.file("class.yaml", """
                    apiVersion: networking.k8s.io/v1
                    kind: IngressClass
                    metadata: {name: burrow}
                    spec: {controller: %s}
                    """.formatted(ControllerSettings.DEFAULT_CONTROLLER_NAME)).toString());
            kubectl.run("create", "--validate=false", "-f", kubectl.file("ingress.yaml", """
                    apiVersion: networking.k8s.io/v1
                    kind: Ingress
                    metadata: {name: web}
                    spec:
                      ingressClassName: burrow
                      rules:
                        - host: kubectl.localhost
                          http:
                            paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
                    """).toString());
            awaitCurl("/", 200, "web v1");
            Await.until(() -> kubectl.run("get", "ingress", "web", "-o", "jsonpath={.status.loadBalancer.ingress[*].hostname}")
                    .equals("kubectl.localhost"), WAIT, POLL, () -> "kubectl get ingress web: " + kubectl.run("get", "ingress", "web", "-o", "yaml"));

            kubectl.run("patch", "ingress", "web", "--type=json", "-p", """
                    [{"op": "add", "path": "/spec/rules/0/http/paths/0", "value": {"path": "/v2", "pathType": "Prefix",
                      "backend": {"service": {"name": "web-v2", "port": {"number": 80}}}}}]""");
            awaitCurl("/v2/page", 200, "web v2");
            awaitCurl("/", 200, "web v1");

            kubectl.run("delete", "ingress", "web");
            awaitCurl("/", 404, null);
        }
    }

    /**
     * Waits until curl gets {@code status} (and {@code body}) for {@code path} of kubectl.localhost. curl gives up after
     * 3 s and tries again: the first request after a bind can hang at the agent (docs/kubernetes.md, "Found, not fixed").
     */
    private static void awaitCurl(String path, int status, String body) {
        Await.eventually(() -> {
            Curl.Result result = Curl.get(Curl.Version.HTTP_1_1, edge.httpPort(), "kubectl.localhost", path, Duration.ofSeconds(3));
            assertEquals(status, result.status(), path + ": " + result.run().stdout() + result.run().stderr());
            if (body != null) {
                assertEquals(body, result.run().stdout(), path);
            }
            return result;
        }, WAIT, POLL);
    }

    /** curl over HTTPS to NAME at the edge's HTTPS port (resolved to loopback), trusting only the edge's dev CA. */
    private static ClientRun curlHttps(String name) {
        return ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "-i", "--http1.1", "--max-time", "3",
                "--cacert", edge.caPath().toString(), "--resolve", name + ":" + edge.httpsPort() + ":127.0.0.1",
                "https://" + name + ":" + edge.httpsPort() + "/"), Duration.ofSeconds(20));
    }

    private static ServiceUpstreams toLoopback(Map<String, Integer> services) {
        return (namespace, service, port) -> URI.create("http://127.0.0.1:" + services.get(service));
    }

    private void create(Ingress ingress) {
        client.network().v1().ingresses().inNamespace("shop").resource(ingress).create();
    }

    private void awaitBody(String host, int status, String body) {
        Await.eventually(() -> {
            PublicHttpClient.Response response = http.get(host, "/");
            assertEquals(status, response.status(), host + ": " + response.bodyText());
            if (body != null) {
                assertEquals(body, response.bodyText(), host);
            }
            return response;
        }, WAIT, POLL);
    }

    private List<String> statusHosts(String name) {
        Ingress ingress = client.network().v1().ingresses().inNamespace("shop").withName(name).get();
        return Optional.ofNullable(ingress.getStatus()).map(s -> s.getLoadBalancer()).map(lb -> lb.getIngress())
                .orElse(List.of()).stream().map(IngressLoadBalancerIngress::getHostname).toList();
    }

    private static Ingress ingress(String name, String host, String service) {
        return ControllerTestBed.ingress(name, "burrow", host, service);
    }

    /** An upstream answering every request with {@code body}; closed with the test's Vert.x. */
    private int upstream(String body) {
        HttpServer server = Await.result(vertx.createHttpServer().requestHandler(request -> request.response().end(body))
                .listen(0, "127.0.0.1"), WAIT, "upstream " + body);
        return server.actualPort();
    }
}
