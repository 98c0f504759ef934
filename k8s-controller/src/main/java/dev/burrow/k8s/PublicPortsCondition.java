package dev.burrow.k8s;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The condition a LoadBalancer Service gets beside its status ports: {@code True} when every TCP port is public under
 * the Service's own number (as a cloud load balancer listens), {@code False} when the edge gave another port, naming
 * the port asked, the port given and the edge's reason for not giving the asked one (outside its TCP range, taken, ...).
 */
final class PublicPortsCondition {
    static final String TYPE = "burrow.dev/PortsKept";
    static final String KEPT = "PortsKept";
    static final String PICKED = "EdgePickedPort";
    /** What a replica that did not make the first bind says for lack of the edge's refusal (it never asked for that port). */
    static final String REASON_NOT_SEEN = "the edge did not give that port when the Service was first served";

    private PublicPortsCondition() {
    }

    /**
     * One served port: the Service's port number and name, the public port it got, and the edge's refusal of the
     * Service's number (null when this replica did not see one: it kept the port another replica had been given).
     */
    record Port(int asked, String name, int given, String refusal) {
        boolean kept() {
            return asked == given;
        }

        /** The part of the message that names the ports, without the reason. */
        String differs() {
            return "Service port " + asked + (name == null ? "" : " (" + name + ")") + " is public on port " + given + ", not " + asked;
        }
    }

    /**
     * The condition for {@code ports} (empty when none is served). A {@code previous} condition that already says why
     * for every port whose refusal this replica did not see is kept as it is (a new status writer cannot know the old
     * reason); a condition whose status did not change keeps its transition time.
     */
    static Optional<Condition> of(List<Port> ports, Condition previous, Long generation) {
        if (ports.isEmpty()) {
            return Optional.empty();
        }
        List<Port> moved = ports.stream().filter(p -> !p.kept()).toList();
        boolean noneSeen = !moved.isEmpty() && moved.stream().allMatch(p -> p.refusal() == null);
        if (noneSeen && previous != null && PICKED.equals(previous.getReason())
                && moved.stream().allMatch(p -> String.valueOf(previous.getMessage()).contains(p.differs()))) {
            return Optional.of(previous);
        }
        String status = moved.isEmpty() ? "True" : "False";
        String message = moved.isEmpty() ? "every TCP port is public under its own number"
                : moved.stream().map(p -> p.differs() + ": " + Objects.requireNonNullElse(p.refusal(), REASON_NOT_SEEN))
                .collect(Collectors.joining(". ", "", "."));
        String since = previous != null && status.equals(previous.getStatus()) ? previous.getLastTransitionTime()
                : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        return Optional.of(new ConditionBuilder().withType(TYPE).withStatus(status).withReason(moved.isEmpty() ? KEPT : PICKED)
                .withMessage(message).withLastTransitionTime(since).withObservedGeneration(generation).build());
    }

    /** Whether two conditions say the same (status, reason and message; times aside). */
    static boolean same(Condition a, Condition b) {
        return a == null ? b == null : b != null && Objects.equals(a.getStatus(), b.getStatus())
                && Objects.equals(a.getReason(), b.getReason()) && Objects.equals(a.getMessage(), b.getMessage());
    }
}
