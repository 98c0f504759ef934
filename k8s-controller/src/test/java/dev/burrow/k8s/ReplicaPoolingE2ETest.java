package dev.burrow.k8s;

import dev.burrow.testsupport.Await;
import dev.burrow.testsupport.JavaMain;
import dev.burrow.testsupport.ManagedProcess;
import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.tools.ToolProcess;
import dev.burrow.testsupport.tools.Tools;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static dev.burrow.k8s.ControllerTestBed.POLL;
import static dev.burrow.k8s.ControllerTestBed.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two controller replicas, each {@link ControllerMain} in its own JVM (Services on loopback), against fabric8's mock API
 * server, both serving one Ingress host through a real edge with pooling. curl requests the host in a steady loop while
 * one replica is killed (SIGKILL), restarted, the other stopped cleanly (SIGTERM) and restarted; the failed requests of
 * each phase are counted. The same for TCP: a LoadBalancer Service's and a {@code tcp://} BurrowEndpoint's ports, a plain
 * socket client and socat upstreams, through a kill.
 */
@EnableKubernetesMockClient(crud = true)
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ReplicaPoolingE2ETest {
    private static final String BODY = "pooled web\n";
    private static final String HOST = "web.localhost";
    /**
     * curl's request loop: this many requests a second, each given at most 5 s, at most {@link #LOOP_LIMIT} in all (two
     * minutes' worth: a replica's JVM took 54-70 s from its start to its bind at a load of 25-28 on the 2 cores).
     */
    private static final int LOOP_RATE = 20;
    private static final int LOOP_LIMIT = LOOP_RATE * 120;
    /** Answers a loop must have had before the replica is stopped or started, and after that is done. */
    private static final int AROUND_EVENT = 20;
    /** A replica's JVM from its start to its session with the edge: 75 s seen at load 44 on the 2 cores (as the edge's start bound). */
    private static final Duration REPLICA_START = Duration.ofSeconds(180);
    private static final String TCP = "tcp-pool";
    private static final String TCP_LEASE = "burrow-tcp";

    static KubernetesClient client;
    static KubernetesMockServer server;
    private static ControllerTestBed bed;
    private Path dir;
    private int web;
    private final List<ManagedProcess> processes = new ArrayList<>();

    /** One edge for every test (each test has its own mock API server, namespace and Lease). */
    @BeforeAll
    static void startEdge() {
        bed = new ControllerTestBed();
    }

    @AfterAll
    static void stopEdge() {
        if (bed != null) {
            bed.close();
        }
    }

    @BeforeEach
    void start() throws IOException {
        dir = Files.createTempDirectory("burrow-replicas");
    }

    @AfterEach
    void stop() {
        processes.forEach(ManagedProcess::close);
        TempDirs.deleteRecursively(dir);
    }

    @Test
    void curlKeepsGettingThePageWhileEitherReplicaIsKilledOrStoppedAndRestarted() {
        client.network().v1().ingressClasses().resource(ControllerTestBed.ingressClass("burrow", ControllerSettings.DEFAULT_CONTROLLER_NAME, false)).create();
        client.network().v1().ingresses().inNamespace("pool").resource(ControllerTestBed.ingress("web", "burrow", HOST, "web")).create();
        web = bed.httpUpstream(BODY);
        ManagedProcess first = replica("replica-a");
        ManagedProcess second = replica("replica-b");
        awaitBound(first, 0);
        awaitBound(second, 0);
        bed.awaitCurl(HOST, 200, BODY);
        Await.until(() -> IngressEndpoints.statusHosts(ingress()).equals(List.of(HOST)), WAIT, POLL,
                () -> "status " + IngressEndpoints.statusHosts(ingress()));

        Loop killed = loop("kill -9 replica-a", first::kill);
        ManagedProcess firstAgain = replica("replica-a-restarted");
        Loop restarted = loop("restart replica-a", () -> awaitBound(firstAgain, 0));
        Loop stopped = loop("SIGTERM replica-b", () -> {
            second.terminate();
            assertEquals(143, second.awaitExit(WAIT), second.tail(20));
        });
        ManagedProcess[] secondAgain = new ManagedProcess[1];
        Loop restartedSecond = loop("restart replica-b", () -> awaitBound(secondAgain[0] = replica("replica-b-restarted"), 0));

        for (Loop loop : List.of(killed, restarted, stopped, restartedSecond)) {
            System.out.println(loop);
        }
        assertEquals(List.of(HOST), IngressEndpoints.statusHosts(ingress()), "the status still names the host");
        // Measured: 0 failed in every step of 3 runs (40-333 requests a step, load 20-30). A killed replica may still
        // take down the one exchange on its link at the instant of death (the edge does not retry it elsewhere):
        // at most 1 for the kill; a clean stop and a start lose none.
        assertTrue(killed.failed() <= 1, killed.toString());
        assertEquals(0, restarted.failed(), restarted.toString());
        assertEquals(0, stopped.failed(), stopped.toString());
        assertEquals(0, restartedSecond.failed(), restartedSecond.toString());
    }

    /**
     * A LoadBalancer Service's port (7000, outside the edge's range: the edge picks the port and the status names it)
     * and a {@code tcp://} BurrowEndpoint's, served by two replica processes. Each replica reaches its own tagged echo
     * upstream (a test-only mapping: a reply says which replica's link carried the connection). New connections reach
     * both; after the status writer is killed (SIGKILL), a connection held on the other's link still echoes and every
     * new connection is served by the survivor.
     */
    @Test
    void tcpConnectionsReachTheUpstreamThroughBothReplicasLinksAndSurviveAKill() throws IOException {
        ControllerTestBed.ensureCrd(client);
        client.services().inNamespace(TCP).resource(new ServiceBuilder().withNewMetadata().withName("db").endMetadata()
                .withNewSpec().withType("LoadBalancer").withLoadBalancerClass(ControllerSettings.DEFAULT_LOAD_BALANCER_CLASS)
                .addNewPort().withName("pg").withPort(7000).endPort().endSpec().build()).create();
        client.resources(BurrowEndpoint.class).inNamespace(TCP).load(new ByteArrayInputStream("""
                apiVersion: burrow.dev/v1alpha1
                kind: BurrowEndpoint
                metadata: {name: raw}
                spec: {url: "tcp://", upstream: "db:7000"}
                """.getBytes(StandardCharsets.UTF_8))).create();
        int echoA = bed.taggedEchoUpstream("a");
        int echoB = bed.taggedEchoUpstream("b");
        Map<String, ManagedProcess> byTag = Map.of("a", replica("tcp-a", TCP, TCP_LEASE, "db=" + echoA),
                "b", replica("tcp-b", TCP, TCP_LEASE, "db=" + echoB));
        for (ManagedProcess replica : byTag.values()) {
            replica.awaitLine(line -> line.text().startsWith("Standing for lease"), 0, REPLICA_START, "the replica's start");
        }
        int servicePort = Await.eventually(() -> LoadBalancerServices.publicPorts(LoadBalancerServices.statusIngress(
                client.services().inNamespace(TCP).withName("db").get())).get(0), WAIT, POLL);
        int endpointPort = Await.eventually(() -> URI.create(client.resources(BurrowEndpoint.class).inNamespace(TCP).withName("raw")
                .get().getStatus().getUrl()).getPort(), WAIT, POLL);
        for (ManagedProcess replica : byTag.values()) {
            replica.awaitLine(line -> line.text().contains("service " + TCP + "/db: tcp://") && line.text().contains(":" + servicePort + " ->"),
                    0, WAIT, "the bind of the Service's port " + servicePort);
            replica.awaitLine(line -> line.text().contains("burrowendpoint " + TCP + "/raw: tcp://") && line.text().contains(":" + endpointPort + " ->"),
                    0, WAIT, "the bind of the BurrowEndpoint's port " + endpointPort);
        }
        for (int port : List.of(servicePort, endpointPort)) {
            assertEquals(Set.of("a", "b"), tagsSeen(port), "new connections to port " + port + " reach both replicas' upstreams");
        }

        String leader = leaseHolder(TCP_LEASE);
        String survivor = leader.equals("tcp-a") ? "b" : "a";
        try (LineConnection held = connectionTo(survivor, servicePort);
             TcpLoop loop = TcpLoop.start(List.of(servicePort, endpointPort))) {
            loop.awaitResults(AROUND_EVENT);
            byTag.get(leader.equals("tcp-a") ? "a" : "b").kill();
            long killed = System.nanoTime();
            loop.awaitResultsStartedAfter(killed, AROUND_EVENT);
            List<TcpLoop.Result> results = loop.stop();
            System.out.println("TCP through two replicas, " + leader + " killed: " + results.size() + " connections, failed: "
                    + results.stream().filter(r -> !r.answered()).toList());
            assertEquals(survivor + "-still here", held.exchange("still here"), "the connection held on the survivor's link");
            List<TcpLoop.Result> after = results.stream().filter(r -> r.startedNanos() > killed).toList();
            assertTrue(after.stream().filter(TcpLoop.Result::answered).allMatch(r -> r.reply().startsWith(survivor + "-")),
                    "after the kill only the survivor answers: " + after);
            // A connection routed to the killed replica's link in the instant before the edge saw it close is lost
            // (the edge does not retry it elsewhere): at most 1, as for HTTP.
            assertTrue(results.stream().filter(r -> !r.answered()).count() <= 1, "failed: " + results);
        }
    }

    /** The tags of the upstreams that answer new connections to {@code port}, until both have (at most 40 connections). */
    private static Set<String> tagsSeen(int port) {
        Set<String> tags = new TreeSet<>();
        for (int i = 0; i < 40 && tags.size() < 2; i++) {
            String reply = LineConnection.once(port, "probe " + i, Duration.ofSeconds(5));
            assertTrue(reply.endsWith("-probe " + i), "port " + port + ": " + reply);
            tags.add(reply.substring(0, reply.indexOf('-')));
        }
        return tags;
    }

    /** A connection to {@code port} that the replica of {@code tag} carries (new connections until one is; at most 40). */
    private static LineConnection connectionTo(String tag, int port) throws IOException {
        for (int i = 0; i < 40; i++) {
            LineConnection connection = new LineConnection(port, Duration.ofSeconds(5));
            if (String.valueOf(connection.exchange("hello")).equals(tag + "-hello")) {
                return connection;
            }
            connection.close();
        }
        throw new AssertionError("no connection to port " + port + " reached replica " + tag + " in 40");
    }

    private static String leaseHolder(String name) {
        Lease lease = client.resources(Lease.class).inNamespace("burrow-system").withName(name).get();
        return lease == null ? "" : lease.getSpec().getHolderIdentity();
    }

    /** The result of one request loop: how many requests were made, how many failed, and what the failures were. */
    record Loop(String event, int requests, List<String> failures, long eventMillis) {
        int failed() {
            return failures.size();
        }

        @Override
        public String toString() {
            return event + ": " + failed() + " of " + requests + " requests failed " + failures + " (event took " + eventMillis + " ms)";
        }
    }

    /**
     * curl requests the host at {@link #LOOP_RATE} a second over one keep-alive connection to the edge, each request
     * printing its status and size; {@code event} runs once {@link #AROUND_EVENT} have answered, and curl is stopped once
     * another {@link #AROUND_EVENT} have answered after it.
     */
    private Loop loop(String name, Runnable event) {
        List<String> command = new ArrayList<>(List.of("stdbuf", "-oL", Tools.require("curl").toString(), "-sS",
                "--rate", LOOP_RATE + "/s", "--max-time", "5", "-H", "Host: " + HOST, "-w", "%{http_code} %{size_download}\\n"));
        for (int i = 0; i < LOOP_LIMIT; i++) {
            command.addAll(List.of("-o", "/dev/null", "http://127.0.0.1:" + bed.edge.httpPort() + "/?n=" + i));
        }
        try (ToolProcess curl = ToolProcess.start("curl-loop", command, Map.of(), dir)) {
            curl.awaitLine(isResult(), 0, WAIT, "curl's first answer");
            curl.awaitLine(isResult(), AROUND_EVENT - 1, WAIT, AROUND_EVENT + " answers");
            long started = System.nanoTime();
            event.run();
            long eventMillis = (System.nanoTime() - started) / 1_000_000;
            int after = curl.outputSize();
            curl.awaitLine(isResult(), after + AROUND_EVENT - 1, WAIT, AROUND_EVENT + " answers after " + name);
            curl.stop(Duration.ofSeconds(5));
            List<String> results = curl.stdoutLines().stream().filter(line -> line.matches("\\d{3} \\d+")).toList();
            assertTrue(results.size() < LOOP_LIMIT, "the loop ran out of requests before the event was over: " + name);
            List<String> failures = results.stream().filter(line -> !line.equals("200 " + BODY.length())).toList();
            return new Loop(name, results.size(), failures, eventMillis);
        }
    }

    private static Predicate<ManagedProcess.OutputLine> isResult() {
        return line -> line.stream() == ManagedProcess.Stream.STDOUT && line.text().matches("\\d{3} \\d+");
    }

    private ManagedProcess replica(String name) {
        return replica(name, "pool", "burrow-controller", "web=" + web);
    }

    /** {@link ControllerMain} in its own JVM, serving {@code namespace}, its Services at the loopback ports {@code services}. */
    private ManagedProcess replica(String name, String namespace, String lease, String services) {
        ManagedProcess process = JavaMain.start(name, 192, List.of(
                        "-Dkubernetes.master=" + server.url("/"), "-Dkubernetes.trust.certificates=true",
                        "-Dkubernetes.disable.hostname.verification=true", "-Dkubernetes.auth.tryKubeConfig=false",
                        "-Dkubernetes.auth.tryServiceAccount=false", "-Dkubernetes.namespace=" + namespace),
                LoopbackControllerMain.class.getName(), List.of(),
                Map.of("BURROW_AUTHTOKEN", bed.edge.authtoken(), "BURROW_SERVER", bed.edge.serverAddress(),
                        "BURROW_EDGE_CA", bed.edge.caPath().toString(), "BURROW_NAMESPACES", namespace,
                        "BURROW_LEASE_NAMESPACE", "burrow-system", "BURROW_LEASE_NAME", lease, "POD_NAME", name,
                        "TEST_SERVICE_PORTS", services),
                dir);
        processes.add(process);
        return process;
    }

    /** Waits for the replica's log line saying it bound the host (after output line {@code from}). */
    private static void awaitBound(ManagedProcess replica, int from) {
        replica.awaitLine(line -> line.text().contains("ingress pool/web: http://" + HOST), from, WAIT, "the bind of " + HOST);
    }

    private static io.fabric8.kubernetes.api.model.networking.v1.Ingress ingress() {
        return client.network().v1().ingresses().inNamespace("pool").withName("web").get();
    }
}
