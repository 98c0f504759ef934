package dev.burrow.k8s;

import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.Forwarder;
import dev.burrow.agent.HttpEndpointBuilder;
import dev.burrow.protocol.Bindings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.vertx.core.Future;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves each {@link BurrowEndpoint} as one endpoint and writes its public URL and a {@code Ready} condition into its
 * status: {@code True}/{@code Bound} once bound; {@code False} with the edge's refusal as reason and sentence (an
 * invalid traffic policy is {@code InvalidTrafficPolicy} with the line and column to fix) or {@code InvalidSpec}. A
 * change of only the traffic policy is applied to the bound endpoint, which keeps its URL; a refused one leaves the
 * endpoint serving with its previous policy, its URL in the status and {@code Ready} {@code False}. A policy by
 * reference ({@code spec.trafficPolicyRef}) follows its ConfigMap's changes the same way; a ConfigMap or key that does
 * not exist is {@code TrafficPolicyRefNotFound}, and the endpoint is not served until it does.
 */
final class BurrowEndpoints {
    static final String READY = "Ready";
    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private final KubernetesClient client;
    private final SessionEndpoints endpoints;
    private final ServiceUpstreams upstreams;
    private final ServicePorts ports;
    private final BooleanSupplier writesStatus;
    private final KubernetesEvents events;

    /** A spec's public address: {@code http}/{@code https} with a hostname, or {@code tcp} with a port (0: the edge picks). */
    record PublicAddress(String scheme, String host, int port) {
        private static final Pattern HTTP = Pattern.compile("(https?)://([^/:?#]+)/?");
        private static final Pattern TCP = Pattern.compile("tcp://(?:[^/:?#]*)(?::([0-9]{1,5}))?/?");

        static PublicAddress parse(String text) {
            String url = Optional.ofNullable(text).orElse("").trim();
            Matcher http = HTTP.matcher(url);
            if (http.matches()) {
                return new PublicAddress(http.group(1), http.group(2), 0);
            }
            Matcher tcp = TCP.matcher(url);
            if (tcp.matches() && (tcp.group(1) == null || Integer.parseInt(tcp.group(1)) <= 65535)) {
                return new PublicAddress("tcp", null, tcp.group(1) == null ? 0 : Integer.parseInt(tcp.group(1)));
            }
            throw new IllegalArgumentException("spec.url \"" + text + "\" is not http://NAME, https://NAME or tcp://[HOST][:PORT]");
        }
    }

    /**
     * The endpoint a spec asks for, always pooled (every replica of the controller binds it); {@code upstream} is a URI
     * for HTTP, "host:port" for TCP.
     */
    record EndpointSpecWish(PublicAddress address, String upstream, String trafficPolicy, String binding) implements EndpointWish {
        @Override
        public Future<Forwarder> bind(BurrowSession session) {
            if ("tcp".equals(address.scheme())) {
                var tcp = session.tcpEndpoint().port(address.port()).pooling(true);
                return (trafficPolicy == null ? tcp : tcp.trafficPolicy(trafficPolicy)).forward(upstream);
            }
            HttpEndpointBuilder http = session.httpEndpoint().hostname(address.host()).pooling(true).binding(binding)
                    .httpsOnly("https".equals(address.scheme()));
            return (trafficPolicy == null ? http : http.trafficPolicy(trafficPolicy)).forward(URI.create(upstream));
        }

        /** A TCP port the edge picked (for {@code tcp://}) is the port a wish naming it asks for, and a wish for any port. */
        @Override
        public boolean servedBy(EndpointWish bound, Forwarder forwarder) {
            if (bound instanceof EndpointSpecWish other && "tcp".equals(address.scheme()) && "tcp".equals(other.address().scheme())) {
                return withPort(0).equals(other.withPort(0))
                        && (address.port() == 0 || address.port() == URI.create(forwarder.publicUrl()).getPort());
            }
            return equals(bound);
        }

        EndpointSpecWish withPort(int port) {
            return new EndpointSpecWish(new PublicAddress(address.scheme(), address.host(), port), upstream, trafficPolicy, binding);
        }

        @Override
        public EndpointWish withTrafficPolicy(String policy) {
            return new EndpointSpecWish(address, upstream, policy, binding);
        }

        @Override
        public String toString() {
            return upstream;
        }
    }

    BurrowEndpoints(KubernetesClient client, SessionEndpoints endpoints, ServiceUpstreams upstreams, BooleanSupplier writesStatus,
                    KubernetesEvents events) {
        this.client = client;
        this.endpoints = endpoints;
        this.upstreams = upstreams;
        this.ports = new ServicePorts(client);
        this.writesStatus = writesStatus;
        this.events = events;
    }

    void changed(BurrowEndpoint resource) {
        endpoints.submit(key(resource), () -> reconcile(resource));
    }

    void deleted(BurrowEndpoint resource) {
        endpoints.submit(key(resource), () -> endpoints.apply(key(resource), Map.of()));
    }

    private void reconcile(BurrowEndpoint resource) {
        EndpointSpecWish wish;
        try {
            wish = wish(resource);
        } catch (IllegalArgumentException e) {
            endpoints.apply(key(resource), Map.of());
            writeStatus(resource, null, "False", e instanceof ReferenceMissing ? "TrafficPolicyRefNotFound" : "InvalidSpec", e.getMessage());
            return;
        }
        if ("tcp".equals(wish.address().scheme()) && wish.address().port() == 0 && !writesStatus.getAsBoolean()) {
            // The status writer picks the port (the edge's, written into the status); this replica joins it once named.
            endpoints.apply(key(resource), Map.of());
            return;
        }
        SessionEndpoints.Outcome outcome = endpoints.apply(key(resource), Map.of("endpoint", wish)).get("endpoint");
        if (outcome.bound() && !outcome.failed()) {
            writeStatus(resource, outcome.forwarder().publicUrl(), "True", "Bound", "serving " + outcome.forwarder().publicUrl());
        } else if (outcome.bound()) {
            writeStatus(resource, outcome.forwarder().publicUrl(), "False", reason(outcome),
                    outcome.error() + " (the endpoint keeps serving with its previous traffic policy)");
        } else {
            writeStatus(resource, null, "False", reason(outcome), outcome.error());
        }
    }

    private EndpointSpecWish wish(BurrowEndpoint resource) {
        BurrowEndpointSpec spec = Objects.requireNonNullElseGet(resource.getSpec(), BurrowEndpointSpec::new);
        PublicAddress address = PublicAddress.parse(spec.getUrl());
        String upstream = Optional.ofNullable(spec.getUpstream()).orElse("");
        int colon = upstream.lastIndexOf(':');
        if (colon <= 0 || colon == upstream.length() - 1) {
            throw new IllegalArgumentException("spec.upstream \"" + upstream + "\" is not service:port");
        }
        String service = upstream.substring(0, colon);
        String port = upstream.substring(colon + 1);
        String namespace = resource.getMetadata().getNamespace();
        int number = ports.resolve(namespace, service, port.matches("[0-9]+") ? Integer.valueOf(port) : null, port)
                .orElseThrow(() -> new IllegalArgumentException("Service " + service + " has no port named " + port));
        URI target = upstreams.uri(namespace, service, number);
        if ("tcp".equals(address.scheme()) && address.port() == 0) {
            address = new PublicAddress("tcp", null, statusPort(resource));
        }
        return new EndpointSpecWish(address, "tcp".equals(address.scheme()) ? target.getHost() + ":" + target.getPort() : target.toString(),
                policy(spec, namespace), binding(spec, address));
    }

    /** The public port in the status URL of a {@code tcp://} endpoint (the one the edge picked at first), else 0. */
    private static int statusPort(BurrowEndpoint resource) {
        String url = resource.getStatus() == null ? null : resource.getStatus().getUrl();
        if (url == null || !url.startsWith("tcp://")) {
            return 0;
        }
        return Math.max(URI.create(url).getPort(), 0);
    }

    /**
     * ngrok's {@code bindings}, one of {@code public} and {@code internal} (a name ending in {@code .internal}, reached
     * only by a {@code forward-internal} of the same account); null when none is given.
     */
    private static String binding(BurrowEndpointSpec spec, PublicAddress address) {
        List<String> bindings = Optional.ofNullable(spec.getBindings()).orElse(List.of());
        if (bindings.isEmpty()) {
            return null;
        }
        if (bindings.size() > 1) {
            throw new IllegalArgumentException("spec.bindings " + bindings + " names more than one binding; give one of public, internal");
        }
        String binding = bindings.get(0);
        if ("tcp".equals(address.scheme()) && !Bindings.PUBLIC.equals(binding)) {
            throw new IllegalArgumentException("spec.bindings [" + binding + "]: a tcp:// endpoint is public only");
        }
        String mismatch = Bindings.mismatch(binding, address.host());
        if (mismatch != null) {
            throw new IllegalArgumentException("spec.bindings: " + mismatch);
        }
        return binding;
    }

    private String policy(BurrowEndpointSpec spec, String namespace) {
        Object written = spec.getTrafficPolicy();
        BurrowEndpointSpec.PolicyRef ref = spec.getTrafficPolicyRef();
        if (written != null && ref != null) {
            throw new IllegalArgumentException("spec.trafficPolicy and spec.trafficPolicyRef are both set; set one of them");
        }
        if (ref != null) {
            return referencedPolicy(namespace, ref);
        }
        return written == null ? null : written instanceof String text ? text : JSON.asJson(written);
    }

    private String referencedPolicy(String namespace, BurrowEndpointSpec.PolicyRef ref) {
        if (ref.getName() == null || ref.getKey() == null) {
            throw new IllegalArgumentException("spec.trafficPolicyRef needs a name (a ConfigMap) and a key");
        }
        ConfigMap map = client.configMaps().inNamespace(namespace).withName(ref.getName()).get();
        if (map == null) {
            throw new ReferenceMissing("ConfigMap " + namespace + "/" + ref.getName()
                    + " named by spec.trafficPolicyRef does not exist; the endpoint is not served until it does");
        }
        Map<String, String> data = Optional.ofNullable(map.getData()).orElse(Map.of());
        if (!data.containsKey(ref.getKey())) {
            throw new ReferenceMissing("ConfigMap " + namespace + "/" + ref.getName() + " has no key " + ref.getKey()
                    + " (spec.trafficPolicyRef.key); its keys: " + new TreeSet<>(data.keySet()));
        }
        return data.get(ref.getKey());
    }

    /** A ConfigMap changed or went: every BurrowEndpoint (of {@code all}) whose policy it holds is looked at again. */
    void configMapChanged(ConfigMap map, List<BurrowEndpoint> all) {
        for (BurrowEndpoint resource : all) {
            BurrowEndpointSpec.PolicyRef ref = resource.getSpec() == null ? null : resource.getSpec().getTrafficPolicyRef();
            if (ref != null && map.getMetadata().getName().equals(ref.getName())
                    && map.getMetadata().getNamespace().equals(resource.getMetadata().getNamespace())) {
                changed(resource);
            }
        }
    }

    /** The spec names a ConfigMap or key that does not exist (yet): the reason is TrafficPolicyRefNotFound. */
    private static final class ReferenceMissing extends IllegalArgumentException {
        ReferenceMissing(String message) {
            super(message);
        }
    }

    /** The edge's error code as a condition reason (INVALID_TRAFFIC_POLICY becomes InvalidTrafficPolicy). */
    private static String reason(SessionEndpoints.Outcome outcome) {
        String code = outcome.failure() == null ? "BIND_FAILED"
                : outcome.failure().edgeCode() != null ? outcome.failure().edgeCode().name() : outcome.failure().reason().name();
        StringBuilder reason = new StringBuilder();
        for (String word : code.toLowerCase(Locale.ROOT).split("_")) {
            reason.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
        }
        return reason.toString();
    }

    /** Writes the URL and the Ready condition; a change of the condition is also recorded as an Event. */
    private void writeStatus(BurrowEndpoint resource, String url, String ready, String reason, String message) {
        if (!writesStatus.getAsBoolean()) {
            return;
        }
        var api = client.resources(BurrowEndpoint.class).inNamespace(resource.getMetadata().getNamespace());
        BurrowEndpoint current = api.withName(resource.getMetadata().getName()).get();
        if (current == null) {
            return;
        }
        BurrowEndpointStatus status = Optional.ofNullable(current.getStatus()).orElseGet(BurrowEndpointStatus::new);
        Optional<Condition> before = readyCondition(status);
        boolean sameCondition = before.filter(c -> ready.equals(c.getStatus()) && reason.equals(c.getReason())
                && Objects.equals(message, c.getMessage())).isPresent();
        if (Objects.equals(url, status.getUrl()) && sameCondition) {
            return;
        }
        String since = before.filter(c -> ready.equals(c.getStatus())).map(Condition::getLastTransitionTime)
                .orElse(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        status.setUrl(url);
        status.setConditions(List.of(new ConditionBuilder().withType(READY).withStatus(ready).withReason(reason)
                .withMessage(message).withLastTransitionTime(since)
                .withObservedGeneration(current.getMetadata().getGeneration()).build()));
        current.setStatus(status);
        api.resource(current).updateStatus();
        if (!sameCondition) {
            events.record(current, "True".equals(ready) ? KubernetesEvents.NORMAL : KubernetesEvents.WARNING, reason, message);
        }
    }

    static Optional<Condition> readyCondition(BurrowEndpointStatus status) {
        return Optional.ofNullable(status.getConditions()).orElse(List.of()).stream()
                .filter(c -> READY.equals(c.getType())).findFirst();
    }

    private static String key(BurrowEndpoint resource) {
        return "burrowendpoint " + resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    }
}
