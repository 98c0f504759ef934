package dev.burrow.k8s;

import dev.burrow.agent.BurrowSession;
import dev.burrow.agent.Forwarder;
import dev.burrow.agent.HttpEndpointBuilder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.vertx.core.Future;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Serves each {@link BurrowEndpoint} as one endpoint and writes its public URL and a {@code Ready} condition into its
 * status: {@code True}/{@code Bound} once bound; {@code False} with the edge's refusal as reason and sentence (an
 * invalid traffic policy is {@code InvalidTrafficPolicy} with the line and column to fix) or {@code InvalidSpec}.
 */
final class BurrowEndpoints {
    static final String READY = "Ready";

    private final KubernetesClient client;
    private final SessionEndpoints endpoints;
    private final ServiceUpstreams upstreams;
    private final ServicePorts ports;

    /** The endpoint a spec asks for; {@code upstream} is a URI for HTTP, "host:port" for TCP. */
    record EndpointSpecWish(URI url, String upstream, String trafficPolicy, boolean pooling) implements EndpointWish {
        @Override
        public Future<Forwarder> bind(BurrowSession session) {
            if ("tcp".equals(url.getScheme())) {
                var tcp = session.tcpEndpoint().port(Math.max(url.getPort(), 0)).pooling(pooling);
                return (trafficPolicy == null ? tcp : tcp.trafficPolicy(trafficPolicy)).forward(upstream);
            }
            HttpEndpointBuilder http = session.httpEndpoint().hostname(url.getHost()).pooling(pooling)
                    .httpsOnly("https".equals(url.getScheme()));
            return (trafficPolicy == null ? http : http.trafficPolicy(trafficPolicy)).forward(URI.create(upstream));
        }

        @Override
        public String toString() {
            return upstream;
        }
    }

    BurrowEndpoints(KubernetesClient client, SessionEndpoints endpoints, ServiceUpstreams upstreams) {
        this.client = client;
        this.endpoints = endpoints;
        this.upstreams = upstreams;
        this.ports = new ServicePorts(client);
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
            writeStatus(resource, null, "False", "InvalidSpec", e.getMessage());
            return;
        }
        SessionEndpoints.Outcome outcome = endpoints.apply(key(resource), Map.of("endpoint", wish)).get("endpoint");
        if (outcome.bound()) {
            writeStatus(resource, outcome.forwarder().publicUrl(), "True", "Bound", "serving " + outcome.forwarder().publicUrl());
        } else {
            writeStatus(resource, null, "False", reason(outcome), outcome.error());
        }
    }

    private EndpointSpecWish wish(BurrowEndpoint resource) {
        BurrowEndpointSpec spec = Objects.requireNonNullElseGet(resource.getSpec(), BurrowEndpointSpec::new);
        URI url = url(spec.getUrl());
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
        String policy = spec.getTrafficPolicy() == null || spec.getTrafficPolicy().isNull() ? null
                : spec.getTrafficPolicy().isTextual() ? spec.getTrafficPolicy().asText() : spec.getTrafficPolicy().toString();
        return new EndpointSpecWish(url, "tcp".equals(url.getScheme()) ? target.getHost() + ":" + target.getPort() : target.toString(),
                policy, Boolean.TRUE.equals(spec.getPooling()));
    }

    private static URI url(String text) {
        try {
            URI url = URI.create(Optional.ofNullable(text).orElse(""));
            if (List.of("http", "https").contains(url.getScheme()) && url.getHost() != null || "tcp".equals(url.getScheme())) {
                return url;
            }
        } catch (IllegalArgumentException e) {
            // answered below, with what a valid URL looks like
        }
        throw new IllegalArgumentException("spec.url \"" + text + "\" is not http://NAME, https://NAME or tcp://[HOST[:PORT]]");
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

    private void writeStatus(BurrowEndpoint resource, String url, String ready, String reason, String message) {
        var api = client.resources(BurrowEndpoint.class).inNamespace(resource.getMetadata().getNamespace());
        BurrowEndpoint current = api.withName(resource.getMetadata().getName()).get();
        if (current == null) {
            return;
        }
        BurrowEndpointStatus status = Optional.ofNullable(current.getStatus()).orElseGet(BurrowEndpointStatus::new);
        Optional<Condition> before = readyCondition(status);
        if (Objects.equals(url, status.getUrl()) && before.filter(c -> ready.equals(c.getStatus())
                && reason.equals(c.getReason()) && Objects.equals(message, c.getMessage())).isPresent()) {
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
    }

    static Optional<Condition> readyCondition(BurrowEndpointStatus status) {
        return Optional.ofNullable(status.getConditions()).orElse(List.of()).stream()
                .filter(c -> READY.equals(c.getType())).findFirst();
    }

    private static String key(BurrowEndpoint resource) {
        return "burrowendpoint " + resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
    }
}
