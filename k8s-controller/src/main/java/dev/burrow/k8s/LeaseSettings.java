package dev.burrow.k8s;

import java.time.Duration;

/**
 * The Lease ({@code coordination.k8s.io/v1}) the replicas elect a leader with, and its timing: a leader that stops
 * renewing loses the lease after {@code leaseDuration}; a leader that cannot renew within {@code renewDeadline} stops
 * leading; candidates try every {@code retryPeriod}.
 */
public record LeaseSettings(String namespace, String name, String identity, Duration leaseDuration,
                            Duration renewDeadline, Duration retryPeriod) {
    public LeaseSettings {
        if (!(retryPeriod.compareTo(renewDeadline) < 0 && renewDeadline.compareTo(leaseDuration) < 0)) {
            throw new IllegalArgumentException("lease timing must be retry period < renew deadline < lease duration, got "
                    + retryPeriod + ", " + renewDeadline + ", " + leaseDuration);
        }
    }

    /** Kubernetes' own controllers' timing: 15 s lease, 10 s renew deadline, 2 s retry. */
    public static LeaseSettings of(String namespace, String name, String identity) {
        return new LeaseSettings(namespace, name, identity, Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
    }
}
