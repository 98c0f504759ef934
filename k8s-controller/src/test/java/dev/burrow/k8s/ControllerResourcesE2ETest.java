package dev.burrow.k8s;

import dev.burrow.agent.BurrowSession;
import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.ManagedProcess;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.Tools;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static dev.burrow.k8s.ControllerTestBed.POLL;
import static dev.burrow.k8s.ControllerTestBed.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Services of type LoadBalancer, BurrowEndpoints and two replicas electing a status writer, against fabric8's mock API
 * server in CRUD mode, through a real edge to real upstreams (socat echo, python3 -m http.server), reached with socat
 * and curl. Two replicas (each its own API client, Vert.x and session) both serve, pooled; only the one holding the
 * Lease writes status; when it dies without releasing the Lease, the other serves on and writes status once it leads.
 */
@EnableKubernetesMockClient(crud = true)
class ControllerResourcesE2ETest {
    private static final ControllerSettings SHOP = ControllerSettings.defaults(List.of("shop"));
    private static final String ECHO_LINE = "hello through the load balancer";

    /** Short test timing; production uses {@link LeaseSettings#of} (15 s, 10 s, 2 s). */
    private static final Duration LEASE = Duration.ofSeconds(4);
    private static final Duration RENEW_DEADLINE = Duration.ofSeconds(3);
    private static final Duration RETRY = Duration.ofMillis(500);
    /**
     * Measured at load 10-15 on 2 cores: the other replica leads 3.6-5.4 s after the death (the rest of the 4 s lease
     * since the last renewal, then its next retry). The bound leaves room for a loaded machine.
     */
    private static final Duration LEAD_BOUND = LEASE.plusSeconds(6);

    private static final ControllerSettings HA = ControllerSettings.defaults(List.of("ha"));

    static KubernetesClient client;
    static KubernetesMockServer server;
    private static ControllerTestBed bed;

    @BeforeAll
    static void startEdge() {
        bed = new ControllerTestBed();
    }

    @AfterAll
    static void stopAll() {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void aLoadBalancerOfOurClassGetsAPublicTcpPortPerPortInItsStatusAndLosesThemWhenItStopsBeingOneOrIsDeleted() {
        int echo = bed.echoUpstream();
        int web = bed.httpUpstream("db admin page\n");
        BurrowSession session = bed.session();
        ServiceUpstreams loopback = ControllerTestBed.toLoopback(Map.of("db:7000", echo, "db:80", web, "cloud", echo));
        try (BurrowController ignored = BurrowController.start(client, session, loopback, SHOP)) {
            createService("db", SHOP.loadBalancerClass());
            createService("cloud", "example.com/cloud-lb");

            List<Integer> ports = awaitPublicPorts("db", 2);
            assertEquals(ECHO_LINE + "\n", ControllerTestBed.socatSend(ports.get(0), ECHO_LINE).stdout(), "port 7000 through the edge");
            assertEquals("db admin page\n", curlPort(ports.get(1)).stdout(), "port 80 through the edge");
            assertEquals(List.of(), publicPorts("cloud"), "a LoadBalancer of another class has no status from us");
            // Both ports lie outside the edge's range: the condition and an Event say which port was asked, which given, and why.
            String outside = "is outside this edge's TCP port range " + bed.edge.tcpPorts().low() + "-" + bed.edge.tcpPorts().high();
            String why = "Service port 7000 (echo) is public on port " + ports.get(0) + ", not 7000: TCP port 7000 " + outside;
            Condition picked = Await.eventually(() -> LoadBalancerServices.portsCondition(service("shop", "db")).orElseThrow(), WAIT, POLL);
            assertEquals("False", picked.getStatus(), picked.getMessage());
            assertEquals(PublicPortsCondition.PICKED, picked.getReason());
            assertTrue(picked.getMessage().contains(why), picked.getMessage());
            assertTrue(picked.getMessage().contains("Service port 80 (http) is public on port " + ports.get(1) + ", not 80: TCP port 80 "
                    + outside), picked.getMessage());
            Event event = Await.eventually(() -> events("shop", "db").stream().filter(e -> PublicPortsCondition.PICKED.equals(e.getReason()))
                    .findFirst().orElseThrow(), WAIT, POLL);
            assertEquals("Warning", event.getType());
            assertEquals(picked.getMessage(), event.getMessage());
            assertEquals("Service", event.getInvolvedObject().getKind());

            client.services().inNamespace("shop").withName("db").edit(s -> {
                s.getSpec().setType("ClusterIP");
                s.getSpec().setLoadBalancerClass(null);
                return s;
            });
            awaitPublicPorts("db", 0);
            Await.until(() -> ControllerTestBed.socatSend(ports.get(0), ECHO_LINE).stdout().isEmpty(), WAIT, POLL,
                    () -> "the public port of a ClusterIP Service still echoes");

            client.services().inNamespace("shop").withName("db").edit(s -> {
                s.getSpec().setType("LoadBalancer");
                s.getSpec().setLoadBalancerClass(SHOP.loadBalancerClass());
                return s;
            });
            List<Integer> again = awaitPublicPorts("db", 2);
            assertEquals(ECHO_LINE + "\n", ControllerTestBed.socatSend(again.get(0), ECHO_LINE).stdout());

            client.services().inNamespace("shop").withName("db").delete();
            Await.until(() -> ControllerTestBed.socatSend(again.get(0), ECHO_LINE).stdout().isEmpty(), WAIT, POLL,
                    () -> "the public port of a deleted Service still echoes");
        }
    }

    @Test
    void aBurrowEndpointIsServedThroughItsPolicyWithItsUrlInItsStatusAndARefusedPolicyIsItsReadyReason() throws Exception {
        ensureCrd();
        int web = bed.httpUpstream("app v1\n");
        int echo = bed.echoUpstream();
        client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec().build()).create();
        BurrowSession session = bed.session();
        try (BurrowController ignored = BurrowController.start(client, session,
                ControllerTestBed.toLoopback(Map.of("web", web, "echo", echo)), SHOP)) {
            createEndpoint("""
                    metadata: {name: app}
                    spec:
                      url: http://app.localhost
                      upstream: web:http
                      trafficPolicy:
                        on_http_response:
                          - actions:
                              - type: add-headers
                                config: {headers: {x-served-by: burrow-endpoint}}
                    """);
            createEndpoint("""
                    metadata: {name: refused}
                    spec:
                      url: http://refused.localhost
                      upstream: web:80
                      trafficPolicy: |
                        on_http_request:
                          - actions:
                              - type: no-such-action
                    """);
            createEndpoint("""
                    metadata: {name: raw}
                    spec: {url: "tcp://", upstream: "echo:7000", pooling: true}
                    """);
            createEndpoint("""
                    metadata: {name: fixed}
                    spec: {url: "tcp://localhost:7000", upstream: "echo:7000"}
                    """);

            bed.awaitCurl("app.localhost", 200, "app v1\n");
            ClientRun withHeaders = ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "-i", "-H", "Host: app.localhost",
                    "http://127.0.0.1:" + bed.edge.httpPort() + "/"), Duration.ofSeconds(20));
            assertTrue(withHeaders.stdout().toLowerCase().contains("x-served-by: burrow-endpoint"), withHeaders.stdout());
            Condition ready = awaitReady("app", "True");
            assertEquals("Bound", ready.getReason());
            assertTrue(status("app").getUrl().startsWith("http://app.localhost"), status("app").getUrl());

            Condition refused = awaitReady("refused", "False");
            assertEquals("InvalidTrafficPolicy", refused.getReason(), refused.getMessage());
            assertTrue(refused.getMessage().contains("no-such-action"), refused.getMessage());
            assertEquals(404, bed.curl("refused.localhost").status());

            awaitReady("raw", "True");
            int rawPort = java.net.URI.create(status("raw").getUrl()).getPort();
            assertEquals(ECHO_LINE + "\n", ControllerTestBed.socatSend(rawPort, ECHO_LINE).stdout());

            // A port the spec names is that port or nothing (ngrok's way): outside the edge's range it is refused, and says so.
            Condition fixed = awaitReady("fixed", "False");
            assertEquals("PortUnavailable", fixed.getReason(), fixed.getMessage());
            assertTrue(fixed.getMessage().contains("TCP port 7000 is outside this edge's TCP port range"), fixed.getMessage());
            Event refusedPort = Await.eventually(() -> events("shop", "fixed").stream().findFirst().orElseThrow(), WAIT, POLL);
            assertEquals(List.of("Warning", "PortUnavailable", fixed.getMessage()),
                    List.of(refusedPort.getType(), refusedPort.getReason(), refusedPort.getMessage()));
            assertEquals(List.of("Normal Bound"), events("shop", "app").stream().map(e -> e.getType() + " " + e.getReason()).toList());

            client.resources(BurrowEndpoint.class).inNamespace("shop").withName("app").delete();
            bed.awaitCurl("app.localhost", 404, null);
        }
    }

    @Test
    void aChangeOfOnlyTheTrafficPolicyIsAppliedToTheBoundEndpointAndARefusedOneLeavesTheOldInForce() {
        ensureCrd();
        int web = bed.httpUpstream("live app\n");
        client.services().inNamespace("live").resource(new ServiceBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec().build()).create();
        ControllerSettings live = ControllerSettings.defaults(List.of("live"));
        try (BurrowController ignored = BurrowController.start(client, bed.session(), ControllerTestBed.toLoopback(Map.of("web", web)), live)) {
            createEndpoint("live", """
                    metadata: {name: policy}
                    spec:
                      url: http://policy.localhost
                      upstream: web:http
                      trafficPolicy: {on_http_response: [{actions: [{type: add-headers, config: {headers: {x-policy: v1}}}]}]}
                    """);
            createEndpoint("live", """
                    metadata: {name: neighbour}
                    spec: {url: "http://neighbour.localhost", upstream: "web:80"}
                    """);
            awaitReady("live", "policy", "True");
            awaitReady("live", "neighbour", "True");
            String url = status("live", "policy").getUrl();
            Await.until(() -> headers("policy.localhost").contains("x-policy: v1"), WAIT, POLL, () -> headers("policy.localhost"));
            int edgeLogFrom = bed.edge.process().outputSize();

            long changed = System.nanoTime();
            setPolicy("policy", Map.of("on_http_response", List.of(Map.of("actions", List.of(Map.of("type", "add-headers",
                    "config", Map.of("headers", Map.of("x-policy", "v2"))))))));
            Await.until(() -> headers("policy.localhost").contains("x-policy: v2"), WAIT, POLL, () -> headers("policy.localhost"));
            System.out.println("a policy edit reached curl in " + Duration.ofNanos(System.nanoTime() - changed).toMillis() + " ms");
            setPolicy("policy", Map.of("on_http_request", List.of(Map.of("actions", List.of(Map.of("type", "deny",
                    "config", Map.of("status_code", 403)))))));
            bed.awaitCurl("policy.localhost", 403, null);

            setPolicy("policy", "on_http_request:\n  - actions:\n      - type: no-such-action\n");
            Condition refused = Await.eventually(() -> {
                Condition ready = BurrowEndpoints.readyCondition(status("live", "policy")).orElseThrow();
                assertEquals("InvalidTrafficPolicy", ready.getReason(), ready.getMessage());
                return ready;
            }, WAIT, POLL);
            assertEquals("False", refused.getStatus());
            assertTrue(refused.getMessage().contains("no-such-action"), refused.getMessage());
            assertEquals(403, bed.curl("policy.localhost").status(), "the refused policy leaves the deny in force");
            assertEquals(url, status("live", "policy").getUrl(), "the URL stays");
            bed.awaitCurl("neighbour.localhost", 200, "live app\n");
            assertEquals(List.of(), unbindsSince(edgeLogFrom), "policy changes must not unbind anything at the edge");
        }
    }

    @Test
    void aPolicyByReferenceFollowsItsConfigMapAndAMissingConfigMapOrKeyIsTheReadyReason() {
        ensureCrd();
        int web = bed.httpUpstream("ref app\n");
        client.services().inNamespace("ref").resource(new ServiceBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec().build()).create();
        ControllerSettings ref = ControllerSettings.defaults(List.of("ref"));
        try (BurrowController ignored = BurrowController.start(client, bed.session(), ControllerTestBed.toLoopback(Map.of("web", web)), ref)) {
            createEndpoint("ref", """
                    metadata: {name: byref}
                    spec:
                      url: http://byref.localhost
                      upstream: web:http
                      trafficPolicyRef: {name: policies, key: policy.yml}
                    """);
            Condition missing = awaitReady("ref", "byref", "False");
            assertEquals("TrafficPolicyRefNotFound", missing.getReason(), missing.getMessage());
            assertTrue(missing.getMessage().contains("ConfigMap ref/policies"), missing.getMessage());

            client.configMaps().inNamespace("ref").resource(new ConfigMapBuilder().withNewMetadata().withName("policies").endMetadata()
                    .addToData("policy.yml", "on_http_response:\n  - actions:\n      - type: add-headers\n"
                            + "        config: {headers: {x-policy: from-configmap}}\n").build()).create();
            awaitReady("ref", "byref", "True");
            Await.until(() -> headers("byref.localhost").contains("x-policy: from-configmap"), WAIT, POLL, () -> headers("byref.localhost"));
            int edgeLogFrom = bed.edge.process().outputSize();

            client.configMaps().inNamespace("ref").withName("policies").edit(m -> {
                m.setData(Map.of("policy.yml", "on_http_request:\n  - actions:\n      - type: deny\n        config: {status_code: 403}\n"));
                return m;
            });
            bed.awaitCurl("byref.localhost", 403, null);
            assertEquals(List.of(), unbindsSince(edgeLogFrom), "a ConfigMap edit must not unbind anything at the edge");

            client.configMaps().inNamespace("ref").withName("policies").edit(m -> {
                m.setData(Map.of("other.yml", "{}"));
                return m;
            });
            Condition noKey = Await.eventually(() -> {
                Condition ready = BurrowEndpoints.readyCondition(status("ref", "byref")).orElseThrow();
                assertEquals("TrafficPolicyRefNotFound", ready.getReason(), ready.getMessage());
                return ready;
            }, WAIT, POLL);
            assertTrue(noKey.getMessage().contains("no key policy.yml"), noKey.getMessage());
            bed.awaitCurl("byref.localhost", 404, null);
        }
    }

    /**
     * Two replicas (each its own API client, Vert.x and session) serve one BurrowEndpoint whose policy is a ConfigMap's
     * key; each reaches its own upstream (a test-only mapping: the page says which replica's link served the request).
     * After the ConfigMap is edited, every request meets the new policy, whichever replica's link serves it.
     */
    @Test
    void aConfigMapEditReachesEveryRequestWhicheverReplicasLinkServesIt() {
        ensureCrd();
        Map<String, Integer> byReplica = Map.of("a", bed.httpUpstream("replica a\n"), "b", bed.httpUpstream("replica b\n"));
        ControllerSettings pool = ControllerSettings.defaults(List.of("pooled-policy"));
        client.services().inNamespace("pooled-policy").resource(new ServiceBuilder().withNewMetadata().withName("web").endMetadata()
                .withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec().build()).create();
        client.configMaps().inNamespace("pooled-policy").resource(new ConfigMapBuilder().withNewMetadata().withName("policies").endMetadata()
                .addToData("policy.yml", headerPolicy("v1")).build()).create();
        createEndpoint("pooled-policy", """
                metadata: {name: shared}
                spec: {url: "http://shared.localhost", upstream: "web:http", trafficPolicyRef: {name: policies, key: policy.yml}}
                """);
        KubernetesClient secondClient = server.createClient();
        try (BurrowController first = BurrowController.start(client, bed.replicaSession(),
                ControllerTestBed.toLoopback(Map.of("web", byReplica.get("a"))), pool);
             BurrowController second = BurrowController.startReplica(secondClient, bed.replicaSession(),
                     ControllerTestBed.toLoopback(Map.of("web", byReplica.get("b"))), pool)) {
            awaitReady("pooled-policy", "shared", "True");
            assertEquals(Set.of("replica a", "replica b"), pagesUntilBoth("x-policy: v1"), "both replicas serve, with the first policy");

            long edited = System.nanoTime();
            client.configMaps().inNamespace("pooled-policy").withName("policies").edit(m -> {
                m.setData(Map.of("policy.yml", headerPolicy("v2")));
                return m;
            });
            Await.until(() -> headers("shared.localhost").contains("x-policy: v2"), WAIT, POLL, () -> headers("shared.localhost"));
            System.out.println("two replicas: a ConfigMap edit reached curl in " + Duration.ofNanos(System.nanoTime() - edited).toMillis() + " ms");
            assertEquals(Set.of("replica a", "replica b"), pagesUntilBoth("x-policy: v2"),
                    "every request after the first with the new policy has it, through either replica's link");
            Condition ready = BurrowEndpoints.readyCondition(status("pooled-policy", "shared")).orElseThrow();
            assertEquals(List.of("True", "Bound"), List.of(ready.getStatus(), ready.getReason()), ready.getMessage());
        } finally {
            secondClient.close();
        }
    }

    private static String headerPolicy(String version) {
        return "on_http_response:\n  - actions:\n      - type: add-headers\n        config: {headers: {x-policy: " + version + "}}\n";
    }

    /**
     * Requests shared.localhost until both replicas' pages have come (at most 40), each required to carry
     * {@code header}; the pages seen.
     */
    private static Set<String> pagesUntilBoth(String header) {
        Set<String> pages = new TreeSet<>();
        for (int i = 0; i < 40 && pages.size() < 2; i++) {
            String response = headers("shared.localhost");
            assertTrue(response.contains(header), "request " + i + ": " + response);
            pages.add(response.substring(response.lastIndexOf("replica ")).trim());
        }
        return pages;
    }

    @Test
    void anInternalBurrowEndpointIsReachedOnlyThroughAForwardInternalOfAPublicOne() {
        ensureCrd();
        int front = bed.httpUpstream("front page\n");
        int api = bed.httpUpstream("internal api\n");
        for (String name : List.of("front", "api")) {
            client.services().inNamespace("bind").resource(new ServiceBuilder().withNewMetadata().withName(name).endMetadata()
                    .withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec().build()).create();
        }
        ControllerSettings bind = ControllerSettings.defaults(List.of("bind"));
        try (BurrowController ignored = BurrowController.start(client, bed.session(),
                ControllerTestBed.toLoopback(Map.of("front", front, "api", api)), bind)) {
            createEndpoint("bind", """
                    metadata: {name: api}
                    spec: {url: "http://api.internal", upstream: "api:http", bindings: [internal]}
                    """);
            createEndpoint("bind", """
                    metadata: {name: front}
                    spec:
                      url: http://front.localhost
                      upstream: front:http
                      bindings: [public]
                      trafficPolicy:
                        on_http_request:
                          - expressions: ["'forward' in req.headers"]
                            actions: [{type: forward-internal, config: {url: "http://api.internal"}}]
                    """);
            createEndpoint("bind", """
                    metadata: {name: misnamed}
                    spec: {url: "http://misnamed.localhost", upstream: "api:http", bindings: [internal]}
                    """);

            awaitReady("bind", "api", "True");
            awaitReady("bind", "front", "True");
            bed.awaitCurl("front.localhost", 200, "front page\n");
            ClientRun forwarded = ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "-H", "Host: front.localhost",
                    "-H", "forward: yes", "http://127.0.0.1:" + bed.edge.httpPort() + "/"), Duration.ofSeconds(20));
            assertEquals("internal api\n", forwarded.stdout(), "the public endpoint forwards to the internal one");
            assertEquals(404, bed.curl("api.internal").status(), "no public listener routes to an internal endpoint");

            Condition misnamed = awaitReady("bind", "misnamed", "False");
            assertEquals("InvalidSpec", misnamed.getReason(), misnamed.getMessage());
            assertTrue(misnamed.getMessage().contains(".internal"), misnamed.getMessage());
        }
    }

    private static List<String> unbindsSince(int edgeLogFrom) {
        return bed.edge.process().output().subList(edgeLogFrom, bed.edge.process().outputSize()).stream()
                .map(ManagedProcess.OutputLine::text).filter(line -> line.contains("unbound")).toList();
    }

    private static void setPolicy(String name, Object policy) {
        client.resources(BurrowEndpoint.class).inNamespace("live").withName(name).edit(e -> {
            e.getSpec().setTrafficPolicy(policy);
            return e;
        });
    }

    private static String headers(String host) {
        return ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "-i", "--max-time", "3", "-H", "Host: " + host,
                "http://127.0.0.1:" + bed.edge.httpPort() + "/"), Duration.ofSeconds(20)).stdout().toLowerCase(java.util.Locale.ROOT);
    }

    private static void ensureCrd() {
        ControllerTestBed.ensureCrd(client);
    }

    private static void createService(String name, String loadBalancerClass) {
        client.services().inNamespace("shop").resource(new ServiceBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withType("LoadBalancer").withLoadBalancerClass(loadBalancerClass)
                .addNewPort().withName("echo").withPort(7000).withProtocol("TCP").endPort()
                .addNewPort().withName("http").withPort(80).endPort()
                .addNewPort().withName("dns").withPort(53).withProtocol("UDP").endPort().endSpec().build()).create();
    }

    private static List<Integer> publicPorts(String service) {
        return publicPorts("shop", service);
    }

    private static List<Integer> publicPorts(String namespace, String service) {
        Service found = client.services().inNamespace(namespace).withName(service).get();
        List<LoadBalancerIngress> ingress = found == null ? List.of() : LoadBalancerServices.statusIngress(found);
        return ingress.stream().flatMap(i -> i.getPorts().stream()).map(p -> p.getPort()).toList();
    }

    private static List<Integer> awaitPublicPorts(String service, int count) {
        Await.until(() -> publicPorts(service).size() == count, WAIT, POLL, () -> service + " public ports: " + publicPorts(service));
        return publicPorts(service);
    }

    private static ClientRun curlPort(int port) {
        return ClientRun.run(List.of(Tools.require("curl").toString(), "-sS", "--max-time", "10", "http://127.0.0.1:" + port + "/"),
                Duration.ofSeconds(20));
    }

    private static void createEndpoint(String yaml) {
        createEndpoint("shop", yaml);
    }

    private static void createEndpoint(String namespace, String yaml) {
        String full = "apiVersion: burrow.dev/v1alpha1\nkind: BurrowEndpoint\n" + yaml;
        client.resources(BurrowEndpoint.class).inNamespace(namespace)
                .load(new ByteArrayInputStream(full.getBytes(StandardCharsets.UTF_8))).create();
    }

    private static BurrowEndpointStatus status(String name) {
        return status("shop", name);
    }

    private static BurrowEndpointStatus status(String namespace, String name) {
        BurrowEndpoint found = client.resources(BurrowEndpoint.class).inNamespace(namespace).withName(name).get();
        return Optional.ofNullable(found).map(BurrowEndpoint::getStatus).orElseGet(BurrowEndpointStatus::new);
    }

    private static Condition awaitReady(String name, String ready) {
        return awaitReady("shop", name, ready);
    }

    private static Condition awaitReady(String namespace, String name, String ready) {
        Await.until(() -> BurrowEndpoints.readyCondition(status(namespace, name)).filter(c -> ready.equals(c.getStatus())).isPresent(),
                WAIT, POLL, () -> name + " conditions: " + status(namespace, name).getConditions());
        return BurrowEndpoints.readyCondition(status(namespace, name)).orElseThrow();
    }

    @Test
    void bothReplicasServeButOnlyTheLeaseHolderWritesStatusAndTheOtherWritesItOnceItLeads() {
        int web = bed.httpUpstream("web\n");
        client.network().v1().ingressClasses().resource(ControllerTestBed.ingressClass("burrow", ControllerSettings.DEFAULT_CONTROLLER_NAME, false)).create();
        client.network().v1().ingresses().inNamespace("ha").resource(ControllerTestBed.ingress("web", "burrow", "web.localhost", "web")).create();
        ServiceUpstreams loopback = ControllerTestBed.toLoopback(Map.of("web", web));

        KubernetesClient secondClient = server.createClient();
        BurrowController second = BurrowController.startReplica(secondClient, bed.replicaSession(), loopback, HA);
        bed.awaitCurl("web.localhost", 200, "web\n");
        // Absence is asserted: a replica that does not lead gets several retry periods in which it must not write status.
        sleepRetries(4);
        assertEquals(List.of(), IngressEndpoints.statusHosts(ingress("ha", "web")), "a replica that does not lead writes no status");

        KubernetesClient firstClient = server.createClient();
        BurrowSession firstSession = bed.replicaSession();
        BurrowController first = BurrowController.startReplica(firstClient, firstSession, loopback, HA);
        LeaderElection firstElection = LeaderElection.start(firstClient, lease("replica-a"), first::writeStatus);
        Await.until(() -> IngressEndpoints.statusHosts(ingress("ha", "web")).equals(List.of("web.localhost")), WAIT, POLL,
                () -> "the leader never wrote the status");
        try (LeaderElection secondElection = LeaderElection.start(secondClient, lease("replica-b"), second::writeStatus)) {
            sleepRetries(4);
            assertFalse(second.writesStatus(), "a second replica must not write status while the first renews the Lease");
            assertEquals("replica-a", holder());

            // The leader dies without releasing the Lease: the other replica serves on, and writes status once it leads.
            long died = System.nanoTime();
            firstClient.close();
            Await.result(firstSession.close(), WAIT, "replica-a's session");
            assertEquals(200, bed.curl("web.localhost").status(), "the other replica's member of the pool answers at once");
            client.network().v1().ingresses().inNamespace("ha").withName("web").edit(i -> {
                i.getSpec().getRules().add(ControllerTestBed.ingress("x", "burrow", "web2.localhost", "web").getSpec().getRules().get(0));
                return i;
            });
            bed.awaitCurl("web2.localhost", 200, "web\n");
            Await.until(second::writesStatus, WAIT, Duration.ofMillis(20), () -> "replica-b never led");
            Duration led = Duration.ofNanos(System.nanoTime() - died);
            Await.until(() -> IngressEndpoints.statusHosts(ingress("ha", "web")).equals(List.of("web.localhost", "web2.localhost")),
                    WAIT, POLL, () -> "status " + IngressEndpoints.statusHosts(ingress("ha", "web")));
            System.out.println("after the leader died: the other replica led (writes status) in " + led.toMillis() + " ms (lease "
                    + LEASE.toMillis() + " ms)");
            assertEquals("replica-b", holder());
            assertTrue(led.compareTo(LEAD_BOUND) < 0, "led after " + led);
        } finally {
            firstElection.close();
            first.close();
            second.close();
            secondClient.close();
        }
    }

    @Test
    void aReplicaThatWritesNoStatusJoinsThePortTheStatusNamesAndServesItWhenTheOtherGoes() {
        int echo = bed.echoUpstream();
        // A Service port in the edge's TCP range: the edge gives the Service its own port number.
        int servicePort = bed.edge.tcpPorts().high();
        int edgeLogFrom = bed.edge.process().outputSize();
        ControllerSettings tcp = ControllerSettings.defaults(List.of("tcp"));
        ServiceUpstreams loopback = ControllerTestBed.toLoopback(Map.of("db", echo));
        BurrowSession firstSession = bed.replicaSession();
        BurrowController first = BurrowController.start(client, firstSession, loopback, tcp);
        try (BurrowController second = BurrowController.startReplica(server.createClient(), bed.replicaSession(), loopback, tcp)) {
            client.services().inNamespace("tcp").resource(new ServiceBuilder().withNewMetadata().withName("db").endMetadata()
                    .withNewSpec().withType("LoadBalancer").withLoadBalancerClass(tcp.loadBalancerClass())
                    .addNewPort().withName("pg").withPort(servicePort).endPort().endSpec().build()).create();
            Await.until(() -> publicPorts("tcp", "db").size() == 1, WAIT, POLL, () -> "db public ports: " + publicPorts("tcp", "db"));
            int port = publicPorts("tcp", "db").get(0);
            assertEquals(servicePort, port, "the Service's own port number, which the edge's range holds");
            // Both sessions' binds of the one port, as the edge logs them: the second joined the pool of the first.
            Await.until(() -> bed.edge.process().output().subList(edgeLogFrom, bed.edge.process().outputSize()).stream()
                    .filter(line -> line.text().contains(" bound tcp://")
                    && line.text().contains(":" + port + " ->")).count() == 2, WAIT, POLL, () -> "the edge's binds of port " + port);
            assertEquals(ECHO_LINE + "\n", ControllerTestBed.socatSend(port, ECHO_LINE).stdout());

            first.close();
            Await.result(firstSession.close(), WAIT, "the first replica's session");
            assertEquals(ECHO_LINE + "\n", ControllerTestBed.socatSend(port, ECHO_LINE).stdout(), "the other member of the pool echoes");
            assertEquals(List.of(port), publicPorts("tcp", "db"));
            Condition kept = LoadBalancerServices.portsCondition(service("tcp", "db")).orElseThrow();
            assertEquals(List.of("True", PublicPortsCondition.KEPT), List.of(kept.getStatus(), kept.getReason()), kept.getMessage());
            assertEquals(List.of(), events("tcp", "db"), "a port kept is no event");
        } finally {
            first.close();
        }
    }

    private static Service service(String namespace, String name) {
        return client.services().inNamespace(namespace).withName(name).get();
    }

    /** The Events recorded about the object {@code name} in {@code namespace}, oldest first. */
    private static List<Event> events(String namespace, String name) {
        return client.v1().events().inNamespace(namespace).list().getItems().stream()
                .filter(e -> name.equals(e.getInvolvedObject().getName())).toList();
    }

    private static io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress(String namespace, String name) {
        return client.network().v1().ingresses().inNamespace(namespace).withName(name).get();
    }

    private static LeaseSettings lease(String identity) {
        return new LeaseSettings("burrow-system", "burrow-controller", identity, LEASE, RENEW_DEADLINE, RETRY);
    }

    private String holder() {
        Lease lease = client.resources(Lease.class).inNamespace("burrow-system").withName("burrow-controller").get();
        return Optional.ofNullable(lease).map(l -> l.getSpec().getHolderIdentity()).orElse("");
    }

    private static void sleepRetries(int retries) {
        try {
            Thread.sleep(RETRY.toMillis() * retries);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
