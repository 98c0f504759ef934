package dev.burrow.k8s;

import dev.burrow.testsupport.TempDirs;
import dev.burrow.testsupport.tools.ClientRun;
import dev.burrow.testsupport.tools.Tools;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The real {@code kubectl} against fabric8's mock API server. The mock serves objects but no discovery documents, and
 * kubectl maps every kind through them first, so the documents for the core group and {@code networking.k8s.io/v1}
 * are served here as expectations (each with and without kubectl's {@code ?timeout=32s}, its default; so no
 * {@code --request-timeout}, which would change that query). The mock has no OpenAPI schemas either: create with
 * {@code --validate=false}. Commands run with their own kubeconfig and cache directory, deleted on close.
 */
final class KubectlOnMock implements AutoCloseable {
    private static final String API = """
            {"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]}""";
    private static final String CORE = """
            {"kind":"APIResourceList","groupVersion":"v1","resources":[
             {"name":"services","singularName":"service","namespaced":true,"kind":"Service","verbs":["create","delete","get","list","patch","update","watch"]},
             {"name":"namespaces","singularName":"namespace","namespaced":false,"kind":"Namespace","verbs":["create","delete","get","list"]}]}""";
    private static final String GROUPS = """
            {"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"networking.k8s.io",
             "versions":[{"groupVersion":"networking.k8s.io/v1","version":"v1"}],
             "preferredVersion":{"groupVersion":"networking.k8s.io/v1","version":"v1"}}]}""";
    private static final String NETWORKING = """
            {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"networking.k8s.io/v1","resources":[
             {"name":"ingresses","singularName":"ingress","namespaced":true,"kind":"Ingress","shortNames":["ing"],"verbs":["create","delete","get","list","patch","update","watch"]},
             {"name":"ingresses/status","singularName":"","namespaced":true,"kind":"Ingress","verbs":["get","patch","update"]},
             {"name":"ingressclasses","singularName":"ingressclass","namespaced":false,"kind":"IngressClass","verbs":["create","delete","get","list","patch","update","watch"]}]}""";

    private final Path dir;
    private final Path kubeconfig;

    KubectlOnMock(KubernetesMockServer server) {
        Tools.assumeInstalled("kubectl");
        serve(server, "/api", API);
        serve(server, "/api/v1", CORE);
        serve(server, "/apis", GROUPS);
        serve(server, "/apis/networking.k8s.io/v1", NETWORKING);
        try {
            dir = Files.createTempDirectory("burrow-kubectl");
            kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
                    apiVersion: v1
                    kind: Config
                    clusters: [{name: mock, cluster: {server: "%s", insecure-skip-tls-verify: true}}]
                    users: [{name: mock, user: {token: mock}}]
                    contexts: [{name: mock, context: {cluster: mock, user: mock, namespace: shop}}]
                    current-context: mock
                    """.formatted(server.url("/").replaceAll("/$", "")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void serve(KubernetesMockServer server, String path, String json) {
        for (String variant : List.of(path, path + "?timeout=32s")) {
            server.expect().get().withPath(variant).andReturn(200, json).always();
        }
    }

    /** Writes {@code yaml} to a file in the command's directory; its path. */
    Path file(String name, String yaml) {
        try {
            return Files.writeString(dir.resolve(name), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs {@code kubectl ARGS} (bounded to 60 s) and asserts it exits 0; its standard output. */
    String run(String... args) {
        List<String> command = new ArrayList<>(List.of(Tools.require("kubectl").toString(), "--kubeconfig", kubeconfig.toString(),
                "--cache-dir", dir.resolve("cache").toString()));
        command.addAll(List.of(args));
        ClientRun run = ClientRun.run(command, Duration.ofSeconds(60));
        assertEquals(0, run.exitCode(), String.join(" ", args) + ": " + run.stdout() + run.stderr());
        return run.stdout();
    }

    @Override
    public void close() {
        TempDirs.deleteRecursively(dir);
    }
}
