package dev.burrow.k8s;

import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which IngressClasses and Services are the controller's, from YAML fixtures (src/test/resources/ingressclass, service). */
class ResourceMappingTest {
    private static final KubernetesSerialization YAML = new KubernetesSerialization();

    private static <T> List<T> fixture(String name, Class<T> kind) throws IOException {
        try (InputStream in = ResourceMappingTest.class.getResourceAsStream("/" + name)) {
            return YAML.unmarshal(in, KubernetesList.class).getItems().stream().map(kind::cast).toList();
        }
    }

    @Test
    void theClassesOfThisControllerAreOursAndSoIsTheDefaultWhenItIsOneOfThem() throws IOException {
        List<IngressClass> classes = fixture("ingressclass/classes.yaml", IngressClass.class);

        assertEquals(new IngressClasses(Set.of("burrow", "burrow-public"), true),
                IngressClasses.of(classes, ControllerSettings.DEFAULT_CONTROLLER_NAME));
        assertEquals(new IngressClasses(Set.of("nginx"), false), IngressClasses.of(classes, "k8s.io/ingress-nginx"));
        assertEquals(new IngressClasses(Set.of(), false), IngressClasses.of(classes, "example.com/none"));
    }

    @Test
    void anIngressIsServedByItsNamedClassByTheOldAnnotationOrWithoutEitherByTheDefaultClass() {
        IngressClasses ours = new IngressClasses(Set.of("burrow"), true);
        IngressClasses notDefault = new IngressClasses(Set.of("burrow"), false);

        assertTrue(ours.serves(ingress("burrow", Map.of())));
        assertFalse(ours.serves(ingress("nginx", Map.of())));
        assertFalse(ours.serves(ingress("nginx", Map.of(IngressClasses.CLASS_ANNOTATION, "burrow"))), "the field wins");
        assertTrue(ours.serves(ingress(null, Map.of(IngressClasses.CLASS_ANNOTATION, "burrow"))));
        assertFalse(ours.serves(ingress(null, Map.of(IngressClasses.CLASS_ANNOTATION, "nginx"))));
        assertTrue(ours.serves(ingress(null, Map.of())));
        assertFalse(notDefault.serves(ingress(null, Map.of())));
    }

    @Test
    void onlyTheTcpPortsOfLoadBalancersOfOurClassAreServed() throws IOException {
        Map<String, List<Integer>> served = new java.util.TreeMap<>();
        for (Service service : fixture("service/load-balancers.yaml", Service.class)) {
            served.put(service.getMetadata().getName(), LoadBalancerServices.servedPorts(service, "burrow.dev/tunnel")
                    .stream().map(ServicePort::getPort).toList());
        }

        assertEquals(Map.of("db", List.of(5432, 6379), "cloud", List.of(), "unclassed", List.of(), "internal", List.of()), served);
    }

    @Test
    void aBurrowEndpointsUrlIsAnHttpOrHttpsHostOrATcpPortAndAnythingElseIsRefusedWithTheFormsThatWork() {
        assertEquals(new BurrowEndpoints.PublicAddress("http", "app.example.com", 0), BurrowEndpoints.PublicAddress.parse("http://app.example.com"));
        assertEquals(new BurrowEndpoints.PublicAddress("https", "app.example.com", 0), BurrowEndpoints.PublicAddress.parse("https://app.example.com/"));
        assertEquals(new BurrowEndpoints.PublicAddress("tcp", null, 0), BurrowEndpoints.PublicAddress.parse("tcp://"));
        assertEquals(new BurrowEndpoints.PublicAddress("tcp", null, 20001), BurrowEndpoints.PublicAddress.parse("tcp://tunnel.example.com:20001"));
        for (String bad : new String[] {null, "", "app.example.com", "ftp://x", "http://", "tcp://x:99999", "http://a/b"}) {
            IllegalArgumentException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> BurrowEndpoints.PublicAddress.parse(bad), String.valueOf(bad));
            assertTrue(refused.getMessage().contains("http://NAME, https://NAME or tcp://"), refused.getMessage());
        }
    }

    private static Ingress ingress(String className, Map<String, String> annotations) {
        return new IngressBuilder().withNewMetadata().withName("web").withNamespace("shop").withAnnotations(annotations)
                .endMetadata().withNewSpec().withIngressClassName(className).endSpec().build();
    }
}
