package dev.burrow.k8s;

import dev.burrow.k8s.IngressRoutes.HostRoute;
import dev.burrow.k8s.IngressRoutes.PathRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The mapping from Ingress objects (YAML fixtures under src/test/resources/ingress) to the hosts Burrow serves. */
class IngressRoutesTest {
    private static final KubernetesSerialization YAML = new KubernetesSerialization();
    /** The cluster has one IngressClass of this controller, "burrow", and it is not the default. */
    private static final IngressClasses BURROW = new IngressClasses(Set.of("burrow"), false);

    private static Ingress fixture(String name) throws IOException {
        try (InputStream in = IngressRoutesTest.class.getResourceAsStream("/ingress/" + name)) {
            return YAML.unmarshal(in, Ingress.class);
        }
    }

    @Test
    void aSingleHostBecomesOneHostRoutedToItsServicePort() throws IOException {
        assertEquals(List.of(new HostRoute("shop.example.com",
                        List.of(new PathRoute("/", "Prefix", "web", 8080, null)), false)),
                IngressRoutes.of(fixture("single-host.yaml"), BURROW));
    }

    @Test
    void anIngressOfAnotherClassIsNotOurs() throws IOException {
        assertEquals(List.of(), IngressRoutes.of(fixture("other-class.yaml"), BURROW));
    }

    @Test
    void theClassAnnotationCountsTlsHostsAreMarkedAndHostlessRulesAreSkipped() throws IOException {
        List<HostRoute> hosts = IngressRoutes.of(fixture("annotated-two-hosts-tls.yaml"), BURROW);

        assertEquals(List.of("secure.example.com", "split.example.com"), hosts.stream().map(HostRoute::host).toList());
        HostRoute secure = hosts.get(0);
        assertTrue(secure.tls());
        assertEquals(new PathRoute("/", "Prefix", "web", null, "http"), secure.primary());
        assertTrue(secure.singleBackend());
        HostRoute split = hosts.get(1);
        assertFalse(split.tls());
        assertEquals(List.of("/api", "/"), split.paths().stream().map(PathRoute::path).toList());
        assertFalse(split.singleBackend());
    }

    @Test
    void aHostWithoutPathsUsesTheDefaultBackend() throws IOException {
        assertEquals(List.of(new HostRoute("docs.example.com",
                        List.of(new PathRoute("/", "Prefix", "web", 8080, null)), false)),
                IngressRoutes.of(fixture("default-backend.yaml"), BURROW));
    }
}
