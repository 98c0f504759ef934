package dev.burrow.k8s;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Kubernetes Events ({@code core/v1}) about the objects the controller serves, as {@code kubectl describe} and
 * {@code kubectl get events} show them. Only the replica that writes status records them, when the condition they
 * mirror changes, so a resync does not repeat them. A refused write (an older install whose RBAC does not let it create
 * events) is logged, never thrown: the status still says it all.
 */
final class KubernetesEvents {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesEvents.class);
    static final String COMPONENT = "burrow-controller";
    static final String NORMAL = "Normal";
    static final String WARNING = "Warning";

    private final KubernetesClient client;

    KubernetesEvents(KubernetesClient client) {
        this.client = client;
    }

    /** Records one event of {@code type} ({@link #NORMAL} or {@link #WARNING}) about {@code about}. */
    void record(HasMetadata about, String type, String reason, String message) {
        String namespace = about.getMetadata().getNamespace();
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        // Unique per event, as client-go names them: the object's name and a random suffix.
        String name = about.getMetadata().getName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        Event event = new EventBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(about.getApiVersion()).withKind(about.getKind())
                        .withNamespace(namespace).withName(about.getMetadata().getName()).withUid(about.getMetadata().getUid())
                        .withResourceVersion(about.getMetadata().getResourceVersion()).build())
                .withType(type).withReason(reason).withMessage(message).withCount(1)
                .withFirstTimestamp(now).withLastTimestamp(now)
                .withNewSource().withComponent(COMPONENT).endSource().withReportingComponent(COMPONENT)
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.warn("{} {}/{}: cannot record the event {} ({}): {}", about.getKind(), namespace, about.getMetadata().getName(),
                    reason, message, e.getMessage());
        }
    }
}
